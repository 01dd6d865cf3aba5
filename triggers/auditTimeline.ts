import type { HttpHandler, HttpRequest, InvocationContext } from '@azure/functions';
import { z } from 'zod';

import type { AuditRecord, ChainVerification } from '../shared/domain/auditRecord';
import { renderAuditTimelinePage } from '../shared/pages/auditTimelinePage';
import { renderMessagePage } from '../shared/pages/messagePage';
import { callerName, readCaller } from './callerIdentity';
import { answerFailures } from './httpAnswer';
import { pageAnswer } from './pageAnswer';
import type { TriggerDependencies } from './triggerDependencies';

/** More than any one incident writes; the downloads page through the rest. */
export const TIMELINE_RECORD_LIMIT = 2000;
const PAGE_SIZE = 1000;

const querySchema = z.object({ incident: z.string().trim().min(1).max(200) });

/**
 * `GET /api/audit/view?incident=ID`: the incident's audit records (its own partition and those of
 * the containments it started) as a timeline, with the hash-chain verification of every partition
 * shown at the top, and the CSV and JSON downloads of `GET /api/audit` for the same records.
 */
export function auditTimeline(dependencies: TriggerDependencies): HttpHandler {
  const { configuration } = dependencies;
  const localUse = configuration.mode === 'local';

  return async (request: HttpRequest, context: InvocationContext) => {
    const message = (status: number, title: string, text: string) =>
      pageAnswer(status, renderMessagePage({ localUse, title, message: text }));
    const answered = await answerFailures(
      context,
      () => `audit timeline ${context.invocationId}`,
      async () => {
        const reading = readCaller(request, configuration, 'reader');
        if (!reading.ok) return message(401, 'Sign in first', reading.message);
        const parsed = querySchema.safeParse({ incident: request.query.get('incident') ?? '' });
        if (!parsed.success) {
          return message(
            400,
            'Which incident?',
            'Name the incident: /api/audit/view?incident=<incident GUID>.',
          );
        }

        const incidentId = parsed.data.incident;
        const { records, truncated } = await readRecords(dependencies, incidentId);
        const verification = await verifyPartitions(dependencies, [
          ...new Set(records.map((record) => record.partition)),
        ]);
        const query = `incident=${encodeURIComponent(incidentId)}&limit=${PAGE_SIZE}`;

        return pageAnswer(
          200,
          renderAuditTimelinePage({
            localUse,
            ...(reading.caller.anonymous ? {} : { analyst: callerName(reading.caller) }),
            incidentId,
            records,
            truncated,
            verification,
            csvUrl: `/api/audit?${query}&format=csv`,
            jsonUrl: `/api/audit?${query}&format=json`,
          }),
        );
      },
    );

    if (answered.body !== undefined) return answered;
    const failure = (answered.jsonBody ?? {}) as { readonly message?: string };
    return message(
      answered.status ?? 500,
      'The timeline could not be shown',
      failure.message ?? 'The request failed inside the product; the error is logged.',
    );
  };
}

async function readRecords(
  dependencies: TriggerDependencies,
  incidentId: string,
): Promise<{ records: AuditRecord[]; truncated: boolean }> {
  const records: AuditRecord[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await dependencies.audit.query({
      incidentId,
      limit: PAGE_SIZE,
      ...(continuationToken === undefined ? {} : { continuationToken }),
    });
    records.push(...page.records);
    continuationToken = page.continuationToken;
  } while (continuationToken !== undefined && records.length < TIMELINE_RECORD_LIMIT);

  const ordered = records
    .slice(0, TIMELINE_RECORD_LIMIT)
    .sort(
      (a, b) =>
        a.time.localeCompare(b.time) ||
        a.partition.localeCompare(b.partition) ||
        a.sequence - b.sequence,
    );
  return {
    records: ordered,
    truncated: continuationToken !== undefined || records.length > TIMELINE_RECORD_LIMIT,
  };
}

/** Every partition the records come from, verified whole: a removed record shows as a gap. */
async function verifyPartitions(
  dependencies: TriggerDependencies,
  partitions: readonly string[],
): Promise<ChainVerification> {
  const results = await Promise.all(
    partitions.map((partition) => dependencies.audit.verify(partition)),
  );

  return {
    ok: results.every((result) => result.ok),
    records: results.reduce((sum, result) => sum + result.records, 0),
    partitions: partitions.length,
    problems: results.flatMap((result) => result.problems),
  };
}
