import { PassThrough } from 'node:stream';

import { ConsoleNotifier } from '../../../../shared/adapters/local/consoleNotifier';

describe('console notifier', () => {
  it('writes the approval notice with the indicator, incidents, deadline and approval address', async () => {
    const output = new PassThrough();
    const chunks: string[] = [];
    output.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));

    await new ConsoleNotifier(output).notifyApprovalRequested({
      incidentNumbers: [4127, 4131],
      indicator: '178.16.52.203:1889',
      verdict: 'malicious',
      approvalUrl: 'c2-responder approve contain-178.16.52.203-1889 --as analyst@contoso.com',
      deadline: '2026-11-30T14:06:41.000Z',
    });

    expect(chunks.join('')).toBe(
      'Approval needed: block 178.16.52.203:1889 (verdict malicious; incidents #4127, #4131).\n' +
        '  Decide before 2026-11-30T14:06:41.000Z: c2-responder approve contain-178.16.52.203-1889 --as analyst@contoso.com\n',
    );
  });

  it('adds what the approver must acknowledge when the notice carries a note', async () => {
    const output = new PassThrough();
    const chunks: string[] = [];
    output.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));

    await new ConsoleNotifier(output).notifyApprovalRequested({
      incidentNumbers: [4127],
      indicator: '178.16.52.203:1889',
      verdict: 'malicious',
      approvalUrl: 'http://127.0.0.1:7071/api/approvals/contain-178.16.52.203_1889',
      deadline: '2026-11-30T14:06:41.000Z',
      note: 'ThreatFox marks 178.16.52.203 as a compromised legitimate host.',
    });

    expect(chunks.join('')).toContain(
      '  Note: ThreatFox marks 178.16.52.203 as a compromised legitimate host.\n',
    );
  });
});
