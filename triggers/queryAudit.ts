import type { HttpHandler, HttpRequest, InvocationContext } from '@azure/functions';
import { z } from 'zod';

import { AUDIT_ACTIONS } from '../shared/domain/auditRecord';
import { auditRecordsCsv } from '../shared/pages/auditCsv';
import { ValidationError } from '../shared/domain/validationError';
import type { AuditQuery } from '../shared/ports/auditLog';
import { readCaller } from './callerIdentity';
import { answer, answerFailures, refusal } from './httpAnswer';
import type { TriggerDependencies } from './triggerDependencies';

const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;
const CONTINUATION_HEADER = 'x-continuation-token';

const time = z.iso.datetime({ offset: true }).transform((text) => new Date(text).toISOString());

const querySchema = z.object({
  incident: z.string().trim().min(1).max(200).optional(),
  partition: z.string().trim().min(1).max(200).optional(),
  action: z.enum(AUDIT_ACTIONS).optional(),
  from: time.optional(),
  to: time.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  continuationToken: z.string().max(4000).optional(),
  format: z.enum(['json', 'csv']).optional(),
});

/**
 * `GET /api/audit`: audit records by incident, partition, time range (`from` inclusive, `to`
 * exclusive) and action, a page at a time, as JSON or CSV (`?format=csv` or `Accept: text/csv`),
 * with the hash-chain verification of the partition asked for (or of the whole log).
 */
export function queryAudit(dependencies: TriggerDependencies): HttpHandler {
  const { configuration, audit } = dependencies;

  return async (request: HttpRequest, context: InvocationContext) => {
    const logIds = `audit query ${context.invocationId}`;
    return answerFailures(
      context,
      () => logIds,
      async () => {
        const reading = readCaller(request, configuration, 'reader');
        if (!reading.ok) return refusal(401, 'unauthorised', reading.message);
        const parsed = querySchema.safeParse(Object.fromEntries(request.query.entries()));
        if (!parsed.success) {
          throw new ValidationError(
            'audit query',
            parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
          );
        }

        const options = parsed.data;
        const query: AuditQuery = {
          limit: options.limit,
          ...(options.incident === undefined ? {} : { incidentId: options.incident }),
          ...(options.partition === undefined ? {} : { partition: options.partition }),
          ...(options.action === undefined ? {} : { action: options.action }),
          ...(options.from === undefined ? {} : { from: options.from }),
          ...(options.to === undefined ? {} : { to: options.to }),
          ...(options.continuationToken === undefined
            ? {}
            : { continuationToken: options.continuationToken }),
        };
        const page = await audit.query(query);
        const verification = await audit.verify(options.partition ?? options.incident);
        const next =
          page.continuationToken === undefined
            ? undefined
            : nextPageUrl(configuration.response.publicBaseUrl, request, page.continuationToken);

        if (wantsCsv(request, options.format)) {
          return {
            status: 200,
            body: auditRecordsCsv(page.records),
            headers: {
              'content-type': 'text/csv; charset=utf-8',
              'cache-control': 'no-store',
              'x-audit-chain': verification.ok ? 'verified' : 'broken',
              ...(page.continuationToken === undefined
                ? {}
                : { [CONTINUATION_HEADER]: page.continuationToken }),
              ...(next === undefined ? {} : { link: `<${next}>; rel="next"` }),
            },
          };
        }
        return answer(200, {
          records: page.records,
          ...(page.continuationToken === undefined
            ? {}
            : { continuationToken: page.continuationToken, next }),
          verification,
        });
      },
    );
  };
}

function wantsCsv(request: HttpRequest, format: 'json' | 'csv' | undefined): boolean {
  if (format !== undefined) return format === 'csv';

  return (request.headers.get('accept') ?? '').toLowerCase().includes('text/csv');
}

/** The next page under the product's public address, whatever host name the request used. */
function nextPageUrl(publicBaseUrl: string, request: HttpRequest, token: string): string {
  const url = new URL(request.url);
  url.searchParams.set('continuationToken', token);

  return `${publicBaseUrl}${url.pathname}${url.search}`;
}
