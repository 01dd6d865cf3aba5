/**
 * An analyst's decision on a block plan, and the rules that make it count: only a configured
 * approver, only for the plan shown, only once, only before the deadline, and a rejection says why.
 */
export interface ApproverIdentity {
  readonly objectId?: string;
  readonly userPrincipalName?: string;
  readonly groupIds?: readonly string[];
}

export interface ApprovalDecision {
  readonly by: ApproverIdentity;
  /** The hash of the plan the analyst saw. */
  readonly planHash: string;
  readonly approve: boolean;
  readonly reason?: string;
  readonly at: string;
}

export interface ApprovalRequest {
  readonly instanceId: string;
  readonly planHash: string;
  readonly deadline: string;
  /** Object ids, UPNs or group ids; compared without regard to case. */
  readonly approvers: readonly string[];
  readonly decided?: ApprovalDecision;
  /**
   * Set when even an approval must say why (an indicator ThreatFox marks as a compromised
   * legitimate host): the sentence shown to the analyst, and the refusal when the reason is empty.
   */
  readonly requireReason?: string;
}

export type ApprovalRefusalCode =
  'not-approver' | 'plan-changed' | 'already-decided' | 'expired' | 'missing-reason';

export type ApprovalOutcome =
  | {
      readonly accepted: true;
      readonly approve: boolean;
      /** Who decided, for the audit record: the UPN when known, else the object id. */
      readonly decidedBy: string;
      readonly request: ApprovalRequest & { readonly decided: ApprovalDecision };
    }
  | { readonly accepted: false; readonly code: ApprovalRefusalCode; readonly message: string };

/**
 * Judges one decision against the request. Checks run in this order so that a person who may not
 * decide learns nothing about the plan's state, and so that a late duplicate reads as a duplicate.
 * A rejection must carry a reason: the incidents stay open and the next analyst needs to know why.
 */
export function decideApproval(
  request: ApprovalRequest,
  decision: ApprovalDecision,
): ApprovalOutcome {
  const at = Date.parse(decision.at);
  const deadline = Date.parse(request.deadline);
  if (Number.isNaN(at) || Number.isNaN(deadline)) {
    throw new RangeError(
      `decision and deadline must be ISO times: ${decision.at}, ${request.deadline}`,
    );
  }
  const who = describeIdentity(decision.by);

  if (!isApprover(request.approvers, decision.by)) {
    return refused(
      'not-approver',
      `${who} is not on the approver list for this block, so the decision was not recorded.`,
    );
  }
  if (request.decided) {
    const earlier = request.decided;
    return refused(
      'already-decided',
      `This block was already ${earlier.approve ? 'approved' : 'rejected'} by ${describeIdentity(earlier.by)} at ${earlier.at}; a second decision is not recorded.`,
    );
  }
  if (at >= deadline) {
    return refused(
      'expired',
      `The decision arrived at ${decision.at}, after the deadline of ${request.deadline}; the timeout policy applies instead.`,
    );
  }
  if (decision.planHash !== request.planHash) {
    return refused(
      'plan-changed',
      'The decision names a different plan from the one awaiting approval; review the current plan and decide again.',
    );
  }
  if (decision.approve && request.requireReason && (decision.reason ?? '').trim() === '') {
    return refused('missing-reason', request.requireReason);
  }
  if (!decision.approve && (decision.reason ?? '').trim() === '') {
    return refused(
      'missing-reason',
      'A rejection needs a reason, so that the incidents left open explain why.',
    );
  }

  return {
    accepted: true,
    approve: decision.approve,
    decidedBy: who,
    request: { ...request, decided: decision },
  };
}

export function isApprover(approvers: readonly string[], identity: ApproverIdentity): boolean {
  const allowed = new Set(approvers.map(normalise).filter((item) => item !== ''));
  const claimed = [identity.objectId, identity.userPrincipalName, ...(identity.groupIds ?? [])]
    .filter((item): item is string => item !== undefined)
    .map(normalise)
    .filter((item) => item !== '');

  return claimed.some((item) => allowed.has(item));
}

function describeIdentity(identity: ApproverIdentity): string {
  return identity.userPrincipalName ?? identity.objectId ?? 'an unidentified caller';
}

function normalise(value: string): string {
  return value.trim().toLowerCase();
}

function refused(code: ApprovalRefusalCode, message: string): ApprovalOutcome {
  return { accepted: false, code, message };
}
