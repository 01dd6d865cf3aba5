import { isTokenCredential } from '@azure/core-auth';
import type { NamedKeyCredential, TokenCredential } from '@azure/core-auth';
import { odata, TableClient } from '@azure/data-tables';
import type { TableEntity, TableEntityResult, TransactionAction } from '@azure/data-tables';

import { canonicalJson, chainRecord, sha256Hex, verifyChain } from '../../domain/auditChain';
import type { AuditEntry, AuditRecord, ChainVerification } from '../../domain/auditRecord';
import type { AuditLog, AuditPage, AuditQuery } from '../../ports/auditLog';
import { ConcurrencyError } from '../../ports/portErrors';
import type { AzureRetryOptions } from './azureClientOptions';

export interface TableAuditLogOptions {
  /** `https://<account>.table.core.windows.net` (or Azurite's `http://127.0.0.1:<port>/<account>`). */
  readonly endpoint: string;
  readonly tableName: string;
  /** A managed identity in Azure (Storage Table Data Contributor); the dev account key for Azurite. */
  readonly credential: TokenCredential | NamedKeyCredential;
  readonly retryOptions?: AzureRetryOptions;
  /** Only for Azurite, which serves plain HTTP. */
  readonly allowInsecureConnection?: boolean;
  /** How often an append re-reads the head after another appender won the race. */
  readonly maxAppendAttempts?: number;
}

type Properties = Record<string, string | number>;

const HEAD_ROW = 'head';
const RECORD_PREFIX = 'r-';
const MARKER_PREFIX = 'k-';

/**
 * A Table string property holds at most 64 KiB of UTF-16, that is 32,768 characters; longer text
 * is split over numbered properties.
 */
const CHUNK_CHARACTERS = 32_000;
/**
 * An entity holds at most 1 MiB. The record and the head (a copy of it) go in one transaction of
 * at most 4 MiB, so a record is kept under 900,000 bytes by this estimate.
 */
const ENTITY_BUDGET_BYTES = 900_000;
const NESTED_FIELDS = ['before', 'after', 'details'] as const;
const TEXT_FIELDS = [
  'partition',
  'time',
  'actor',
  'action',
  'outcome',
  'incidentId',
  'instanceId',
  'target',
  'reason',
  'idempotencyKey',
  'previousHash',
  'hash',
] as const;

/** Table keys may not hold `/ \ # ?` or control characters; `%` is escaped to keep it reversible. */
function partitionKey(partition: string): string {
  return [...partition]
    .map((c) => {
      const code = c.charCodeAt(0);
      const forbidden = '%/\\#?'.includes(c) || code < 0x20 || (code >= 0x7f && code <= 0x9f);
      return forbidden ? `%${code.toString(16).padStart(2, '0')}` : c;
    })
    .join('');
}

function recordRowKey(sequence: number): string {
  return `${RECORD_PREFIX}${String(sequence).padStart(10, '0')}`;
}

function markerRowKey(idempotencyKey: string): string {
  return `${MARKER_PREFIX}${sha256Hex(idempotencyKey)}`;
}

function putText(properties: Properties, name: string, text: string): void {
  if (text.length <= CHUNK_CHARACTERS) {
    properties[name] = text;
    return;
  }

  const parts = Math.ceil(text.length / CHUNK_CHARACTERS);
  properties[`${name}Parts`] = parts;
  for (let i = 0; i < parts; i += 1) {
    properties[`${name}${i}`] = text.slice(i * CHUNK_CHARACTERS, (i + 1) * CHUNK_CHARACTERS);
  }
}

function getText(entity: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const parts = entity[`${name}Parts`];
  if (typeof parts === 'number') {
    return Array.from({ length: parts }, (_, i) => String(entity[`${name}${i}`] ?? '')).join('');
  }

  const value = entity[name];
  return typeof value === 'string' ? value : undefined;
}

function estimatedBytes(entry: AuditEntry): number {
  return canonicalJson(entry).length * 2 + 4_096;
}

/**
 * Plain JSON only (a Date would hash differently after the round trip), and small enough for one
 * entity: the largest nested field is replaced by a marker that keeps its SHA-256 and length. This
 * happens before chaining, so the stored record is the hashed record and the chain verifies.
 */
function fitToEntity(entry: AuditEntry): AuditEntry {
  let fitted = JSON.parse(JSON.stringify(entry)) as AuditEntry;

  while (estimatedBytes(fitted) > ENTITY_BUDGET_BYTES) {
    const largest = NESTED_FIELDS.filter((field) => fitted[field] !== undefined)
      .map((field) => ({ field, json: canonicalJson(fitted[field]) }))
      .filter(({ json }) => !json.startsWith('{"characters":'))
      .sort((a, b) => b.json.length - a.json.length)[0];
    if (!largest) throw new RangeError('audit entry is too large for a Table entity');
    fitted = {
      ...fitted,
      [largest.field]: {
        characters: largest.json.length,
        sha256: sha256Hex(largest.json),
        truncated: 'larger than a Table entity holds (1 MiB)',
      },
    };
  }

  return fitted;
}

function toEntity(record: AuditRecord, rowKey: string): TableEntity<Properties> {
  const properties: Properties = { sequence: record.sequence };
  for (const field of TEXT_FIELDS) {
    const value = record[field];
    if (value !== undefined) putText(properties, field, value);
  }
  if (record.incidentNumber !== undefined) properties.incidentNumber = record.incidentNumber;
  for (const field of NESTED_FIELDS) {
    if (record[field] !== undefined)
      putText(properties, `${field}Json`, JSON.stringify(record[field]));
  }

  return { partitionKey: partitionKey(record.partition), rowKey, ...properties };
}

function toRecord(entity: Readonly<Record<string, unknown>>): AuditRecord {
  const record: Record<string, unknown> = { sequence: Number(entity.sequence) };
  for (const field of TEXT_FIELDS) {
    const value = getText(entity, field);
    if (value !== undefined) record[field] = value;
  }
  if (typeof entity.incidentNumber === 'number') record.incidentNumber = entity.incidentNumber;
  for (const field of NESTED_FIELDS) {
    const json = getText(entity, `${field}Json`);
    if (json !== undefined) record[field] = JSON.parse(json) as unknown;
  }

  return record as unknown as AuditRecord;
}

function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' ? status : undefined;
}

/**
 * The audit log in Azure Table Storage: one partition per chain partition, record rows `r-<seq>`
 * that sort in chain order, a `head` row (a copy of the last record) and one `k-<sha256>` marker
 * per idempotency key. An append writes record, marker and head in one entity-group transaction,
 * the head guarded by its etag, so two appenders can never both extend the same record.
 */
export class TableAuditLog implements AuditLog {
  private ready: Promise<void> | undefined;

  constructor(
    private readonly client: TableClient,
    private readonly maxAppendAttempts = 20,
  ) {}

  async append(entry: AuditEntry): Promise<AuditRecord> {
    await this.ensureTable();
    const pk = partitionKey(entry.partition);
    const marker = markerRowKey(entry.idempotencyKey);
    const fitted = fitToEntity(entry);

    for (let attempt = 1; ; attempt += 1) {
      const [existing, head] = await Promise.all([
        this.markedRecord(pk, marker),
        this.read(pk, HEAD_ROW),
      ]);
      if (existing) return existing;

      const record = chainRecord(head ? toRecord(head) : undefined, fitted);
      const row = toEntity(record, recordRowKey(record.sequence));
      const headRow = { ...row, rowKey: HEAD_ROW };
      const actions: TransactionAction[] = [
        ['create', row],
        ['create', { partitionKey: pk, rowKey: marker, recordRowKey: row.rowKey }],
        head ? ['update', headRow, 'Replace', { etag: head.etag }] : ['create', headRow],
      ];
      try {
        await this.client.submitTransaction(actions);
        return record;
      } catch (error) {
        const status = statusOf(error);
        // 409: a row we create exists (another appender won); 412: the head changed since read.
        if (status !== 409 && status !== 412) throw error;
        if (attempt >= this.maxAppendAttempts) {
          throw new ConcurrencyError(
            `audit partition ${entry.partition}: gave up after ${attempt} concurrent appends`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
      }
    }
  }

  async query(query: AuditQuery): Promise<AuditPage> {
    await this.ensureTable();
    const filters = [odata`RowKey ge ${RECORD_PREFIX} and RowKey lt ${'r.'}`];
    if (query.partition !== undefined)
      filters.push(odata`PartitionKey eq ${partitionKey(query.partition)}`);
    if (query.incidentId !== undefined) filters.push(odata`incidentId eq ${query.incidentId}`);
    if (query.action !== undefined) filters.push(odata`action eq ${query.action}`);
    // ISO 8601 UTC strings of one format sort as the instants they name.
    if (query.from !== undefined) filters.push(odata`time ge ${query.from}`);
    if (query.to !== undefined) filters.push(odata`time le ${query.to}`);

    // The Table service returns at most 1,000 entities per page.
    const maxPageSize = Math.min(Math.max(query.limit ?? 100, 1), 1_000);
    const pages = this.client
      .listEntities({ queryOptions: { filter: filters.join(' and ') } })
      .byPage({
        maxPageSize,
        ...(query.continuationToken ? { continuationToken: query.continuationToken } : {}),
      });
    const page = await pages.next();
    if (page.done) return { records: [] };

    const records = page.value.map((entity) => toRecord(entity));
    return page.value.continuationToken
      ? { records, continuationToken: page.value.continuationToken }
      : { records };
  }

  /**
   * The hash chain of every record, and each head against its partition's last record: removing
   * the newest record leaves an intact chain, which only the head reveals.
   */
  async verify(partition?: string): Promise<ChainVerification> {
    await this.ensureTable();
    const scope =
      partition === undefined ? '' : odata` and PartitionKey eq ${partitionKey(partition)}`;
    const records: AuditRecord[] = [];
    const heads: AuditRecord[] = [];
    for await (const entity of this.client.listEntities({
      queryOptions: {
        filter: `(RowKey eq '${HEAD_ROW}' or (RowKey ge '${RECORD_PREFIX}' and RowKey lt 'r.'))${scope}`,
      },
    })) {
      (entity.rowKey === HEAD_ROW ? heads : records).push(toRecord(entity));
    }

    const chain = verifyChain(records);
    const last = new Map<string, AuditRecord>();
    for (const record of records) {
      if ((last.get(record.partition)?.sequence ?? 0) < record.sequence)
        last.set(record.partition, record);
    }
    const headProblems = heads
      .filter((head) => last.get(head.partition)?.hash !== head.hash)
      .map(
        (head) =>
          `partition ${head.partition}: the head names record ${head.sequence} but the last stored record is ${last.get(head.partition)?.sequence ?? 'none'} (a record was removed)`,
      );
    const problems = [...chain.problems, ...headProblems];

    return { ...chain, ok: problems.length === 0, problems };
  }

  private ensureTable(): Promise<void> {
    this.ready ??= this.client.createTable().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  private async read(
    pk: string,
    rowKey: string,
  ): Promise<TableEntityResult<Properties> | undefined> {
    try {
      return await this.client.getEntity<Properties>(pk, rowKey);
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  private async markedRecord(pk: string, marker: string): Promise<AuditRecord | undefined> {
    const found = await this.read(pk, marker);
    if (!found) return undefined;

    const row = await this.read(pk, String(found.recordRowKey));
    if (!row)
      throw new Error(
        `audit marker ${marker} names a missing record ${String(found.recordRowKey)}`,
      );
    return toRecord(row);
  }
}

export function createTableAuditLog(options: TableAuditLogOptions): TableAuditLog {
  const clientOptions = {
    ...(options.retryOptions ? { retryOptions: options.retryOptions } : {}),
    ...(options.allowInsecureConnection ? { allowInsecureConnection: true } : {}),
  };
  const { endpoint, tableName, credential } = options;
  const client = isTokenCredential(credential)
    ? new TableClient(endpoint, tableName, credential, clientOptions)
    : new TableClient(endpoint, tableName, credential, clientOptions);

  return new TableAuditLog(client, options.maxAppendAttempts);
}
