import { open, stat, truncate } from 'node:fs/promises';
import { resolve } from 'node:path';

import { z } from 'zod';

import { chainRecord, verifyChain } from '../../domain/auditChain';
import type { AuditEntry, AuditRecord, ChainVerification } from '../../domain/auditRecord';
import { ValidationError } from '../../domain/validationError';
import type { AuditLog, AuditPage, AuditQuery } from '../../ports/auditLog';
import { isMissingFile } from './atomicFile';
import { withFileLock } from './fileLock';
import { readCompleteLines } from './jsonLines';
import { StateDirectory } from './stateDirectory';

const DEFAULT_PAGE_SIZE = 1000;

/** Enough of a record to index and chain it; the hash covers the rest. */
const storedRecord = z.looseObject({
  partition: z.string(),
  sequence: z.number().int(),
  idempotencyKey: z.string(),
  hash: z.string(),
  previousHash: z.string(),
  time: z.string(),
  action: z.string(),
});

const continuation = z.object({ offset: z.number().int().nonnegative() });

/** What this process knows of one audit file: how far it has read it, and each partition's head. */
interface FileIndex {
  offset: number;
  readonly heads: Map<string, AuditRecord>;
  readonly keys: Map<string, Map<string, AuditRecord>>;
}

// One index per file for the whole process, so two AuditLog objects on one file share it.
const indexes = new Map<string, FileIndex>();

export interface JsonlAuditLogOptions {
  /** Default `.c2-responder` in the working directory; the log is `<state>/audit.jsonl`. */
  readonly stateDirectory?: string;
}

/**
 * The audit log as an append-only JSON Lines file, one record a line, each partition a hash chain.
 * An append holds the file's lock (in process and across processes) from reading the partition's
 * last record to writing the new one, so two writers never fork a chain.
 */
export class JsonlAuditLog implements AuditLog {
  private readonly state: StateDirectory;
  readonly path: string;

  constructor(options: JsonlAuditLogOptions = {}) {
    this.state = new StateDirectory(options.stateDirectory);
    this.path = resolve(this.state.auditFile);
  }

  async append(entry: AuditEntry): Promise<AuditRecord> {
    await this.state.ensure();

    return withFileLock(this.path, async () => {
      const index = await this.catchUp();
      const known = index.keys.get(entry.partition)?.get(entry.idempotencyKey);
      if (known) return known;

      const record = chainRecord(index.heads.get(entry.partition), entry);
      const line = `${JSON.stringify(record)}\n`;
      const handle = await open(this.path, 'a');
      try {
        await handle.write(line);
        await handle.sync();
      } finally {
        await handle.close();
      }

      index.offset += Buffer.byteLength(line);
      remember(index, record);
      return record;
    });
  }

  async query(query: AuditQuery): Promise<AuditPage> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(limit) || limit < 1) {
      throw new ValidationError('audit query', [`limit must be a positive integer, not ${limit}`]);
    }
    const start = query.continuationToken ? decodeToken(query.continuationToken) : 0;

    const records: AuditRecord[] = [];
    for await (const { record, offset } of this.records(start)) {
      if (!record || !matches(record, query)) continue;
      if (records.length === limit) return { records, continuationToken: encodeToken(offset) };
      records.push(record);
    }

    return { records };
  }

  async verify(partition?: string): Promise<ChainVerification> {
    const records: AuditRecord[] = [];
    const unreadable: string[] = [];
    for await (const { record, lineNumber, text } of this.records(0)) {
      if (!record) {
        if (partition === undefined || text.includes(JSON.stringify(partition))) {
          unreadable.push(`line ${lineNumber}: not an audit record (edited or damaged)`);
        }
        continue;
      }
      if (partition === undefined || record.partition === partition) records.push(record);
    }

    const result = verifyChain(records);
    const problems = [...unreadable, ...result.problems, ...this.missingHeads(records, partition)];
    return { ...result, ok: problems.length === 0, problems };
  }

  /**
   * Removing the newest records of a partition leaves an intact shorter chain; the heads this
   * process appended or read show it.
   */
  private missingHeads(records: readonly AuditRecord[], partition?: string): string[] {
    const index = indexes.get(this.path);
    if (!index) return [];

    const highest = new Map<string, number>();
    for (const record of records) {
      highest.set(record.partition, Math.max(highest.get(record.partition) ?? 0, record.sequence));
    }
    const problems: string[] = [];
    for (const [name, head] of index.heads) {
      if (partition !== undefined && name !== partition) continue;
      if ((highest.get(name) ?? 0) < head.sequence) {
        problems.push(
          `partition ${name}, record ${head.sequence}: missing (the log was cut short)`,
        );
      }
    }
    return problems;
  }

  private async *records(start: number): AsyncGenerator<{
    record?: AuditRecord;
    lineNumber: number;
    text: string;
    offset: number;
    next: number;
  }> {
    try {
      for await (const line of readCompleteLines(this.path, start)) {
        if (line.text.trim() === '') continue;
        yield {
          record: parseRecord(line.text),
          lineNumber: line.lineNumber,
          text: line.text,
          offset: line.offset,
          next: line.next,
        };
      }
    } catch (error) {
      if (!isMissingFile(error)) throw error;
    }
  }

  /**
   * Reads what other processes appended since this process last looked. Called under the lock, so
   * a last line without a newline is a crashed append that was never acknowledged: it is cut off.
   */
  private async catchUp(): Promise<FileIndex> {
    let index = indexes.get(this.path);
    const size = await stat(this.path).then(
      (info) => info.size,
      (error: unknown) => {
        if (isMissingFile(error)) return 0;
        throw error;
      },
    );
    if (!index || size < index.offset) {
      index = { offset: 0, heads: new Map(), keys: new Map() };
      indexes.set(this.path, index);
    }
    if (size === index.offset) return index;

    for await (const { record, next } of this.records(index.offset)) {
      if (record) remember(index, record);
      index.offset = next;
    }
    if (index.offset < size) await truncate(this.path, index.offset);
    return index;
  }
}

function remember(index: FileIndex, record: AuditRecord): void {
  const head = index.heads.get(record.partition);
  if (!head || record.sequence > head.sequence) index.heads.set(record.partition, record);

  const keys = index.keys.get(record.partition) ?? new Map<string, AuditRecord>();
  keys.set(record.idempotencyKey, record);
  index.keys.set(record.partition, keys);
}

function parseRecord(text: string): AuditRecord | undefined {
  try {
    const parsed = storedRecord.safeParse(JSON.parse(text));
    return parsed.success ? (parsed.data as unknown as AuditRecord) : undefined;
  } catch {
    return undefined;
  }
}

function matches(record: AuditRecord, query: AuditQuery): boolean {
  if (query.incidentId !== undefined && record.incidentId !== query.incidentId) return false;
  if (query.partition !== undefined && record.partition !== query.partition) return false;
  if (query.action !== undefined && record.action !== query.action) return false;
  // ISO-8601 UTC times compare as strings; `from` inclusive, `to` exclusive.
  if (query.from !== undefined && record.time < query.from) return false;
  if (query.to !== undefined && record.time >= query.to) return false;
  return true;
}

function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64url');
}

function decodeToken(token: string): number {
  try {
    return continuation.parse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8'))).offset;
  } catch {
    throw new ValidationError('audit query', ['the continuation token is not one this log issued']);
  }
}
