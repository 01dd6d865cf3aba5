import type { OrchestrationContext, Task } from 'durable-functions';

import type { AuditContext } from '../activities/auditContext';
import { COMMENT_ON_INCIDENT, type CommentOnIncidentInput } from '../activities/commentOnIncident';
import {
  JOIN_CONTAINMENT,
  type JoinContainmentInput,
  type JoinContainmentOutput,
} from '../activities/joinContainment';
import { LOAD_INDICATOR_FEED, type LoadIndicatorFeedOutput } from '../activities/loadIndicatorFeed';
import { READ_INCIDENT, type ReadIncidentOutput } from '../activities/readIncident';
import { RECORD_AUDIT } from '../activities/recordAudit';
import { RUN_HUNT, type RunHuntInput, type RunHuntOutput } from '../activities/runHunt';
import {
  UPDATE_INCIDENT,
  type UpdateIncidentInput,
  type UpdateIncidentOutput,
} from '../activities/updateIncident';
import type { ResponseSettings } from '../shared/config/configuration';
import type { AuditEntry } from '../shared/domain/auditRecord';
import { commentId } from '../shared/domain/commentId';
import {
  containmentInstanceId,
  containmentResultEvent,
  type ContainmentOutcome,
  type ContainmentResult,
  type IncidentRef,
} from '../shared/domain/containment';
import type { HuntTable } from '../shared/domain/finding';
import { huntWindow } from '../shared/domain/huntWindow';
import { renderContainmentComment, renderVerdictComment } from '../shared/domain/incidentComment';
import type { AssessedIndicator } from '../shared/domain/indicator';
import { matchIndicators } from '../shared/domain/indicatorMatch';
import type { Verdict } from '../shared/domain/verdict';
import { reachVerdict } from '../shared/domain/verdictRules';
import { transientRetry } from './retryPolicies';
import { waitForEventOrDeadline } from './waitForEventOrDeadline';

export const RESPOND_TO_INCIDENT = 'respondToIncident';

export interface RespondToIncidentInput {
  readonly incidentArmId: string;
  readonly incidentName: string;
  readonly settings: ResponseSettings;
}

export type IncidentOutcome = 'blocked' | 'closed-benign' | 'left-open' | 'rejected' | 'escalated';

export type IncidentStage = 'reading' | 'hunting' | 'judging' | 'containing' | 'closing' | 'done';

export interface IncidentStatus {
  readonly stage: IncidentStage;
  readonly verdict?: Verdict['kind'];
  /** The containments this incident handed its indicators to; each awaits or ran the approval. */
  readonly containments?: readonly { readonly indicator: string; readonly instanceId: string }[];
  readonly outcome?: IncidentOutcome;
}

export interface IncidentResponse {
  readonly incidentId: string;
  readonly incidentNumber: number;
  readonly verdict: Verdict;
  readonly indicators: readonly AssessedIndicator[];
  readonly indicatorNotes: readonly string[];
  readonly containments: readonly ContainmentResult[];
  readonly outcome: IncidentOutcome;
}

/** How many raw rows each hunt keeps as evidence. */
const SAMPLE_SIZE = 20;
/** Time for a containment to apply and report after its approval deadline. */
const REPORT_MARGIN_MS = 60 * 60 * 1000;
const ACTOR = 'system:respondToIncident';
const BLOCKED_LABEL = 'C2-Blocked';
const ESCALATED_LABEL = 'C2-Approval-Expired';
/** How many rejected feed lines the audit record and the note name; the count covers the rest. */
const REJECTED_SHOWN = 3;

/**
 * One per incident: read it, match its entities to known C2 endpoints, re-run both hunts, weigh
 * the exclusions, reach the verdict and act on it. Deterministic: time from the context, settings
 * from the input, every I/O in an activity.
 */
export function* respondToIncident(
  context: OrchestrationContext,
): Generator<Task, IncidentResponse, unknown> {
  const input = context.df.getInput() as RespondToIncidentInput;
  const { settings } = input;
  const instanceId = context.df.instanceId;
  const now = () => context.df.currentUtcDateTime.toISOString();
  // Read before the first yield, this is the execution's first OrchestratorStarted time, the same
  // on every replay; an instance started again (after a failure) gets a new one, so its records
  // are not mistaken for the earlier execution's and dropped as already written.
  const execution = `${instanceId}/${now()}`;
  const setStage = (status: IncidentStatus) => context.df.setCustomStatus(status);
  let auditStep = 0;
  const audit = (
    entry: Omit<AuditEntry, 'partition' | 'time' | 'instanceId' | 'idempotencyKey' | 'actor'>,
  ) => {
    auditStep += 1;
    return context.df.callActivity(RECORD_AUDIT, {
      ...entry,
      partition: input.incidentName,
      time: now(),
      actor: ACTOR,
      instanceId,
      idempotencyKey: `${execution}/${auditStep}`,
    } satisfies AuditEntry);
  };

  setStage({ stage: 'reading' });
  const incident = (yield context.df.callActivityWithRetry(READ_INCIDENT, transientRetry, {
    incidentArmId: input.incidentArmId,
  })) as ReadIncidentOutput;
  const auditIds = { incidentId: incident.name, incidentNumber: incident.number };
  const feed = (yield context.df.callActivityWithRetry(LOAD_INDICATOR_FEED, transientRetry, {
    allowlist: settings.allowlist,
  })) as LoadIndicatorFeedOutput;
  const match = matchIndicators(incident, feed.indicators);
  const feedNote = rejectedLinesNote(feed);
  const indicatorNotes = feedNote ? [...match.notes, feedNote] : match.notes;
  yield audit({
    ...auditIds,
    action: 'indicators.matched',
    outcome: 'succeeded',
    target: incident.armId,
    details: {
      feed: feed.feedName,
      matched: match.indicators.map((i) => ({ key: i.key, blockability: i.blockability })),
      notes: indicatorNotes,
      rejectedLines: feed.rejected.length,
      firstRejected: feed.rejected
        .slice(0, REJECTED_SHOWN)
        .map(({ line, reason }) => ({ line, reason })),
      duplicates: feed.duplicates,
    },
  });

  setStage({ stage: 'hunting' });
  const window = huntWindow(incident, { lookbackMs: settings.lookbackMs });
  const tables: HuntTable[] = ['CommonSecurityLog', 'DeviceNetworkEvents'];
  const hunts =
    match.indicators.length === 0
      ? []
      : ((yield context.df.Task.all(
          tables.map((table) =>
            context.df.callActivityWithRetry(RUN_HUNT, transientRetry, {
              table,
              indicators: match.indicators,
              window,
              sampleSize: SAMPLE_SIZE,
            } satisfies RunHuntInput),
          ),
        )) as RunHuntOutput[]);

  setStage({ stage: 'judging' });
  const verdict =
    noIndicatorVerdict(match.indicators.length, indicatorNotes) ?? reachVerdict(hunts);
  yield audit({
    ...auditIds,
    action: 'verdict.reached',
    outcome: 'succeeded',
    target: incident.armId,
    reason: verdict.reasons.join(' '),
    details: {
      verdict: verdict.kind,
      reasons: verdict.reasons,
      hunts: verdict.hunts,
      findings: verdict.findings,
    },
  });
  /** For the records the comment and update activities write about their own changes. */
  const activityAudit = (step: string): AuditContext => ({
    ...auditIds,
    partition: input.incidentName,
    actor: ACTOR,
    instanceId,
    idempotencyKey: `${execution}/${step}`,
  });
  const comment = (key: string, html: string) =>
    context.df.callActivityWithRetry(COMMENT_ON_INCIDENT, transientRetry, {
      incidentArmId: incident.armId,
      commentId: commentId(instanceId, key),
      html,
      dryRun: settings.dryRun,
      audit: activityAudit(`comment/${key}`),
    } satisfies CommentOnIncidentInput);
  const update = (key: string, change: UpdateIncidentInput['change'], reason: string) =>
    context.df.callActivityWithRetry(UPDATE_INCIDENT, transientRetry, {
      incidentArmId: incident.armId,
      change,
      reason,
      dryRun: settings.dryRun,
      audit: activityAudit(`update/${key}`),
    } satisfies UpdateIncidentInput);

  yield comment(
    'verdict',
    renderVerdictComment({
      verdict,
      indicatorNotes,
      auditReference: `instance ${instanceId}, audit partition ${input.incidentName}`,
      approvalLinks:
        verdict.kind === 'malicious'
          ? match.indicators
              .filter((indicator) => indicator.blockability.blockable)
              .map((indicator) => ({
                indicator: indicator.key,
                url: `${settings.publicBaseUrl}/api/approvals/${encodeURIComponent(containmentInstanceId(indicator.key))}`,
              }))
          : [],
    }),
  );

  const finish = (outcome: IncidentOutcome, containments: readonly ContainmentResult[] = []) => {
    setStage({ stage: 'done', verdict: verdict.kind, outcome });
    return {
      incidentId: incident.name,
      incidentNumber: incident.number,
      verdict,
      indicators: match.indicators,
      indicatorNotes,
      containments,
      outcome,
    };
  };

  if (verdict.kind === 'benign') {
    setStage({ stage: 'closing', verdict: verdict.kind });
    const closing = (yield update(
      'close',
      {
        close: {
          classification: 'BenignPositive',
          classificationReason: 'SuspiciousButExpected',
          classificationComment: verdict.reasons.join(' ').slice(0, 1000),
        },
      },
      'every finding is explained by a known benign activity',
    )) as UpdateIncidentOutput;
    // Under the kill switch the incident was not closed, so it must not read as closed.
    return finish(closing.refusal ? 'left-open' : 'closed-benign');
  }
  const blockable = match.indicators.filter((indicator) => indicator.blockability.blockable);
  if (verdict.kind !== 'malicious' || blockable.length === 0) return finish('left-open');

  const self: IncidentRef = {
    armId: incident.armId,
    name: incident.name,
    number: incident.number,
    instanceId,
  };
  const joinInput = (indicator: AssessedIndicator, rejoin: boolean): JoinContainmentInput => ({
    indicator,
    settings,
    firstIncident: self,
    rejoin,
  });
  const joins = (yield context.df.Task.all(
    blockable.map((indicator) =>
      context.df.callActivityWithRetry(
        JOIN_CONTAINMENT,
        transientRetry,
        joinInput(indicator, false),
      ),
    ),
  )) as JoinContainmentOutput[];
  const containments = joins.map((join, index) => ({
    indicator: blockable[index]!.key,
    instanceId: join.containmentInstanceId,
  }));
  setStage({ stage: 'containing', verdict: verdict.kind, containments });

  const results: ContainmentResult[] = [];
  for (const [index, indicator] of blockable.entries()) {
    const join = joins[index]!;
    let result = join.joined === 'finished' ? join.result : undefined;
    if (!result) {
      const deadline = new Date(
        context.df.currentUtcDateTime.getTime() + settings.approvalTimeoutMs + REPORT_MARGIN_MS,
      );
      result = (yield* waitForEventOrDeadline(
        context,
        containmentResultEvent(indicator.key),
        deadline,
      )) as ContainmentResult | undefined;
    }
    if (!result) {
      // The containment finished between our join and its report: ask it for its result.
      const rejoined = (yield context.df.callActivityWithRetry(
        JOIN_CONTAINMENT,
        transientRetry,
        joinInput(indicator, true),
      )) as JoinContainmentOutput;
      result =
        rejoined.joined === 'finished'
          ? rejoined.result
          : {
              indicator: indicator.key,
              instanceId: rejoined.containmentInstanceId,
              outcome: 'failed',
              summary: `No containment result for ${indicator.key} arrived in time; the incident stays open.`,
            };
    }
    results.push(result);
    yield comment(
      `containment/${indicator.key}`,
      renderContainmentComment(result, {
        affectedDevices: verdict.findings
          .filter(
            (finding) => finding.indicator === indicator.key && finding.direction === 'outbound',
          )
          .map((finding) =>
            // A firewall row names the firewall; the affected machine is the session's local side.
            finding.table === 'CommonSecurityLog'
              ? (finding.localAddress ?? finding.device)
              : finding.device,
          ),
      }),
    );
  }

  const outcome = incidentOutcome(results.map((result) => result.outcome));
  if (outcome === 'blocked') {
    yield update(
      'blocked',
      { severity: 'High', addLabels: [BLOCKED_LABEL] },
      'the C2 endpoint was blocked after an analyst approved',
    );
  } else if (outcome === 'escalated') {
    yield update(
      'escalated',
      { severity: 'High', addLabels: [ESCALATED_LABEL] },
      'no analyst decided before the approval deadline',
    );
  }
  return finish(outcome, results);
}

/**
 * A feed line that is not an indicator is an endpoint the hunts never looked for: the analyst
 * must see it beside the verdict, not only the feed's owner.
 */
function rejectedLinesNote(feed: LoadIndicatorFeedOutput): string | undefined {
  if (feed.rejected.length === 0) return undefined;

  const shown = feed.rejected
    .slice(0, REJECTED_SHOWN)
    .map(({ line, reason }) => `line ${line}: ${reason}`);
  const more = feed.rejected.length - shown.length;
  return `the feed ${feed.feedName} had ${feed.rejected.length} line(s) that are not indicators: ${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
}

/** Without a known C2 endpoint among the entities there is nothing to hunt for. */
function noIndicatorVerdict(matched: number, notes: readonly string[]): Verdict | undefined {
  if (matched > 0) return undefined;
  return {
    kind: 'inconclusive',
    reasons: [
      'No entity of the incident is a known C2 endpoint of the indicator feed, so there was nothing to hunt for.',
      ...notes,
    ],
    findings: [],
    hunts: [],
  };
}

/** The incident's outcome is the least final of its indicators' outcomes. */
function incidentOutcome(outcomes: readonly ContainmentOutcome[]): IncidentOutcome {
  if (outcomes.some((o) => o === 'escalated')) return 'escalated';
  if (outcomes.some((o) => o === 'rejected')) return 'rejected';
  if (outcomes.length > 0 && outcomes.every((o) => o === 'blocked' || o === 'already-blocked')) {
    return 'blocked';
  }
  return 'left-open';
}
