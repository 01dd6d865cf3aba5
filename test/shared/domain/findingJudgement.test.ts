import type { Finding } from '../../../shared/domain/finding';
import { judgeFinding } from '../../../shared/domain/findingJudgement';

const base: Finding = {
  table: 'DeviceNetworkEvents',
  indicator: '178.16.52.203:1889',
  onIndicatorPort: false,
  device: 'wks-fin-07.corp.contoso.com',
  remoteAddress: '178.16.52.203',
  remotePort: 443,
  direction: 'outbound',
  action: 'ConnectionSuccess',
  count: 1,
  firstSeen: '2026-11-30T09:41:13.2209861Z',
  lastSeen: '2026-11-30T09:41:13.2209861Z',
};

describe('judgeFinding', () => {
  it('excludes a finding by the scenario its hunt attributed, with the scenario name', () => {
    const judged = judgeFinding({
      ...base,
      exclusionId: 'S2',
      process: {
        fileName: 'powershell.exe',
        folderPath: 'c:\\windows\\system32\\windowspowershell\\v1.0\\powershell.exe',
        parentFileName: 'svchost.exe',
      },
    });

    expect(judged.judgement).toEqual({
      kind: 'excluded',
      scenarioId: 'S2',
      scenarioName: 'PowerShell Script for System Monitoring',
      why: 'scenario 2 (PowerShell Script for System Monitoring): PowerShell from its installation folder ran Get-EventLog or Invoke-Command - c:\\windows\\system32\\windowspowershell\\v1.0\\powershell.exe, parent svchost.exe',
    });
  });

  it('calls a known Windows binary outside its folder a masquerade', () => {
    const judged = judgeFinding({
      ...base,
      process: {
        fileName: 'svchost.exe',
        folderPath: 'c:\\users\\user07\\appdata\\roaming\\microsoft\\svchost.exe',
        parentFileName: 'svchost.exe',
      },
    });

    expect(judged.judgement).toEqual({
      kind: 'unexplained',
      why: 'svchost.exe runs from c:\\users\\user07\\appdata\\roaming\\microsoft\\svchost.exe, not from its Windows folder: a masquerade; no exclusion scenario excuses it',
    });
  });

  it('leaves an unknown scenario id unexplained rather than trusting it', () => {
    const judged = judgeFinding({ ...base, exclusionId: 'S9', process: { fileName: 'x.exe' } });

    expect(judged.judgement.kind).toBe('unexplained');
    expect(judged.judgement.why).toContain('S9, which is not a known scenario');
  });

  it('gives a firewall finding no process context', () => {
    const judged = judgeFinding({ ...base, table: 'CommonSecurityLog', device: 'FGT-HUB-01' });

    expect(judged.judgement).toEqual({
      kind: 'no-process-context',
      why: 'firewall FGT-HUB-01 logged the session without process details, so no exclusion scenario can explain it',
    });
  });

  it('gives a Defender row without an initiating process no process context', () => {
    expect(judgeFinding(base).judgement.kind).toBe('no-process-context');
  });
});
