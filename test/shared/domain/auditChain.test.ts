import { chainRecord, GENESIS_HASH, verifyChain } from '../../../shared/domain/auditChain';
import type { AuditEntry, AuditRecord } from '../../../shared/domain/auditRecord';

function entry(partition: string, action: AuditEntry['action'], n: number): AuditEntry {
  return {
    partition,
    time: `2026-11-30T10:0${n}:00.000Z`,
    actor: 'system:test',
    action,
    outcome: 'succeeded',
    idempotencyKey: `${partition}/${n}`,
    details: { n, nested: { b: 2, a: 1 } },
  };
}

function chain(partition: string, count: number): AuditRecord[] {
  const records: AuditRecord[] = [];
  for (let n = 0; n < count; n += 1) {
    records.push(chainRecord(records.at(-1), entry(partition, 'incident.read', n)));
  }
  return records;
}

describe('audit chain', () => {
  it('starts each partition at sequence 1 from the genesis hash', () => {
    const [first] = chain('incident-a', 1);
    expect(first?.sequence).toBe(1);
    expect(first?.previousHash).toBe(GENESIS_HASH);
    expect(first?.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('verifies intact chains across partitions in any order', () => {
    const records = [...chain('a', 3), ...chain('b', 2)].reverse();
    expect(verifyChain(records)).toEqual({ ok: true, records: 5, partitions: 2, problems: [] });
  });

  it('survives a JSON round trip with reordered keys', () => {
    const records = chain('a', 2).map((record) => {
      const copy = JSON.parse(JSON.stringify(record)) as Record<string, unknown>;
      return Object.fromEntries(Object.entries(copy).reverse()) as unknown as AuditRecord;
    });
    expect(verifyChain(records).ok).toBe(true);
  });

  it('detects an edited record', () => {
    const records = chain('a', 3);
    const edited = records.map((r) =>
      r.sequence === 2 ? { ...r, actor: 'mallory@contoso.com' } : r,
    );
    const result = verifyChain(edited);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([
      'partition a, record 2: content does not match its hash (edited)',
    ]);
  });

  it('detects a removed record', () => {
    const records = chain('a', 3).filter((r) => r.sequence !== 2);
    const result = verifyChain(records);
    expect(result.ok).toBe(false);
    expect(result.problems).toContain(
      'partition a, record 3: expected sequence 2 (a record is missing or duplicated)',
    );
    expect(result.problems).toContain(
      'partition a, record 3: does not link to the record before it',
    );
  });

  it('refuses to chain across partitions', () => {
    const [first] = chain('a', 1);
    expect(() => chainRecord(first, entry('b', 'incident.read', 1))).toThrow(RangeError);
  });
});
