import type { Finding, HuntOutcome, HuntResult, HuntTable } from '../../../shared/domain/finding';
import { reachVerdict } from '../../../shared/domain/verdictRules';

const WINDOW = { start: '2026-11-30T08:14:07Z', end: '2026-11-30T10:58:22Z' };

const implant: Finding = {
  table: 'DeviceNetworkEvents',
  indicator: '178.16.52.203:1889',
  onIndicatorPort: true,
  device: 'wks-fin-07.corp.contoso.com',
  remoteAddress: '178.16.52.203',
  remotePort: 1889,
  direction: 'outbound',
  action: 'ConnectionSuccess',
  process: {
    fileName: 'svchost.exe',
    folderPath: 'c:\\users\\user07\\appdata\\roaming\\microsoft\\svchost.exe',
    parentFileName: 'svchost.exe',
  },
  count: 38,
  firstSeen: '2026-11-30T09:14:07.4411235Z',
  lastSeen: '2026-12-02T16:56:56.8525897Z',
};
const splunk: Finding = {
  ...implant,
  indicator: '154.18.238.18:8848',
  device: 'srv-log-02.corp.contoso.com',
  remoteAddress: '154.18.238.18',
  remotePort: 8848,
  process: {
    fileName: 'splunk.exe',
    folderPath: 'c:\\program files\\splunkuniversalforwarder\\bin\\splunk.exe',
    commandLine: 'splunk.exe list inputstatus',
  },
  count: 3,
  exclusionId: 'S5',
};
const firewall: Finding = {
  table: 'CommonSecurityLog',
  indicator: '178.16.52.203:1889',
  onIndicatorPort: true,
  device: 'PA-HQ-01',
  vendor: 'Palo Alto Networks',
  localAddress: '10.10.20.57',
  remoteAddress: '178.16.52.203',
  remotePort: 1889,
  direction: 'outbound',
  action: 'deny',
  allowed: false,
  count: 1,
  firstSeen: '2026-11-30T11:42:19.318Z',
  lastSeen: '2026-11-30T11:42:19.318Z',
};

function hunt(table: HuntTable, findings: Finding[], outcome?: HuntOutcome): HuntResult {
  return {
    table,
    outcome: outcome ?? {
      status: 'complete',
      rowCount: findings.reduce((sum, finding) => sum + finding.count, 0),
    },
    findings,
    sample: [],
    window: WINDOW,
  };
}

const failed: HuntOutcome = { status: 'failed', reason: 'timed out after 3 attempts' };
const partial: HuntOutcome = { status: 'partial', reason: 'query exceeded the 64 MB result limit' };
const missing: HuntOutcome = { status: 'missing-table', reason: "'CommonSecurityLog' not found" };

describe('reachVerdict', () => {
  it.each([
    [
      'an unexplained process finding',
      [hunt('DeviceNetworkEvents', [implant]), hunt('CommonSecurityLog', [])],
      'malicious',
    ],
    [
      'a firewall finding, which no scenario can explain',
      [hunt('DeviceNetworkEvents', []), hunt('CommonSecurityLog', [firewall])],
      'malicious',
    ],
    [
      'an unexplained finding beside a failed hunt',
      [hunt('DeviceNetworkEvents', [implant]), hunt('CommonSecurityLog', [], failed)],
      'malicious',
    ],
    [
      'every finding excluded',
      [hunt('DeviceNetworkEvents', [splunk]), hunt('CommonSecurityLog', [])],
      'benign',
    ],
    [
      'excluded findings beside a failed hunt',
      [hunt('DeviceNetworkEvents', [splunk]), hunt('CommonSecurityLog', [], failed)],
      'inconclusive',
    ],
    [
      'nothing found beside a partial hunt',
      [hunt('DeviceNetworkEvents', [], partial), hunt('CommonSecurityLog', [])],
      'inconclusive',
    ],
    [
      'nothing found beside a missing table',
      [hunt('DeviceNetworkEvents', []), hunt('CommonSecurityLog', [], missing)],
      'inconclusive',
    ],
    ['no hunt at all', [], 'inconclusive'],
    [
      'complete hunts that found nothing',
      [hunt('DeviceNetworkEvents', []), hunt('CommonSecurityLog', [])],
      'no-activity',
    ],
  ] as const)('calls %s %s', (_what, hunts, kind) => {
    expect(reachVerdict(hunts).kind).toBe(kind);
  });

  it('says which scenario explains each finding of a benign verdict', () => {
    const verdict = reachVerdict([
      hunt('DeviceNetworkEvents', [splunk]),
      hunt('CommonSecurityLog', []),
    ]);

    expect(verdict.findings.map((finding) => finding.judgement)).toEqual([
      expect.objectContaining({
        kind: 'excluded',
        scenarioId: 'S5',
        scenarioName: 'Log Collection and Analysis Tool',
      }),
    ]);
    expect(verdict.reasons[0]).toBe(
      'Every one of the 1 findings (3 rows) is explained by an exclusion scenario.',
    );
    expect(verdict.reasons[1]).toContain('scenario 5 (Log Collection and Analysis Tool)');
  });

  it('names the failed hunt when an unexplained finding already makes the incident malicious', () => {
    const verdict = reachVerdict([
      hunt('DeviceNetworkEvents', [implant]),
      hunt('CommonSecurityLog', [], failed),
    ]);

    expect(verdict.reasons).toContain(
      'The CommonSecurityLog hunt failed (timed out after 3 attempts). The unexplained findings above are evidence enough.',
    );
    expect(verdict.reasons[0]).toBe(
      '1 of 1 findings is not explained by any exclusion scenario (38 rows).',
    );
  });

  it('tells the operator to enable the data connector when a table is missing', () => {
    const verdict = reachVerdict([
      hunt('DeviceNetworkEvents', []),
      hunt('CommonSecurityLog', [], missing),
    ]);

    expect(verdict.reasons[0]).toContain('ensure its data connector is enabled');
    expect(verdict.reasons[1]).toContain('not proof of no activity');
  });

  it('never calls excluded findings benign while a hunt is partial', () => {
    const verdict = reachVerdict([
      hunt('DeviceNetworkEvents', [splunk], partial),
      hunt('CommonSecurityLog', []),
    ]);

    expect(verdict.kind).toBe('inconclusive');
    expect(verdict.reasons.join(' ')).toContain('cannot be called benign');
  });

  it('keeps every hunt outcome and window in the verdict', () => {
    const verdict = reachVerdict([
      hunt('DeviceNetworkEvents', []),
      hunt('CommonSecurityLog', [], missing),
    ]);

    expect(verdict.hunts).toEqual([
      {
        table: 'DeviceNetworkEvents',
        outcome: { status: 'complete', rowCount: 0 },
        window: WINDOW,
      },
      { table: 'CommonSecurityLog', outcome: missing, window: WINDOW },
    ]);
  });

  it('reports no activity over the hunted window', () => {
    const verdict = reachVerdict([hunt('DeviceNetworkEvents', []), hunt('CommonSecurityLog', [])]);

    expect(verdict.reasons).toEqual([
      'Both hunts ran over 2026-11-30T08:14:07Z - 2026-11-30T10:58:22Z and found no traffic to or from the indicators.',
    ]);
  });
});
