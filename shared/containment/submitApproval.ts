import { randomUUID } from 'node:crypto';

import { decideApproval, type ApprovalDecision } from '../domain/approval';
import { APPROVAL_DECISION_EVENT, type ContainmentStatus } from '../domain/containment';
import type { AuditLog } from '../ports/auditLog';
import type { OrchestrationClient } from '../ports/orchestrationClient';

/** What a containment awaiting approval shows in its custom status. */
type AwaitingStatus = Partial<ContainmentStatus>;

/** The outcomes a containment ends with when its deadline passed without a decision. */
const TIMED_OUT = ['escalated', 'left-open'];

export type SubmissionRefusal = 'unknown-instance' | 'not-awaiting' | 'expired' | 'refused';

export type SubmissionResult =
  | { readonly accepted: true; readonly message: string }
  | {
      readonly accepted: false;
      readonly code: SubmissionRefusal;
      /** The approval rule that refused it, when one did (not-approver, plan-changed, ...). */
      readonly rule?: string;
      readonly message: string;
    };

export interface ApprovalSubmission {
  readonly instanceId: string;
  readonly decision: ApprovalDecision;
  readonly approvers: readonly string[];
}

/**
 * Checks an analyst's decision before it reaches the containment, because raising an event on a
 * finished instance succeeds silently: the instance must exist, await a decision on this very
 * plan, and still be before its deadline, and the analyst must be an approver. Every attempt,
 * refused or accepted, is audited in the containment's partition. The orchestrator judges the
 * decision again when it arrives.
 */
export async function submitApproval(
  client: OrchestrationClient,
  audit: AuditLog,
  submission: ApprovalSubmission,
): Promise<SubmissionResult> {
  const { instanceId, decision } = submission;
  const status = await client.getStatus(instanceId);
  const custom = (status?.customStatus ?? {}) as AwaitingStatus;
  const result = judge(status === undefined, status?.runtimeStatus, custom, submission);

  const who = decision.by.userPrincipalName ?? decision.by.objectId ?? 'unknown';
  await audit.append({
    partition: instanceId,
    time: decision.at,
    actor: who,
    action: result.accepted ? 'approval.submitted' : 'approval.refused',
    outcome: result.accepted ? 'succeeded' : 'refused',
    instanceId,
    incidentId: custom.incidents?.[0]?.name,
    incidentNumber: custom.incidents?.[0]?.number,
    target: instanceId,
    reason: result.accepted ? decision.reason : result.message,
    details: {
      approve: decision.approve,
      planHash: decision.planHash,
      ...(result.accepted ? {} : { code: result.code, rule: result.rule }),
    },
    // Every attempt is its own record, even two identical ones in the same millisecond.
    idempotencyKey: `${instanceId}/submission/${randomUUID()}`,
  });
  if (result.accepted) await client.raiseEvent(instanceId, APPROVAL_DECISION_EVENT, decision);
  return result;
}

function judge(
  missing: boolean,
  runtimeStatus: string | undefined,
  custom: AwaitingStatus,
  submission: ApprovalSubmission,
): SubmissionResult {
  if (missing) {
    return {
      accepted: false,
      code: 'unknown-instance',
      message: `No containment ${submission.instanceId} exists.`,
    };
  }
  const running = runtimeStatus === 'Running' || runtimeStatus === 'Pending';
  if (!running && TIMED_OUT.includes(custom.outcome ?? '') && custom.deadline) {
    return {
      accepted: false,
      code: 'expired',
      message: `The approval deadline passed at ${custom.deadline} without a decision; the timeout policy applied (${custom.outcome}) and nothing was blocked.`,
    };
  }
  if (!running || custom.stage !== 'awaiting-approval' || !custom.plan?.hash || !custom.deadline) {
    return {
      accepted: false,
      code: 'not-awaiting',
      message: `Containment ${submission.instanceId} is not waiting for a decision (it is ${custom.stage ?? runtimeStatus}); it may already have been decided.`,
    };
  }

  const judged = decideApproval(
    {
      instanceId: submission.instanceId,
      planHash: custom.plan.hash,
      deadline: custom.deadline,
      approvers: submission.approvers,
      ...(custom.approvalNote ? { requireReason: custom.approvalNote } : {}),
    },
    submission.decision,
  );
  if (judged.accepted) {
    return {
      accepted: true,
      message: `${judged.decidedBy} ${judged.approve ? 'approved' : 'rejected'} the block plan ${custom.plan.hash.slice(0, 12)}.`,
    };
  }
  return {
    accepted: false,
    code: judged.code === 'expired' ? 'expired' : 'refused',
    rule: judged.code,
    message: judged.message,
  };
}
