import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import { VirtualClock } from '../../../local/host/clock';
import { main } from '../../../local/cli/main';
import { JsonlAuditLog } from '../../../shared/adapters/local/jsonlAuditLog';
import type { AuditRecord } from '../../../shared/domain/auditRecord';
import { incidentVariant, labIncident } from '../../support/lab';

const MALICIOUS = join(__dirname, '..', '..', '..', 'samples', 'incidents', 'malicious.json');
const CONTAINMENT = 'contain-178.16.52.203_1889';
const APPROVER = 'soc.analyst@contoso.com';

let workingDirectory: string;
let clock: VirtualClock;

beforeEach(async () => {
  workingDirectory = await mkdtemp(join(tmpdir(), 'c2r-block-cli-'));
  clock = new VirtualClock('2026-11-30T10:12:00.000Z');
});

afterEach(async () => {
  await rm(workingDirectory, { recursive: true, force: true });
});

async function cli(
  argv: readonly string[],
  settings: Record<string, string> = {},
): Promise<string> {
  const chunks: string[] = [];
  const stdout = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  await main([...argv, '--state', 'state'], {
    stdout,
    stderr: stdout,
    environment: settings,
    workingDirectory,
    clock,
  });
  return chunks.join('');
}

async function audit(): Promise<AuditRecord[]> {
  const text = await readFile(join(workingDirectory, 'state', 'audit.jsonl'), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as AuditRecord);
}

describe('block commands', () => {
  it('audits an expiry that follows a kill-switch refusal at the same --now, at the real time', async () => {
    await cli(['respond', MALICIOUS, '--approve-as', APPROVER]);
    const asOf = '2027-01-01T00:00:00.000Z';

    const refusedAt = clock.now().toISOString();
    const refused = await cli(['expire', '--now', asOf], { C2R_KILL_SWITCH: 'true' });
    clock.advanceBy(60_000);
    const expiredAt = clock.now().toISOString();
    const expired = await cli(['expire', '--now', asOf]);

    expect(refused).toContain('2 rule(s) were left in place.');
    expect(expired).toContain('2 rule(s) removed.');
    const expiries = (await audit()).filter((r) => r.action === 'block.expired');
    expect(expiries.map((r) => [r.outcome, r.time])).toEqual([
      ['refused', refusedAt],
      ['refused', refusedAt],
      ['succeeded', expiredAt],
      ['succeeded', expiredAt],
    ]);
    const log = new JsonlAuditLog({ stateDirectory: join(workingDirectory, 'state') });
    expect(await log.verify()).toMatchObject({ ok: true, problems: [] });
  });

  it('audits the whole second containment of an indicator after an unblock', async () => {
    const again = join(workingDirectory, 'again.json');
    await writeFile(
      again,
      JSON.stringify(incidentVariant(await labIncident('malicious'), { number: 4200 })),
    );
    await cli(['respond', MALICIOUS, '--approve-as', APPROVER]);
    await cli(['unblock', '178.16.52.203:1889', '--as', APPROVER]);

    await cli(['respond', again, '--approve-as', APPROVER]);

    const containment = (await audit()).filter((r) => r.partition === CONTAINMENT);
    const count = (action: string) => containment.filter((r) => r.action === action).length;
    expect(
      ['containment.started', 'plan.created', 'approval.requested', 'approval.decided'].map(count),
    ).toEqual([2, 2, 2, 2]);
    expect([count('block.applied'), count('block.verified')]).toEqual([4, 2]);
  });
});
