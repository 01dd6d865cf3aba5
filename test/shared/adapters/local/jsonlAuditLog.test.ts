import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { JsonlAuditLog } from '../../../../shared/adapters/local/jsonlAuditLog';
import type * as auditLogModule from '../../../../shared/adapters/local/jsonlAuditLog';
import type { AuditEntry } from '../../../../shared/domain/auditRecord';

function entry(partition: string, n: number, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    partition,
    time: `2026-11-30T10:${String(n).padStart(2, '0')}:00.000Z`,
    actor: 'system:test',
    action: 'incident.read',
    outcome: 'succeeded',
    incidentId: partition,
    idempotencyKey: `${partition}/${n}`,
    details: { n },
    ...overrides,
  };
}

describe('JSON Lines audit log', () => {
  let state: string;
  let file: string;

  beforeEach(async () => {
    state = await mkdtemp(join(tmpdir(), 'c2r-audit-'));
    file = join(state, 'audit.jsonl');
  });

  afterEach(async () => {
    await rm(state, { recursive: true, force: true });
  });

  async function lines(): Promise<string[]> {
    return (await readFile(file, 'utf8')).split('\n').filter((line) => line !== '');
  }

  it('chains records per partition, one JSON line each', async () => {
    const log = new JsonlAuditLog({ stateDirectory: state });

    const a1 = await log.append(entry('incident-a', 1));
    const b1 = await log.append(entry('incident-b', 2));
    const a2 = await log.append(entry('incident-a', 3));

    expect([a1.sequence, b1.sequence, a2.sequence]).toEqual([1, 1, 2]);
    expect(a2.previousHash).toBe(a1.hash);
    expect(await lines()).toHaveLength(3);
    expect(JSON.parse((await lines())[2] ?? '')).toEqual(a2);
  });

  it('returns the existing record for a known idempotency key instead of appending', async () => {
    const log = new JsonlAuditLog({ stateDirectory: state });
    const first = await log.append(entry('incident-a', 1));

    const again = await log.append(entry('incident-a', 1, { reason: 'retried activity' }));

    expect(again).toEqual(first);
    expect(await lines()).toHaveLength(1);
  });

  it('continues a chain written by an earlier process', async () => {
    await new JsonlAuditLog({ stateDirectory: state }).append(entry('incident-a', 1));
    const fresh = await loadFreshModule();

    const record = await new fresh.JsonlAuditLog({ stateDirectory: state }).append(
      entry('incident-a', 2),
    );

    expect(record.sequence).toBe(2);
    expect((await new JsonlAuditLog({ stateDirectory: state }).verify()).ok).toBe(true);
  });

  it('keeps one chain when two log objects in one process append at once', async () => {
    const first = new JsonlAuditLog({ stateDirectory: state });
    const second = new JsonlAuditLog({ stateDirectory: state });

    const records = await Promise.all(
      Array.from({ length: 40 }, (_, n) => (n % 2 === 0 ? first : second).append(entry('p', n))),
    );

    expect(records.map((record) => record.sequence).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 40 }, (_, n) => n + 1),
    );
    expect(await first.verify()).toMatchObject({ ok: true, records: 40 });
  });

  it('keeps one chain when another module instance (as another process) appends at once', async () => {
    const fresh = await loadFreshModule();
    const here = new JsonlAuditLog({ stateDirectory: state });
    const there = new fresh.JsonlAuditLog({ stateDirectory: state });

    await Promise.all(
      Array.from({ length: 30 }, (_, n) => (n % 2 === 0 ? here : there).append(entry('p', n))),
    );
    // The same key through the other instance is recognised from the file.
    await there.append(entry('p', 0));

    expect(await lines()).toHaveLength(30);
    expect(await here.verify()).toMatchObject({ ok: true, records: 30 });
    expect((await readdir(state)).sort()).toEqual(['audit.heads.json', 'audit.jsonl']);
  });

  it('fails verification naming the record whose line was edited', async () => {
    const log = new JsonlAuditLog({ stateDirectory: state });
    for (let n = 1; n <= 3; n += 1) await log.append(entry('incident-a', n));
    const edited = (await lines()).map((line, i) =>
      i === 1 ? line.replace('"outcome":"succeeded"', '"outcome":"refused"') : line,
    );
    await writeFile(file, `${edited.join('\n')}\n`);

    const result = await log.verify();

    expect(result.ok).toBe(false);
    expect(result.problems).toContain(
      'partition incident-a, record 2: content does not match its hash (edited)',
    );
  });

  it('fails verification when a line is removed', async () => {
    const log = new JsonlAuditLog({ stateDirectory: state });
    for (let n = 1; n <= 3; n += 1) await log.append(entry('incident-a', n));
    const kept = (await lines()).filter((_, i) => i !== 1);
    await writeFile(file, `${kept.join('\n')}\n`);

    const result = await new JsonlAuditLog({ stateDirectory: state }).verify('incident-a');

    expect(result.ok).toBe(false);
    expect(result.problems.join('\n')).toContain('partition incident-a, record 3');
  });

  it('fails verification when the newest line is removed behind its back', async () => {
    const log = new JsonlAuditLog({ stateDirectory: state });
    for (let n = 1; n <= 3; n += 1) await log.append(entry('incident-a', n));
    await writeFile(file, `${(await lines()).slice(0, 2).join('\n')}\n`);

    const result = await log.verify();

    expect(result.ok).toBe(false);
    expect(result.problems).toEqual(['partition incident-a: the last 1 record(s) are missing']);
  });

  it('detects from a fresh process that the newest records of a partition were cut off', async () => {
    const log = new JsonlAuditLog({ stateDirectory: state });
    for (let n = 1; n <= 4; n += 1) await log.append(entry('incident-a', n));
    await log.append(entry('incident-b', 5));
    await writeFile(
      file,
      `${(await lines())
        .slice(0, 2)
        .concat((await lines())[4] ?? '')
        .join('\n')}\n`,
    );
    const fresh = await loadFreshModule();

    const result = await new fresh.JsonlAuditLog({ stateDirectory: state }).verify();

    expect(result).toMatchObject({ ok: false, records: 3 });
    expect(result.problems).toEqual(['partition incident-a: the last 2 record(s) are missing']);
  });

  it('detects from a fresh process that a whole partition was deleted', async () => {
    const log = new JsonlAuditLog({ stateDirectory: state });
    await log.append(entry('incident-a', 1));
    await log.append(entry('incident-b', 2));
    await log.append(entry('incident-b', 3));
    await writeFile(file, `${(await lines())[0]}\n`);
    const fresh = await loadFreshModule();

    const verifier = new fresh.JsonlAuditLog({ stateDirectory: state });

    expect((await verifier.verify()).problems).toEqual([
      'partition incident-b: every record is missing',
    ]);
    expect(await verifier.verify('incident-a')).toMatchObject({ ok: true, problems: [] });
  });

  it('keeps reporting a cut-off end after a fresh process appends to the shorter chain', async () => {
    const log = new JsonlAuditLog({ stateDirectory: state });
    for (let n = 1; n <= 3; n += 1) await log.append(entry('incident-a', n));
    await writeFile(file, `${(await lines())[0]}\n`);
    const fresh = await loadFreshModule();
    const later = new fresh.JsonlAuditLog({ stateDirectory: state });

    const appended = await later.append(entry('incident-a', 9));

    expect(appended.sequence).toBe(2);
    expect((await later.verify()).problems).toEqual([
      'partition incident-a: records up to 3 were cut off the end, and later records continued the shorter chain',
    ]);
  });

  it('accepts a log one record ahead of its heads, as a crash between the two writes leaves it', async () => {
    const log = new JsonlAuditLog({ stateDirectory: state });
    await log.append(entry('incident-a', 1));
    const heads = await readFile(join(state, 'audit.heads.json'), 'utf8');
    await log.append(entry('incident-a', 2));
    await writeFile(join(state, 'audit.heads.json'), heads);
    const fresh = await loadFreshModule();
    const restarted = new fresh.JsonlAuditLog({ stateDirectory: state });

    expect(await restarted.verify()).toMatchObject({ ok: true, records: 2, problems: [] });
    await restarted.append(entry('incident-a', 3));
    expect(await restarted.verify()).toMatchObject({ ok: true, records: 3, problems: [] });
  });

  it('says when the heads file is missing, so a cut-off end could not be checked', async () => {
    const log = new JsonlAuditLog({ stateDirectory: state });
    await log.append(entry('incident-a', 1));
    await rm(join(state, 'audit.heads.json'));
    const fresh = await loadFreshModule();

    expect((await new fresh.JsonlAuditLog({ stateDirectory: state }).verify()).problems).toEqual([
      'audit.heads.json is missing: records cut off the end of the log cannot be detected',
    ]);
  });

  it('keeps reporting a heads file rebuilt after it was lost, even once the log grows again', async () => {
    const log = new JsonlAuditLog({ stateDirectory: state });
    await log.append(entry('incident-a', 1));
    await log.append(entry('incident-a', 2));
    const lines = (await readFile(file, 'utf8')).split('\n').filter(Boolean);
    await writeFile(file, `${lines[0]}\n`);
    await rm(join(state, 'audit.heads.json'));
    const fresh = await loadFreshModule();
    const restarted = new fresh.JsonlAuditLog({ stateDirectory: state });

    await restarted.append(entry('incident-b', 1));

    const result = await restarted.verify();
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([
      expect.stringMatching(
        /^audit\.heads\.json was rebuilt at .* from the log as it then was \(audit\.heads\.json is missing\): records cut off before then cannot be detected$/,
      ),
    ]);
  });

  it('reports a line that is no longer a record', async () => {
    const log = new JsonlAuditLog({ stateDirectory: state });
    await log.append(entry('incident-a', 1));
    await appendFile(file, '{"partition": "incident-a", broken\n');

    expect((await log.verify()).problems).toContain(
      'line 2: not an audit record (edited or damaged)',
    );
  });

  it('cuts off a torn last line left by a crash before appending', async () => {
    const log = new JsonlAuditLog({ stateDirectory: state });
    await log.append(entry('incident-a', 1));
    await appendFile(file, '{"partition":"incident-a","seq');
    const fresh = await loadFreshModule();

    const record = await new fresh.JsonlAuditLog({ stateDirectory: state }).append(
      entry('incident-a', 2),
    );

    expect(record.sequence).toBe(2);
    expect(await lines()).toHaveLength(2);
    expect((await log.verify()).ok).toBe(true);
  });

  it('queries by incident, action and time, and pages with a continuation token', async () => {
    const log = new JsonlAuditLog({ stateDirectory: state });
    for (let n = 1; n <= 5; n += 1) await log.append(entry('incident-a', n));
    await log.append(entry('incident-b', 6));
    await log.append(entry('incident-a', 7, { action: 'verdict.reached' }));

    const first = await log.query({ incidentId: 'incident-a', action: 'incident.read', limit: 2 });
    const second = await log.query({
      incidentId: 'incident-a',
      action: 'incident.read',
      limit: 2,
      continuationToken: first.continuationToken,
    });
    const third = await log.query({
      incidentId: 'incident-a',
      action: 'incident.read',
      limit: 2,
      continuationToken: second.continuationToken,
    });
    const window = await log.query({
      from: '2026-11-30T10:02:00.000Z',
      to: '2026-11-30T10:06:00.000Z',
    });

    expect(first.records.map((r) => r.details?.n)).toEqual([1, 2]);
    expect(second.records.map((r) => r.details?.n)).toEqual([3, 4]);
    expect(third.records.map((r) => r.details?.n)).toEqual([5]);
    expect(third.continuationToken).toBeUndefined();
    expect(window.records.map((r) => r.details?.n)).toEqual([2, 3, 4, 5]);
    expect((await log.query({ partition: 'incident-b' })).records).toHaveLength(1);
  });

  it('refuses a continuation token it did not issue', async () => {
    const log = new JsonlAuditLog({ stateDirectory: state });

    await expect(log.query({ continuationToken: 'not-a-token' })).rejects.toMatchObject({
      code: 'invalid-input',
    });
  });

  it('answers an empty page and a verifying empty chain before the first append', async () => {
    const log = new JsonlAuditLog({ stateDirectory: join(state, 'new') });

    expect(await log.query({})).toEqual({ records: [] });
    expect(await log.verify()).toEqual({ ok: true, records: 0, partitions: 0, problems: [] });
  });
});

/** The module loaded a second time: its own index and lock queue, as in another process. */
async function loadFreshModule(): Promise<typeof auditLogModule> {
  let fresh: typeof auditLogModule | undefined;
  jest.isolateModules(() => {
    fresh = jest.requireActual<typeof auditLogModule>(
      '../../../../shared/adapters/local/jsonlAuditLog',
    );
  });
  if (!fresh) throw new Error('module did not load');
  return fresh;
}
