import type { TokenCredential } from '@azure/core-auth';
import { randomUUID } from 'node:crypto';

import { isRestError } from '@azure/core-rest-pipeline';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { LogsQueryClient, LogsQueryResultStatus } from '@azure/monitor-query-logs';
import type { LogsTable } from '@azure/monitor-query-logs';
import { z } from 'zod';

import type { EvidenceRow, HuntOutcome, HuntResult } from '../../domain/finding';
import type { HuntRequest } from '../../domain/huntDefinition';
import { findingFromSummaryRow } from '../../domain/huntSummary';
import type { HuntSummaryRow } from '../../domain/huntSummary';
import { renderHuntQuery } from '../../domain/kqlRenderer';
import type { LogSource } from '../../ports/logSource';
import type { AzureClientOptions } from './azureClientOptions';
import { ConcurrencyLimit } from './concurrencyLimit';

export interface AzureLogSourceOptions extends AzureClientOptions {
  /** The Log Analytics workspace id (a GUID), not its ARM id. */
  readonly workspaceId: string;
  /**
   * Server-side limit of one query (the service's default is 180 s, its maximum 600 s). The client
   * gives up 30 s later.
   */
  readonly serverTimeoutSeconds?: number;
}

type Row = Readonly<Record<string, unknown>>;

type QueryAnswer =
  | { readonly kind: 'complete'; readonly rows: readonly Row[] }
  | { readonly kind: 'partial'; readonly rows: readonly Row[]; readonly reason: string }
  | { readonly kind: 'failed'; readonly reason: string }
  | { readonly kind: 'missing-table'; readonly reason: string };

/**
 * One identity may run 5 queries at once (Azure Monitor Logs query API limits). Its other limit,
 * 200 queries per 30 s, is not counted here: a burst beyond it gets 429, which the SDK retries
 * after Retry-After and which otherwise fails the hunt as throttled (#4).
 */
const QUERIES_PER_IDENTITY = 5;
const limits = new WeakMap<TokenCredential, ConcurrencyLimit>();
const NO_TABLE = /Failed to resolve table or column expression named '([^']+)'/;

function limitFor(credential: TokenCredential): ConcurrencyLimit {
  const existing = limits.get(credential);
  if (existing) return existing;

  const created = new ConcurrencyLimit(QUERIES_PER_IDENTITY);
  limits.set(credential, created);
  return created;
}

/**
 * Cells arrive in several shapes: typed JSON values, or every value as a string (the service's own
 * example returns long, real and bool as strings); datetimes as Date, as an Invalid Date when the
 * service sent "" for a null, or null; dynamic values as objects, JSON text, or text that is not
 * JSON.
 */
function cellText(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();

  return JSON.stringify(value);
}

function cellNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value.trim() === '') return undefined;

  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}

function cellBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value !== 'string') return undefined;

  const lower = value.trim().toLowerCase();
  return lower === 'true' || lower === '1'
    ? true
    : lower === 'false' || lower === '0'
      ? false
      : undefined;
}

function cellTime(value: unknown): string | undefined {
  const date =
    value instanceof Date
      ? value
      : typeof value === 'string' && value !== ''
        ? new Date(value)
        : undefined;

  return date && !Number.isNaN(date.getTime()) ? date.toISOString() : undefined;
}

function evidenceCell(value: unknown): string | number | boolean | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value;

  return cellText(value) ?? null;
}

const optionalText = z.preprocess(cellText, z.string().optional());
const summaryRowSchema = z.object({
  Indicator: z.preprocess(cellText, z.string().min(1)),
  OnIndicatorPort: z.preprocess(cellBoolean, z.boolean()),
  Device: z.preprocess((v) => cellText(v) ?? '', z.string()),
  DeviceId: optionalText,
  Vendor: optionalText,
  Action: z.preprocess((v) => cellText(v) ?? '', z.string()),
  Direction: z.preprocess(cellText, z.enum(['outbound', 'inbound'])),
  RemoteAddress: z.preprocess(cellText, z.string().min(1)),
  ServicePort: z.preprocess(cellNumber, z.number().int().min(0).max(65535).optional()),
  LocalAddress: optionalText,
  ProcessFileName: optionalText,
  ProcessFolderPath: optionalText,
  ProcessParentFileName: optionalText,
  ProcessAccountName: optionalText,
  ProcessSHA256: optionalText,
  ExclusionId: optionalText,
  Count: z.preprocess(cellNumber, z.number().int().nonnegative()),
  FirstSeen: z.preprocess(cellTime, z.string().optional()),
  LastSeen: z.preprocess(cellTime, z.string().optional()),
  CommandLine: optionalText,
});

function rowsOf(tables: readonly LogsTable[]): Row[] {
  const table = tables[0];
  if (!table) return [];

  const names = table.columnDescriptors.map((column, index) => column.name ?? `Column${index}`);
  return table.rows.map((cells) => Object.fromEntries(names.map((name, i) => [name, cells[i]])));
}

/**
 * Every code and message of an error body, outermost first, down through `details` and
 * `innererror`: the innermost say what went wrong ("'where' operator: Failed to resolve ...").
 * Read from the raw body, because the SDK's model drops the `innererror` of each detail.
 */
function errorMessages(info: unknown): string[] {
  if (typeof info !== 'object' || info === null) return [];

  const { code, message, details, innererror } = info as Record<string, unknown>;
  return [
    ...(typeof message === 'string'
      ? [`${typeof code === 'string' ? `${code}: ` : ''}${message}`]
      : []),
    ...(Array.isArray(details) ? details.flatMap(errorMessages) : []),
    ...errorMessages(innererror),
  ];
}

const REQUEST_ID_HEADER = 'x-ms-client-request-id';

/**
 * Keeps the raw body of answers that carry an `error` (failures and PartialFailure), by client
 * request id, until the query reads it.
 */
class ErrorBodies {
  private readonly bodies = new Map<string, string>();

  policy(): PipelinePolicy {
    return {
      name: 'keepLogsErrorBodies',
      sendRequest: async (request, next) => {
        const response = await next(request);
        const id = request.headers.get(REQUEST_ID_HEADER);
        const text = response.bodyAsText;
        if (id && text && text.includes('"error"')) this.bodies.set(id, text);
        return response;
      },
    };
  }

  take(id: string): string | undefined {
    const text = this.bodies.get(id);
    this.bodies.delete(id);
    return text;
  }
}

function rawError(bodyText: string | undefined): unknown {
  if (!bodyText) return undefined;
  try {
    return (JSON.parse(bodyText) as { error?: unknown }).error;
  } catch {
    return undefined;
  }
}

function describeFailure(error: unknown, table: string, timeoutSeconds: number): QueryAnswer {
  if (!isRestError(error)) {
    const aborted = error instanceof Error && error.name === 'AbortError';
    return {
      kind: 'failed',
      reason: aborted
        ? `the ${table} hunt got no answer within ${timeoutSeconds + 30} s`
        : `the ${table} hunt could not reach Log Analytics: ${error instanceof Error ? error.message : String(error)}`,
    };
  }

  const details = (error as { details?: { error?: unknown } }).details?.error;
  const messages = errorMessages(rawError(error.response?.bodyAsText ?? undefined) ?? details);
  const text = [error.message, ...messages].join(' | ');
  const missing = NO_TABLE.exec(text)?.[1];
  if (error.statusCode === 400 && missing === table) {
    return {
      kind: 'missing-table',
      reason: `table ${table} is not in the workspace: its data connector is not enabled`,
    };
  }
  if (
    error.statusCode === 504 ||
    /timeout/i.test(error.code ?? '') ||
    /GatewayTimeout/i.test(text)
  ) {
    return {
      kind: 'failed',
      reason: `the ${table} hunt timed out on the server (limit ${timeoutSeconds} s): ${text}`,
    };
  }
  if (error.statusCode === 429) {
    return {
      kind: 'failed',
      reason: `the ${table} hunt was throttled by Log Analytics (429) after the client's retries: ${text}`,
    };
  }

  return {
    kind: 'failed',
    reason: `the ${table} hunt failed (${error.statusCode ?? 'no status'}): ${text}`,
  };
}

/**
 * Hunts in Log Analytics with LogsQueryClient.queryWorkspace: the summary and the evidence sample
 * as two queries (not the deprecated batch), the window passed once as the query's timespan, at
 * most 5 queries at once per identity across the process. The SDK pipeline retries 429 and 503
 * after Retry-After; what still fails, times out or comes back partial becomes the hunt's outcome
 * with the reason, never "no hits".
 */
export class AzureLogSource implements LogSource {
  private readonly limit: ConcurrencyLimit;
  private readonly timeoutSeconds: number;
  private readonly errorBodies = new ErrorBodies();

  constructor(
    private readonly client: LogsQueryClient,
    private readonly workspaceId: string,
    credential: TokenCredential,
    serverTimeoutSeconds = 180,
  ) {
    this.limit = limitFor(credential);
    client.pipeline.addPolicy(this.errorBodies.policy());
    this.timeoutSeconds = Math.min(Math.max(Math.round(serverTimeoutSeconds), 1), 600);
  }

  async runHunt(request: HuntRequest): Promise<HuntResult> {
    const rendered = renderHuntQuery(request);
    const timespan = {
      startTime: new Date(rendered.timespan.start),
      endTime: new Date(rendered.timespan.end),
    };

    const [summary, sample] = await Promise.all([
      this.query(rendered.summaryQuery, timespan, request.table),
      request.sampleSize > 0
        ? this.query(rendered.sampleQuery, timespan, request.table)
        : Promise.resolve<QueryAnswer>({ kind: 'complete', rows: [] }),
    ]);
    return this.result(request, summary, sample);
  }

  private result(request: HuntRequest, summary: QueryAnswer, sample: QueryAnswer): HuntResult {
    const base = { table: request.table, window: request.window };
    if (summary.kind === 'failed' || summary.kind === 'missing-table') {
      return {
        ...base,
        outcome: { status: summary.kind, reason: summary.reason },
        findings: [],
        sample: [],
      };
    }

    const rows: HuntSummaryRow[] = [];
    let unreadable = 0;
    for (const row of summary.rows) {
      const parsed = summaryRowSchema.safeParse(row);
      if (!parsed.success) {
        unreadable += 1;
        continue;
      }
      // A summary row has at least one time; when the service sent one as null, the other (or the
      // window) stands in, so the finding still has a range.
      const { FirstSeen, LastSeen, ...rest } = parsed.data;
      rows.push({
        ...rest,
        FirstSeen: FirstSeen ?? LastSeen ?? request.window.start,
        LastSeen: LastSeen ?? FirstSeen ?? request.window.end,
      });
    }
    const evidence: EvidenceRow[] =
      'rows' in sample
        ? sample.rows.map((row) =>
            Object.fromEntries(Object.entries(row).map(([k, v]) => [k, evidenceCell(v)])),
          )
        : [];

    const problems = [
      ...(summary.kind === 'partial' ? [summary.reason] : []),
      ...(unreadable > 0
        ? [`${unreadable} summary rows of ${request.table} could not be read`]
        : []),
      ...(sample.kind !== 'complete' ? [`evidence sample: ${sample.reason}`] : []),
    ];
    const outcome: HuntOutcome =
      problems.length === 0
        ? { status: 'complete', rowCount: rows.reduce((sum, row) => sum + row.Count, 0) }
        : { status: 'partial', reason: problems.join('; ') };

    return {
      ...base,
      outcome,
      findings: rows.map((row) => findingFromSummaryRow(request.table, row)),
      sample: evidence,
    };
  }

  private query(
    kql: string,
    timespan: { startTime: Date; endTime: Date },
    table: string,
  ): Promise<QueryAnswer> {
    return this.limit.run(async () => {
      const requestId = randomUUID();
      try {
        // queryWorkspace passes on only `requestOptions` (and the Prefer options), not abortSignal.
        const result = await this.client.queryWorkspace(this.workspaceId, kql, timespan, {
          serverTimeoutInSeconds: this.timeoutSeconds,
          requestOptions: {
            timeout: (this.timeoutSeconds + 30) * 1000,
            headers: { [REQUEST_ID_HEADER]: requestId },
          },
        });
        if (result.status === LogsQueryResultStatus.Success) {
          return { kind: 'complete', rows: rowsOf(result.tables) };
        }
        return {
          kind: 'partial',
          rows: rowsOf(result.partialTables),
          reason: `Log Analytics returned a partial result for ${table}: ${errorMessages(rawError(this.errorBodies.take(requestId)) ?? result.partialError).join(' | ')}`,
        };
      } catch (error) {
        return describeFailure(error, table, this.timeoutSeconds);
      } finally {
        this.errorBodies.take(requestId);
      }
    });
  }
}

/** `endpoint`, when given, is the full base URL including the API version (`.../v1`). */
export function createAzureLogSource(options: AzureLogSourceOptions): AzureLogSource {
  const { credential, endpoint, retryOptions, tlsOptions } = options;
  const client = new LogsQueryClient(credential, {
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(retryOptions === undefined ? {} : { retryOptions }),
    ...(tlsOptions === undefined ? {} : { tlsOptions }),
  });

  return new AzureLogSource(client, options.workspaceId, credential, options.serverTimeoutSeconds);
}
