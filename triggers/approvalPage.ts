import type { HttpHandler, HttpRequest, InvocationContext } from '@azure/functions';

import type { ContainmentStatus } from '../orchestrators/containIndicator';
import { issueAntiForgeryToken } from '../shared/domain/antiForgeryToken';
import { isApprover } from '../shared/domain/approval';
import type { ContainmentResult } from '../shared/domain/containment';
import type { JudgedFinding } from '../shared/domain/finding';
import type { VerdictKind } from '../shared/domain/verdict';
import {
  renderApprovalPage,
  type DecisionOffer,
  type IncidentEvidence,
} from '../shared/pages/approvalPage';
import { renderMessagePage } from '../shared/pages/messagePage';
import type { AuditLog } from '../shared/ports/auditLog';
import type { InstanceStatus } from '../shared/ports/orchestrationClient';
import { callerName, readCaller } from './callerIdentity';
import { answerFailures } from './httpAnswer';
import { pageAnswer } from './pageAnswer';
import type { TriggerDependencies } from './triggerDependencies';

/** Containment instance ids as shared/domain/containment.ts makes them. */
export const CONTAINMENT_INSTANCE = /^contain-[A-Za-z0-9._-]{1,200}$/;

/**
 * The page's form stays valid until the decision's deadline and this long after it, so that a late
 * decision is told that it missed the deadline rather than that the form is old.
 */
export const FORM_GRACE_MS = 60 * 60 * 1000;

/**
 * `GET /api/approvals/{instanceId}`: the approval page. Shows the containment's incidents with the
 * evidence of their verdicts, the exact plan and its deadline, and to an approver a form whose
 * token binds the decision to them, this plan and this containment. It needs a signed-in person,
 * as the decision does: the evidence names devices and accounts.
 */
export function approvalPage(dependencies: TriggerDependencies): HttpHandler {
  const { configuration, audit, clock } = dependencies;
  const localUse = configuration.mode === 'local';

  return async (request: HttpRequest, context: InvocationContext) => {
    const instanceId = request.params.instanceId ?? '';
    const message = (status: number, title: string, text: string, analyst?: string) =>
      pageAnswer(
        status,
        renderMessagePage({
          localUse,
          title,
          message: text,
          ...(analyst === undefined ? {} : { analyst }),
        }),
      );
    const answered = await answerFailures(
      context,
      () => `approval page of instance ${instanceId}`,
      async () => {
        const reading = readCaller(request, configuration, 'person');
        if (!reading.ok) return message(401, 'Sign in first', reading.message);
        const analyst = callerName(reading.caller);
        if (!CONTAINMENT_INSTANCE.test(instanceId)) {
          return message(404, 'No such containment', 'No containment has that id.', analyst);
        }
        const status = await dependencies.orchestrationClient(context).getStatus(instanceId);
        if (!status) {
          return message(
            404,
            'No such containment',
            `No containment ${instanceId} exists.`,
            analyst,
          );
        }

        const custom = (status.customStatus ?? {}) as Partial<ContainmentStatus>;
        const now = clock.now();
        const incidents = await Promise.all(
          (custom.incidents ?? []).map((incident) => evidenceOf(audit, incident)),
        );
        const offer = offerTo(dependencies, status, custom, reading.caller, analyst, now);
        const result = status.runtimeStatus === 'Completed' ? resultOf(status) : undefined;

        return pageAnswer(
          200,
          renderApprovalPage({
            localUse,
            analyst,
            instanceId,
            indicator: custom.indicator ?? instanceId.replace(/^contain-/, ''),
            state: describeContainment(status, custom),
            ...(custom.plan === undefined ? {} : { plan: custom.plan }),
            ...(custom.deadline === undefined ? {} : { deadline: custom.deadline }),
            ...(custom.lastRefusal === undefined ? {} : { lastRefusal: custom.lastRefusal }),
            ...(result === undefined ? {} : { resultSummary: result.summary }),
            incidents,
            offer,
          }),
        );
      },
    );

    return answered.body === undefined ? pageOfJsonFailure(answered, localUse) : answered;
  };
}

/** Where a containment stands, in words an analyst reads. */
export function describeContainment(
  status: InstanceStatus,
  custom: Partial<ContainmentStatus>,
): string {
  if (status.runtimeStatus === 'Failed') return 'failed; see the audit timeline';
  if (status.runtimeStatus === 'Terminated') return 'terminated by an operator';
  switch (custom.stage) {
    case 'planning':
      return 'planning the block';
    case 'awaiting-approval':
      return 'waiting for an analyst’s decision';
    case 'blocking':
      return 'applying the approved block';
    case 'done':
      return `done: ${custom.outcome ?? 'finished'}`;
    default:
      return status.runtimeStatus === 'Completed' ? 'done' : 'starting';
  }
}

/** The containment's result once it completed, when it has the expected shape. */
export function resultOf(status: InstanceStatus): ContainmentResult | undefined {
  const output = status.output as Partial<ContainmentResult> | undefined;

  return typeof output?.summary === 'string' && typeof output.outcome === 'string'
    ? (output as ContainmentResult)
    : undefined;
}

export function timelineUrl(incidentName: string): string {
  return `/api/audit/view?incident=${encodeURIComponent(incidentName)}`;
}

function offerTo(
  dependencies: TriggerDependencies,
  status: InstanceStatus,
  custom: Partial<ContainmentStatus>,
  caller: Parameters<typeof isApprover>[1],
  analyst: string,
  now: Date,
): DecisionOffer {
  const running = status.runtimeStatus === 'Running' || status.runtimeStatus === 'Pending';
  if (!running || custom.stage !== 'awaiting-approval' || !custom.plan || !custom.deadline) {
    return {
      kind: 'closed',
      message: `This containment is not waiting for a decision: it is ${describeContainment(status, custom)}.`,
    };
  }
  const deadline = new Date(custom.deadline);
  if (now.getTime() >= deadline.getTime()) {
    return {
      kind: 'closed',
      message: `The deadline for a decision passed at ${custom.deadline}; the configured timeout policy applies instead.`,
    };
  }
  if (!isApprover(dependencies.configuration.response.approvers, caller)) {
    return {
      kind: 'closed',
      message: `${analyst} is not on the approver list for blocks, so this page shows the plan but takes no decision from you.`,
    };
  }
  const key = dependencies.antiForgeryKey;
  if (key === undefined) {
    return {
      kind: 'closed',
      message:
        'Decisions from this page are switched off because the app has no anti-forgery key; decide through the approval API or the command line.',
    };
  }

  const expiresAt = new Date(deadline.getTime() + FORM_GRACE_MS);
  return {
    kind: 'form',
    postUrl: `/api/approvals/${encodeURIComponent(status.instanceId)}`,
    planHash: custom.plan.hash,
    token: issueAntiForgeryToken(
      key,
      { analyst, planHash: custom.plan.hash, instanceId: status.instanceId },
      expiresAt,
    ),
  };
}

async function evidenceOf(
  audit: AuditLog,
  incident: { readonly name: string; readonly number: number },
): Promise<IncidentEvidence> {
  const page = await audit.query({
    partition: incident.name,
    action: 'verdict.reached',
    limit: 1000,
  });
  const details = (page.records.at(-1)?.details ?? {}) as {
    readonly verdict?: VerdictKind;
    readonly reasons?: readonly string[];
    readonly findings?: readonly JudgedFinding[];
  };

  return {
    name: incident.name,
    number: incident.number,
    ...(details.verdict === undefined ? {} : { verdict: details.verdict }),
    reasons: details.reasons ?? [],
    findings: details.findings ?? [],
    timelineUrl: timelineUrl(incident.name),
  };
}

/** answerFailures speaks JSON; a person in a browser gets the same sentence as a page. */
function pageOfJsonFailure(
  answered: { readonly status?: number; readonly jsonBody?: unknown },
  localUse: boolean,
) {
  const body = (answered.jsonBody ?? {}) as { readonly message?: string };

  return pageAnswer(
    answered.status ?? 500,
    renderMessagePage({
      localUse,
      title: 'The page could not be shown',
      message: body.message ?? 'The request failed inside the product; the error is logged.',
    }),
  );
}
