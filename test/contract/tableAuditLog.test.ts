import { AzureNamedKeyCredential, TableClient } from '@azure/data-tables';

import { createTableAuditLog } from '../../shared/adapters/azure/tableAuditLog';
import type { TableAuditLog } from '../../shared/adapters/azure/tableAuditLog';
import type { AuditEntry } from '../../shared/domain/auditRecord';
import { DEV_ACCOUNT, DEV_ACCOUNT_KEY, startAzuriteTable } from './support/azurite';
import type { AzuriteTable } from './support/azurite';

const credential = new AzureNamedKeyCredential(DEV_ACCOUNT, DEV_ACCOUNT_KEY);
let azurite: AzuriteTable;
let tableCount = 0;

function freshLog(): { log: TableAuditLog; table: TableClient } {
  tableCount += 1;
  const tableName = `audit${tableCount}`;
  const options = { endpoint: azurite.url, tableName, credential, allowInsecureConnection: true };
  return {
    log: createTableAuditLog(options),
    table: new TableClient(azurite.url, tableName, credential, { allowInsecureConnection: true }),
  };
}

function entry(partition: string, n: number, extra: Partial<AuditEntry> = {}): AuditEntry {
  return {
    partition,
    time: `2026-11-30T10:${String(n).padStart(2, '0')}:00.000Z`,
    actor: 'system:containment',
    action: 'plan.created',
    outcome: 'succeeded',
    incidentId: `incident-${partition}`,
    idempotencyKey: `${partition}/step-${n}`,
    details: { n, nested: { b: [1, 2], a: null } },
    ...extra,
  };
}

beforeAll(async () => {
  azurite = await startAzuriteTable();
});

afterAll(async () => {
  await azurite.stop();
});

describe('table audit log against Azurite', () => {
  it('chains appends of a partition and reads them back in order', async () => {
    const { log } = freshLog();

    for (let n = 1; n <= 3; n += 1) await log.append(entry('c5f1', n, { incidentNumber: 42 }));
    const page = await log.query({ partition: 'c5f1' });

    expect(page.records.map((r) => r.sequence)).toEqual([1, 2, 3]);
    expect(page.records[1]?.previousHash).toBe(page.records[0]?.hash);
    expect(page.records[2]?.details).toEqual({ n: 3, nested: { b: [1, 2], a: null } });
    expect(page.records[0]?.incidentNumber).toBe(42);
    expect(await log.verify('c5f1')).toEqual({ ok: true, records: 3, partitions: 1, problems: [] });
  });

  it('returns the existing record when an append is retried with the same idempotency key', async () => {
    const { log } = freshLog();

    const first = await log.append(entry('p', 1));
    const again = await log.append({ ...entry('p', 1), reason: 'a retried activity' });

    expect(again).toEqual(first);
    expect((await log.query({ partition: 'p' })).records).toHaveLength(1);
  });

  it('keeps one unforked chain when many appenders write to one partition at once', async () => {
    const { log } = freshLog();

    const written = await Promise.all(
      Array.from({ length: 12 }, (_, n) => log.append(entry('containment-203.0.113.7:1889', n))),
    );
    const sequences = written.map((r) => r.sequence).sort((a, b) => a - b);

    expect(sequences).toEqual(Array.from({ length: 12 }, (_, n) => n + 1));
    expect(await log.verify()).toEqual({ ok: true, records: 12, partitions: 1, problems: [] });
  });

  it('writes a concurrently retried idempotent append only once', async () => {
    const { log } = freshLog();

    const results = await Promise.all([1, 2, 3, 4].map(() => log.append(entry('dup', 7))));

    expect(new Set(results.map((r) => r.hash)).size).toBe(1);
    expect((await log.query({ partition: 'dup' })).records).toHaveLength(1);
  });

  it('pages through records with a continuation token and filters by incident, action and time', async () => {
    const { log } = freshLog();
    for (let n = 1; n <= 5; n += 1) await log.append(entry('a', n));
    await log.append(entry('b', 6, { action: 'approval.decided', incidentId: 'incident-a' }));

    const first = await log.query({ incidentId: 'incident-a', limit: 4 });
    const second = await log.query({
      incidentId: 'incident-a',
      limit: 4,
      continuationToken: first.continuationToken,
    });
    const decided = await log.query({ action: 'approval.decided' });
    const window = await log.query({
      from: '2026-11-30T10:02:00.000Z',
      to: '2026-11-30T10:04:00.000Z',
    });

    expect(first.records).toHaveLength(4);
    expect(first.continuationToken).toEqual(expect.any(String));
    expect(second.records.map((r) => r.idempotencyKey)).toEqual(['a/step-5', 'b/step-6']);
    expect(second.continuationToken).toBeUndefined();
    expect(decided.records.map((r) => r.partition)).toEqual(['b']);
    expect(window.records.map((r) => r.sequence)).toEqual([2, 3, 4]);
  });

  it('stores a large before/after losslessly across properties and keeps the chain verifiable', async () => {
    const { log } = freshLog();
    const rules = Array.from({ length: 400 }, (_, i) => ({
      name: `rule-${i}`,
      note: 'x'.repeat(200),
    }));

    const record = await log.append(entry('big', 1, { before: { rules }, after: { rules: [] } }));
    const [stored] = (await log.query({ partition: 'big' })).records;

    expect(JSON.stringify(stored?.before).length).toBeGreaterThan(64 * 1024);
    expect(stored?.before).toEqual({ rules });
    expect(stored?.hash).toBe(record.hash);
    expect((await log.verify('big')).ok).toBe(true);
  });

  it('replaces a field too large for one entity by its hash and length before chaining', async () => {
    const { log } = freshLog();
    const huge = { blob: 'y'.repeat(600_000) };

    const record = await log.append(entry('huge', 1, { details: huge }));
    const [stored] = (await log.query({ partition: 'huge' })).records;

    expect(record.details).toEqual({
      characters: 600_011,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      truncated: 'larger than a Table entity holds (1 MiB)',
    });
    expect(stored).toEqual(record);
    expect((await log.verify('huge')).ok).toBe(true);
  });

  it('detects an edited record and a removed newest record', async () => {
    const { log, table } = freshLog();
    for (let n = 1; n <= 3; n += 1) await log.append(entry('t', n));
    for (let n = 1; n <= 2; n += 1) await log.append(entry('u', n));

    await table.updateEntity(
      { partitionKey: 't', rowKey: 'r-0000000002', actor: 'mallory' },
      'Merge',
    );
    await table.deleteEntity('u', 'r-0000000002');
    const result = await log.verify();

    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([
      'partition t, record 2: content does not match its hash (edited)',
      'partition u: the head names record 2 but the last stored record is 1 (a record was removed)',
    ]);
  });

  it('keeps partitions with characters that table keys forbid apart', async () => {
    const { log } = freshLog();

    await log.append(entry('containment-[2001:db8::1]:443/x#1', 1));
    await log.append(entry('containment-[2001:db8::1]:443/x#2', 1));

    const page = await log.query({ partition: 'containment-[2001:db8::1]:443/x#1' });
    expect(page.records.map((r) => r.partition)).toEqual(['containment-[2001:db8::1]:443/x#1']);
  });
});
