import { createHash } from 'node:crypto';

import type { AuditEntry, AuditRecord, ChainVerification } from './auditRecord';

/** The previous hash of a partition's first record. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Canonical JSON: keys sorted at every depth, `undefined` dropped, so that the same record hashes
 * the same after a round trip through a file or a table.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value))
    return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;

  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function recordHash(record: Omit<AuditRecord, 'hash'>): string {
  return sha256Hex(canonicalJson(record));
}

/** Links an entry to the last record of its partition (or starts the chain). */
export function chainRecord(previous: AuditRecord | undefined, entry: AuditEntry): AuditRecord {
  if (previous && previous.partition !== entry.partition) {
    throw new RangeError(
      `cannot chain a record of partition ${entry.partition} after one of ${previous.partition}`,
    );
  }

  const unsigned = {
    ...entry,
    sequence: (previous?.sequence ?? 0) + 1,
    previousHash: previous?.hash ?? GENESIS_HASH,
  };
  return { ...unsigned, hash: recordHash(unsigned) };
}

/**
 * Verifies every partition's chain: each record's hash matches its content, each links to the one
 * before it, and sequences run 1, 2, 3... without a gap. Records may come in any order.
 */
export function verifyChain(records: Iterable<AuditRecord>): ChainVerification {
  const byPartition = new Map<string, AuditRecord[]>();
  let count = 0;
  for (const record of records) {
    count += 1;
    const list = byPartition.get(record.partition) ?? [];
    list.push(record);
    byPartition.set(record.partition, list);
  }

  const problems: string[] = [];
  for (const [partition, list] of byPartition) {
    list.sort((a, b) => a.sequence - b.sequence);
    let previousHash = GENESIS_HASH;
    list.forEach((record, index) => {
      const where = `partition ${partition}, record ${record.sequence}`;
      const { hash, ...unsigned } = record;
      if (record.sequence !== index + 1) {
        problems.push(
          `${where}: expected sequence ${index + 1} (a record is missing or duplicated)`,
        );
      }
      if (record.previousHash !== previousHash) {
        problems.push(`${where}: does not link to the record before it`);
      }
      if (recordHash(unsigned) !== hash) {
        problems.push(`${where}: content does not match its hash (edited)`);
      }
      previousHash = hash;
    });
  }

  return { ok: problems.length === 0, records: count, partitions: byPartition.size, problems };
}
