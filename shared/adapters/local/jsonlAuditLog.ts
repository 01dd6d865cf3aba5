import { open, stat, truncate } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

import { z } from 'zod';

import { chainRecord, verifyChain } from '../../domain/auditChain';
import type { AuditEntry, AuditRecord, ChainVerification } from '../../domain/auditRecord';
import { ValidationError } from '../../domain/validationError';
import type { AuditLog, AuditPage, AuditQuery } from '../../ports/auditLog';
import { isMissingFile, readJsonFile, writeJsonAtomic } from './atomicFile';
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

const head = z.object({ sequence: z.number().int().positive(), hash: z.string() });

/**
 * The anchor beside the log: each partition's last record as the appender wrote it, and the heads
 * found cut off (ahead of the log) when a later append continued the shorter chain, so that the
 * next append does not erase the evidence.
 */
const headsDocument = z.object({
  partitions: z.record(z.string(), head),
  cutOff: z.record(z.string(), head).default({}),
  /** Set when the heads file was lost and rebuilt from the log: the loss stays reported. */
  rebuilt: z.object({ at: z.string(), reason: z.string() }).optional(),
});

type Head = z.infer<typeof head>;
type HeadsDocument = z.infer<typeof headsDocument>;

/** The heads file's name beside `audit.jsonl`. */
export const AUDIT_HEADS_FILE = 'audit.heads.json';

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
 * last record to writing the new one, so two writers never fork a chain, and then replaces
 * `audit.heads.json` (atomically, under the same lock) with each partition's new last record.
 *
 * What `verify` proves: a record that was edited, removed from the middle, or cut off the end of a
 * partition, and a partition removed whole, are detected, from any process (the chain shows the
 * first two, the heads file the others). It does not prove authorship: whoever can rewrite both
 * the log and its heads file can write a consistent forged history. Only the product's own
 * account should be able to write the state directory.
 */
export class JsonlAuditLog implements AuditLog {
  private readonly state: StateDirectory;
  readonly path: string;
  readonly headsPath: string;

  constructor(options: JsonlAuditLogOptions = {}) {
    this.state = new StateDirectory(options.stateDirectory);
    this.path = resolve(this.state.auditFile);
    this.headsPath = join(dirname(this.path), AUDIT_HEADS_FILE);
  }

  async append(entry: AuditEntry): Promise<AuditRecord> {
    await this.state.ensure();

    return withFileLock(this.path, async () => {
      const index = await this.catchUp();
      const known = index.keys.get(entry.partition)?.get(entry.idempotencyKey);
      if (known) return known;

      const chainHead = index.heads.get(entry.partition);
      const record = chainRecord(chainHead, entry);
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
      // After the line is on disk: a crash in between leaves the heads one record behind, which
      // verify accepts, never ahead of the log.
      await this.writeHead(index, entry.partition, chainHead, record);
      return record;
    });
  }

  /**
   * Sets the partition's head. A known head the log no longer reaches (cut off, then appended to)
   * is kept under `cutOff`, so verify still reports it. A missing or unreadable heads file is
   * rebuilt from the log as it is, marked as rebuilt, which verify keeps reporting.
   */
  private async writeHead(
    index: FileIndex,
    partition: string,
    logHead: AuditRecord | undefined,
    record: AuditRecord,
  ): Promise<void> {
    const heads = await this.readHeads();
    const base: HeadsDocument =
      heads.document ??
      ({
        partitions: Object.fromEntries(
          [...index.heads].map(([name, last]) => [name, headOf(last)]),
        ),
        cutOff: {},
        // Rebuilt from a log that already held records (this chain existed, or another partition
        // besides the record just added): whatever was cut off before now can no longer be seen,
        // so the rebuild itself stays a finding of verify.
        ...(logHead !== undefined || index.heads.size > 1
          ? { rebuilt: { at: record.time, reason: heads.problem ?? 'the heads file was lost' } }
          : {}),
      } satisfies HeadsDocument);
    const known = heads.document?.partitions[partition];
    const lost = known !== undefined && fellShort(known, logHead) && !base.cutOff[partition];

    await writeJsonAtomic(this.headsPath, {
      ...base,
      partitions: { ...base.partitions, [partition]: headOf(record) },
      cutOff: lost ? { ...base.cutOff, [partition]: known } : base.cutOff,
    } satisfies HeadsDocument);
  }

  private async readHeads(): Promise<{ document?: HeadsDocument; problem?: string }> {
    let raw: unknown;
    try {
      raw = await readJsonFile(this.headsPath);
    } catch (error) {
      if (error instanceof SyntaxError) return { problem: `${AUDIT_HEADS_FILE} is not JSON` };
      throw error;
    }
    if (raw === undefined) return { problem: `${AUDIT_HEADS_FILE} is missing` };

    const parsed = headsDocument.safeParse(raw);
    return parsed.success
      ? { document: parsed.data }
      : { problem: `${AUDIT_HEADS_FILE} is not a heads document` };
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
    // Heads first: an append writes its line before its head, so a head read now is never ahead
    // of the lines read next, even while another process appends.
    const heads = await this.readHeads();
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
    const problems = [
      ...unreadable,
      ...result.problems,
      ...this.missingHeads(records, heads, partition),
    ];
    return { ...result, ok: problems.length === 0, problems };
  }

  /**
   * An intact chain can still have lost its newest records, or a partition can be gone whole: each
   * partition's last record is compared with its head in the heads file (and with the heads this
   * process appended or read, which survive a rewritten heads file).
   */
  private missingHeads(
    records: readonly AuditRecord[],
    heads: { readonly document?: HeadsDocument; readonly problem?: string },
    partition?: string,
  ): string[] {
    const last = new Map<string, AuditRecord>();
    for (const record of records) {
      const seen = last.get(record.partition);
      if (!seen || record.sequence > seen.sequence) last.set(record.partition, record);
    }
    const expected = new Map<string, Head>(Object.entries(heads.document?.partitions ?? {}));
    for (const [name, record] of indexes.get(this.path)?.heads ?? []) {
      const known = expected.get(name);
      if (!known || record.sequence > known.sequence) expected.set(name, headOf(record));
    }

    const problems: string[] = [];
    if (heads.problem && last.size > 0) {
      problems.push(`${heads.problem}: records cut off the end of the log cannot be detected`);
    }
    const rebuilt = heads.document?.rebuilt;
    if (rebuilt) {
      problems.push(
        `${AUDIT_HEADS_FILE} was rebuilt at ${rebuilt.at} from the log as it then was (${rebuilt.reason}): records cut off before then cannot be detected`,
      );
    }
    for (const [name, head] of expected) {
      if (partition !== undefined && name !== partition) continue;
      const found = last.get(name);
      if (!found) {
        problems.push(`partition ${name}: every record is missing`);
      } else if (found.sequence < head.sequence) {
        problems.push(
          `partition ${name}: the last ${head.sequence - found.sequence} record(s) are missing`,
        );
      } else if (found.sequence === head.sequence && found.hash !== head.hash) {
        problems.push(`partition ${name}, record ${head.sequence}: is not the record written last`);
      }
    }
    for (const [name, head] of Object.entries(heads.document?.cutOff ?? {})) {
      if (partition !== undefined && name !== partition) continue;
      problems.push(
        `partition ${name}: records up to ${head.sequence} were cut off the end, and later records continued the shorter chain`,
      );
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

function headOf(record: AuditRecord): Head {
  return { sequence: record.sequence, hash: record.hash };
}

/**
 * Whether the log no longer reaches a head written earlier. A log one record ahead of its head is
 * a crash between writing the line and the head, not a loss.
 */
function fellShort(head: Head, logHead: AuditRecord | undefined): boolean {
  if (logHead === undefined || logHead.sequence < head.sequence) return true;
  return logHead.sequence === head.sequence && logHead.hash !== head.hash;
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
