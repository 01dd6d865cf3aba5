import type { BlockPlan } from './blockPlan';

/**
 * How an incident's response and an indicator's containment talk to each other. One containment
 * runs per indicator at a time, so a storm of incidents on one C2 endpoint asks the analyst once.
 */
export const APPROVAL_DECISION_EVENT = 'ApprovalDecision';
export const INCIDENT_JOINED_EVENT = 'IncidentJoined';

/** Durable instance ids may not hold `/ \ # ?`; colons and brackets are kept out for file names too. */
function instanceSafe(text: string): string {
  return text.replace(/[^A-Za-z0-9.-]+/g, '_').replace(/^_+|_+$/g, '');
}

export function incidentInstanceId(incidentName: string): string {
  return `incident-${instanceSafe(incidentName.toLowerCase())}`;
}

export function containmentInstanceId(indicatorKey: string): string {
  return `contain-${instanceSafe(indicatorKey)}`;
}

/** Each incident waits for one result per indicator it handed over. */
export function containmentResultEvent(indicatorKey: string): string {
  return `ContainmentResult-${instanceSafe(indicatorKey)}`;
}

/** An incident as a containment knows it: enough to tell it the result. */
export interface IncidentRef {
  readonly armId: string;
  readonly name: string;
  readonly number: number;
  readonly instanceId: string;
}

export type ContainmentOutcome =
  'blocked' | 'already-blocked' | 'rejected' | 'escalated' | 'left-open' | 'refused' | 'failed';

export interface ContainmentResult {
  readonly indicator: string;
  readonly instanceId: string;
  readonly outcome: ContainmentOutcome;
  /** A sentence for the incident comment and the audit record. */
  readonly summary: string;
  readonly plan?: BlockPlan;
  readonly decidedBy?: string;
  readonly decisionReason?: string;
  readonly dryRun?: boolean;
}

/** Where a containment stands, in its Durable custom status. */
export type ContainmentStage = 'planning' | 'awaiting-approval' | 'blocking' | 'done';

export interface ContainmentStatus {
  readonly stage: ContainmentStage;
  readonly indicator: string;
  readonly incidents: readonly IncidentRef[];
  readonly plan?: BlockPlan;
  readonly deadline?: string;
  readonly approvalUrl?: string;
  /** Why the last decision was not counted, in the words the analyst saw. */
  readonly lastRefusal?: string;
  /** What an approval must acknowledge in its reason (a compromised legitimate host). */
  readonly approvalNote?: string;
  readonly outcome?: ContainmentResult['outcome'];
}
