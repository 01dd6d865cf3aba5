import type { BlockPlan } from '../domain/blockPlan';
import {
  incidentInstanceId,
  type ContainmentResult,
  type ContainmentStatus,
} from '../domain/containment';
import type { JudgedFinding } from '../domain/finding';
import type { VerdictKind } from '../domain/verdict';
import type { AuditLog } from '../ports/auditLog';
import type { OrchestrationClient, RuntimeStatus } from '../ports/orchestrationClient';

/** An incident's containment as the analyst needs to see it: its status, and its result once done. */
export interface ContainmentReport extends Partial<
  Omit<ContainmentStatus, 'indicator' | 'incidents'>
> {
  readonly indicator: string;
  readonly instanceId: string;
  /** The result's sentence, once finished: the same words as the comment and the audit record. */
  readonly summary?: string;
  readonly dryRun?: boolean;
}

export type ReportStatus = 'running' | 'awaiting-approval' | 'completed' | 'failed';

/** Where an incident's response stands: what the command line and `GET /api/incidents/{id}` show. */
export interface IncidentReport {
  readonly instanceId: string;
  readonly incidentId: string;
  readonly incidentNumber?: number;
  readonly runtimeStatus: ReportStatus;
  readonly stage?: string;
  readonly verdict?: VerdictKind;
  readonly reasons: readonly string[];
  /** What matching the incident's entities to the feed found worth saying (not indicators, rejected lines). */
  readonly indicatorNotes: readonly string[];
  readonly findings: readonly JudgedFinding[];
  readonly outcome?: string;
  readonly containments: readonly ContainmentReport[];
  /** The containment that awaits a decision, when one does: the id `approve` takes. */
  readonly containmentInstanceId?: string;
  readonly plan?: BlockPlan;
  readonly deadline?: string;
  readonly approvalUrl?: string;
  readonly error?: string;
}

interface IncidentCustomStatus {
  readonly stage?: string;
  readonly verdict?: VerdictKind;
  readonly outcome?: string;
  readonly containments?: readonly { readonly indicator: string; readonly instanceId: string }[];
}

const RUNNING: readonly RuntimeStatus[] = ['Pending', 'Running', 'ContinuedAsNew', 'Suspended'];

/**
 * Combines the incident's orchestration status, its containments' statuses and the verdict record
 * of the audit log (the findings live there, not in the status, which has a size limit).
 */
export async function incidentReport(
  client: OrchestrationClient,
  audit: AuditLog,
  incidentName: string,
): Promise<IncidentReport | undefined> {
  const instanceId = incidentInstanceId(incidentName);
  const status = await client.getStatus(instanceId);
  if (!status) return undefined;

  const custom = (status.customStatus ?? {}) as IncidentCustomStatus;
  const output = status.output as
    | {
        readonly outcome?: string;
        readonly incidentNumber?: number;
        readonly containments?: readonly Pick<ContainmentResult, 'indicator' | 'instanceId'>[];
      }
    | undefined;
  // A finished incident's status no longer lists its containments; its output does.
  const handedOver = custom.containments ?? output?.containments ?? [];
  const containments = await Promise.all(
    handedOver.map(async ({ indicator, instanceId: id }) => {
      const containment = await client.getStatus(id);
      const fields = (containment?.customStatus ?? {}) as Omit<
        ContainmentReport,
        'indicator' | 'instanceId'
      >;
      const result = containment?.output as Partial<ContainmentResult> | undefined;
      return {
        indicator,
        instanceId: id,
        stage: fields.stage,
        plan: fields.plan,
        deadline: fields.deadline,
        approvalUrl: fields.approvalUrl,
        lastRefusal: fields.lastRefusal,
        approvalNote: fields.approvalNote,
        outcome: fields.outcome,
        summary: typeof result?.summary === 'string' ? result.summary : undefined,
        dryRun: result?.dryRun,
      };
    }),
  );
  const verdictRecord = (
    await audit.query({ partition: incidentName, action: 'verdict.reached', limit: 1000 })
  ).records.at(-1);
  const details = (verdictRecord?.details ?? {}) as {
    readonly verdict?: VerdictKind;
    readonly reasons?: readonly string[];
    readonly findings?: readonly JudgedFinding[];
  };
  const matchRecord = (
    await audit.query({ partition: incidentName, action: 'indicators.matched', limit: 1000 })
  ).records.at(-1);
  const matchNotes = (matchRecord?.details as { readonly notes?: readonly string[] } | undefined)
    ?.notes;
  const awaiting = containments.find((c) => c.stage === 'awaiting-approval');
  const runtimeStatus: ReportStatus =
    status.runtimeStatus === 'Completed'
      ? 'completed'
      : RUNNING.includes(status.runtimeStatus)
        ? awaiting
          ? 'awaiting-approval'
          : 'running'
        : 'failed';

  return {
    instanceId,
    incidentId: incidentName,
    incidentNumber: output?.incidentNumber ?? verdictRecord?.incidentNumber,
    runtimeStatus,
    stage: custom.stage,
    verdict: custom.verdict ?? details.verdict,
    reasons: details.reasons ?? [],
    indicatorNotes: matchNotes ?? [],
    findings: details.findings ?? [],
    outcome: custom.outcome ?? output?.outcome,
    containments,
    containmentInstanceId: awaiting?.instanceId,
    plan: awaiting?.plan ?? containments.find((c) => c.plan)?.plan,
    deadline: awaiting?.deadline,
    approvalUrl: awaiting?.approvalUrl,
    error: runtimeStatus === 'failed' ? describeFailure(status.output) : undefined,
  };
}

function describeFailure(output: unknown): string {
  if (typeof output === 'string') return output;
  if (output && typeof output === 'object' && 'message' in output) return String(output.message);
  return 'the orchestration failed';
}
