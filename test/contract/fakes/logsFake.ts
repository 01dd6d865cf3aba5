import { startHttpsFake } from '../support/httpsFake';
import type { FakeResponse, HttpsFake } from '../support/httpsFake';

/**
 * A fake of the Azure Monitor Logs query API (`POST /v1/workspaces/{id}/query`) as documented:
 * Success answers `{tables}`, PartialFailure `{tables, error}`, failures an `{error}` body with
 * nested `innererror`s. What it answers is up to the test; it records every query and how many
 * ran at once.
 */
export interface LogsQuery {
  readonly workspaceId: string;
  readonly query: string;
  readonly timespan?: string;
  readonly prefer?: string;
}

export type LogsAnswer = (query: LogsQuery) => FakeResponse | Promise<FakeResponse>;

export interface LogsFake extends HttpsFake {
  answer(answer: LogsAnswer): void;
  readonly queries: LogsQuery[];
  readonly stats: { inFlight: number; maxInFlight: number };
}

export interface Column {
  readonly name: string;
  readonly type: string;
}

export function success(columns: readonly Column[], rows: readonly unknown[][]): FakeResponse {
  return { status: 200, body: { tables: [{ name: 'PrimaryResult', columns, rows }] } };
}

export function partialFailure(
  columns: readonly Column[],
  rows: readonly unknown[][],
  innerMessage: string,
): FakeResponse {
  return {
    status: 200,
    body: {
      tables: [{ name: 'PrimaryResult', columns, rows }],
      error: {
        code: 'PartialError',
        message: 'There were some errors when processing your query.',
        details: [
          {
            code: 'EngineError',
            message: 'Something went wrong processing your query on the server.',
            innererror: {
              code: '-2133196790',
              message: innerMessage,
              severity: 2,
              severityName: 'Error',
            },
          },
        ],
      },
    },
  };
}

/** The service's answer to a query naming a table (or column) the workspace does not have. */
export function unresolvedName(name: string): FakeResponse {
  return {
    status: 400,
    body: {
      error: {
        message: 'The request had some invalid properties',
        code: 'BadArgumentError',
        correlationId: '3ac5b91d-5da0-4dbc-8686-8099d7e10f81',
        innererror: {
          code: 'SemanticError',
          message: 'A semantic error occurred.',
          innererror: {
            code: 'SEM0100',
            message: `'where' operator: Failed to resolve table or column expression named '${name}'`,
          },
        },
      },
    },
  };
}

export const gatewayTimeout: FakeResponse = {
  status: 504,
  body: {
    error: {
      message: 'Gateway timeout',
      code: 'GatewayTimeout',
      correlationId: '6b4dfd68-9b1f-4342-adb8-b1991c4634c5',
    },
  },
};

export function throttled(retryAfterSeconds: number): FakeResponse {
  return {
    status: 429,
    headers: { 'Retry-After': String(retryAfterSeconds) },
    body: { error: { message: 'Too many requests', code: 'TooManyRequests' } },
  };
}

export async function startLogsFake(): Promise<LogsFake> {
  const queries: LogsQuery[] = [];
  const stats = { inFlight: 0, maxInFlight: 0 };
  let current: LogsAnswer = () => success([], []);

  const server = await startHttpsFake(async (request) => {
    const match = /^\/v1\/workspaces\/([^/]+)\/query$/.exec(request.path);
    if (request.method !== 'POST' || !match?.[1]) {
      return { status: 404, body: { error: { code: 'PathNotFoundError', message: request.path } } };
    }
    const body = request.body as { query?: unknown; timespan?: unknown } | undefined;
    if (typeof body?.query !== 'string') {
      return {
        status: 400,
        body: { error: { code: 'BadArgumentError', message: 'query is required' } },
      };
    }
    const query: LogsQuery = {
      workspaceId: match[1],
      query: body.query,
      ...(typeof body.timespan === 'string' ? { timespan: body.timespan } : {}),
      ...(typeof request.headers.prefer === 'string' ? { prefer: request.headers.prefer } : {}),
    };
    queries.push(query);

    stats.inFlight += 1;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    try {
      return await current(query);
    } finally {
      stats.inFlight -= 1;
    }
  });

  return {
    ...server,
    queries,
    stats,
    answer: (answer) => {
      current = answer;
    },
  };
}
