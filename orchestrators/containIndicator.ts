import type { OrchestrationContext, Task, TimerTask } from 'durable-functions';

import type { AuditContext } from '../activities/auditContext';
import { APPLY_BLOCK, type ApplyBlockInput, type ApplyBlockOutput } from '../activities/applyBlock';
import { CONTAIN_INDICATOR, type ContainIndicatorInput } from '../activities/joinContainment';
import { PLAN_CONTAINMENT, type PlanContainmentInput } from '../activities/planContainment';
import { RECORD_AUDIT } from '../activities/recordAudit';
import { REPORT_CONTAINMENT, type ReportContainmentInput } from '../activities/reportContainment';
import { REQUEST_APPROVAL, type RequestApprovalInput } from '../activities/requestApproval';
import {
  decideApproval,
  type ApprovalDecision,
  type ApprovalRequest,
} from '../shared/domain/approval';
import { timerSegments } from '../shared/domain/approvalTimer';
import { requiredAcknowledgement } from '../shared/domain/blastRadius';
import type { AuditEntry } from '../shared/domain/auditRecord';
import type { PlanningResult } from '../shared/domain/blockPlan';
import {
  APPROVAL_DECISION_EVENT,
  INCIDENT_JOINED_EVENT,
  type ContainmentStage,
  type ContainmentStatus,
  type ContainmentResult,
  type IncidentRef,
} from '../shared/domain/containment';
import { transientRetry } from './retryPolicies';

export { CONTAIN_INDICATOR };

export type { ContainmentStage, ContainmentStatus };

const ACTOR = 'system:containIndicator';

/**
 * One per indicator at a time: plan the block, ask for approval once, wait for the decision raced
 * against the deadline while later incidents join, then apply, reject or escalate, and tell every
 * joined incident. Nothing is written to an NSG before an accepted approval.
 */
export function* containIndicator(
  context: OrchestrationContext,
): Generator<Task, ContainmentResult, unknown> {
  const input = context.df.getInput() as ContainIndicatorInput;
  const { indicator, settings } = input;
  const instanceId = context.df.instanceId;
  const partition = instanceId;
  const now = () => context.df.currentUtcDateTime.toISOString();
  // The instance id is reused for every containment of this indicator (the next one starts after
  // an unblock or an expiry), so keys carry the execution's start: read before the first yield,
  // it is the first OrchestratorStarted time and the same on every replay.
  const execution = `${instanceId}/${now()}`;
  const incidents: IncidentRef[] = [input.firstIncident];
  let auditStep = 0;
  type AuditFields = Omit<
    AuditEntry,
    'partition' | 'time' | 'instanceId' | 'idempotencyKey' | 'actor'
  >;
  const audit = (entry: AuditFields & { readonly actor?: string }) => {
    auditStep += 1;
    return context.df.callActivity(RECORD_AUDIT, {
      incidentId: input.firstIncident.name,
      incidentNumber: input.firstIncident.number,
      ...entry,
      actor: entry.actor ?? ACTOR,
      partition,
      time: now(),
      instanceId,
      target: entry.target ?? indicator.key,
      idempotencyKey: `${execution}/${auditStep}`,
    } satisfies AuditEntry);
  };
  /** For the records activities write about their own changes, under the first incident. */
  const activityAudit = (actor: string, step: string): AuditContext => ({
    partition,
    actor,
    instanceId,
    incidentId: input.firstIncident.name,
    incidentNumber: input.firstIncident.number,
    idempotencyKey: `${execution}/${step}`,
  });
  const status = (fields: Omit<ContainmentStatus, 'indicator' | 'incidents'>) =>
    context.df.setCustomStatus({ ...fields, indicator: indicator.key, incidents: [...incidents] });
  const finish = function* (
    result: ContainmentResult,
  ): Generator<Task, ContainmentResult, unknown> {
    status({ stage: 'done', plan: result.plan, outcome: result.outcome });
    yield context.df.callActivityWithRetry(REPORT_CONTAINMENT, transientRetry, {
      incidents,
      result,
    } satisfies ReportContainmentInput);
    return result;
  };

  yield audit({
    action: 'containment.started',
    outcome: 'succeeded',
    incidentId: input.firstIncident.name,
    incidentNumber: input.firstIncident.number,
  });
  status({ stage: 'planning' });
  const planning = (yield context.df.callActivityWithRetry(PLAN_CONTAINMENT, transientRetry, {
    indicator,
    settings,
    incidentNumbers: [input.firstIncident.number],
    now: now(),
    audit: activityAudit(ACTOR, 'plan'),
  } satisfies PlanContainmentInput)) as PlanningResult;

  if (!planning.ok) {
    return yield* finish({
      indicator: indicator.key,
      instanceId,
      outcome: 'refused',
      summary: planning.reason,
    });
  }
  const plan = planning.plan;
  if (plan.rules.every((rule) => rule.state === 'present')) {
    return yield* finish({
      indicator: indicator.key,
      instanceId,
      outcome: 'already-blocked',
      plan,
      summary: `${indicator.key} is already blocked in every target NSG; no new approval was needed.`,
    });
  }

  const deadline = new Date(context.df.currentUtcDateTime.getTime() + settings.approvalTimeoutMs);
  const approvalUrl = `${settings.publicBaseUrl}/api/approvals/${encodeURIComponent(instanceId)}`;
  const approvalNote = requiredAcknowledgement(indicator);
  let request: ApprovalRequest = {
    instanceId,
    planHash: plan.hash,
    deadline: deadline.toISOString(),
    approvers: settings.approvers,
    ...(approvalNote ? { requireReason: approvalNote } : {}),
  };
  status({
    stage: 'awaiting-approval',
    plan,
    deadline: request.deadline,
    approvalUrl,
    approvalNote,
  });
  yield context.df.callActivityWithRetry(REQUEST_APPROVAL, transientRetry, {
    indicator: indicator.key,
    plan,
    deadline: request.deadline,
    approvalUrl,
    incidentNumbers: incidents.map((incident) => incident.number),
    note: approvalNote,
    audit: activityAudit(ACTOR, 'approval-requested'),
  } satisfies RequestApprovalInput);

  let decisionTask = context.df.waitForExternalEvent(APPROVAL_DECISION_EVENT);
  let joinTask = context.df.waitForExternalEvent(INCIDENT_JOINED_EVENT);
  let accepted: { approve: boolean; decidedBy: string; reason?: string } | undefined;
  let lastRefusal: string | undefined;

  waiting: for (const fireAt of timerSegments(now(), request.deadline)) {
    const timer: TimerTask = context.df.createTimer(new Date(fireAt));
    for (;;) {
      const winner = yield context.df.Task.any([decisionTask, joinTask, timer]);
      if (winner === timer) continue waiting;

      if (winner === joinTask) {
        const joined = joinTask.result as IncidentRef;
        if (!incidents.some((incident) => incident.instanceId === joined.instanceId)) {
          incidents.push(joined);
          yield audit({
            action: 'containment.joined',
            outcome: 'succeeded',
            incidentId: joined.name,
            incidentNumber: joined.number,
          });
        }
        joinTask = context.df.waitForExternalEvent(INCIDENT_JOINED_EVENT);
      } else {
        const decision = decisionTask.result as ApprovalDecision;
        const judged = decideApproval(request, decision);
        if (judged.accepted) {
          request = judged.request;
          accepted = {
            approve: judged.approve,
            decidedBy: judged.decidedBy,
            reason: decision.reason,
          };
          timer.cancel();
          yield audit({
            actor: judged.decidedBy,
            action: 'approval.decided',
            outcome: 'succeeded',
            reason: decision.reason,
            details: { approve: judged.approve, planHash: decision.planHash },
          });
          break waiting;
        }
        lastRefusal = judged.message;
        yield audit({
          actor: decision.by.userPrincipalName ?? decision.by.objectId ?? 'unknown',
          action: 'approval.refused',
          outcome: 'refused',
          reason: judged.message,
          details: { code: judged.code, planHash: decision.planHash },
        });
        decisionTask = context.df.waitForExternalEvent(APPROVAL_DECISION_EVENT);
      }
      status({
        stage: 'awaiting-approval',
        plan,
        deadline: request.deadline,
        approvalUrl,
        approvalNote,
        lastRefusal,
      });
    }
  }

  if (!accepted) {
    const escalate = settings.timeoutPolicy === 'escalate';
    yield audit({
      action: 'approval.timed-out',
      outcome: 'succeeded',
      reason: `no decision before ${request.deadline}; policy ${settings.timeoutPolicy}`,
    });
    return yield* finish({
      indicator: indicator.key,
      instanceId,
      outcome: escalate ? 'escalated' : 'left-open',
      plan,
      summary: `No analyst decided on blocking ${indicator.key} before ${request.deadline}; nothing was blocked${escalate ? ' and the incidents were escalated' : ''}.`,
    });
  }
  if (!accepted.approve) {
    return yield* finish({
      indicator: indicator.key,
      instanceId,
      outcome: 'rejected',
      plan,
      decidedBy: accepted.decidedBy,
      decisionReason: accepted.reason,
      summary: `${accepted.decidedBy} rejected blocking ${indicator.key}; nothing was blocked and the incidents stay open.`,
    });
  }

  status({ stage: 'blocking', plan, deadline: request.deadline, approvalUrl, approvalNote });
  const application = (yield context.df.callActivityWithRetry(APPLY_BLOCK, transientRetry, {
    plan,
    settings,
    approvedBy: accepted.decidedBy,
    audit: activityAudit(accepted.decidedBy, 'apply'),
  } satisfies ApplyBlockInput)) as ApplyBlockOutput;

  if (application.refusal) {
    return yield* finish({
      indicator: indicator.key,
      instanceId,
      outcome: 'refused',
      plan,
      decidedBy: accepted.decidedBy,
      decisionReason: accepted.reason,
      summary: application.refusal,
    });
  }
  const dryRun = application.dryRun ?? settings.dryRun;
  return yield* finish({
    indicator: indicator.key,
    instanceId,
    outcome: application.verified ? 'blocked' : 'failed',
    plan: application.plan,
    decidedBy: accepted.decidedBy,
    decisionReason: accepted.reason,
    dryRun,
    summary: application.verified
      ? `${dryRun ? 'Dry run: would have blocked' : 'Blocked'} ${indicator.key} outbound in ${application.plan.rules.length} NSG rule(s) after ${accepted.decidedBy} approved; the rules expire at ${application.plan.expiresAt}.`
      : `Blocking ${indicator.key} failed after approval: ${application.problem ?? 'the rules could not be verified'}.`,
  });
}
