/**
 * The audit log's record: every decision and every change, written on purpose. Records in one
 * partition (an incident, a containment, or the system) form a hash chain, so an edited or removed
 * record is detected. Chaining lives in auditChain.ts.
 */
export const AUDIT_ACTIONS = [
  'incident.received',
  'incident.read',
  'indicators.matched',
  'hunt.completed',
  'verdict.reached',
  'incident.commented',
  'incident.closed',
  'incident.updated',
  'containment.started',
  'containment.joined',
  'plan.created',
  'plan.refused',
  'approval.requested',
  'approval.submitted',
  'approval.decided',
  'approval.refused',
  'approval.timed-out',
  'block.applied',
  'block.verified',
  'block.failed',
  'block.expired',
  'block.unblocked',
  'notification.sent',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export type AuditOutcome = 'succeeded' | 'refused' | 'failed' | 'skipped' | 'dry-run';

export interface AuditEntry {
  /** Chain partition: the incident name (GUID), `containment-<indicator>`, or `system`. */
  readonly partition: string;
  readonly time: string;
  /** Who: a person's UPN or object id, or `system:<component>` for automatic steps. */
  readonly actor: string;
  readonly action: AuditAction;
  readonly outcome: AuditOutcome;
  readonly incidentId?: string;
  readonly incidentNumber?: number;
  readonly instanceId?: string;
  /** What was acted on: an NSG rule id, an incident ARM id, an indicator. */
  readonly target?: string;
  readonly reason?: string;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly details?: Readonly<Record<string, unknown>>;
  /**
   * A key that makes the append idempotent: appending an entry whose key is already in the
   * partition returns the existing record instead of adding a second one (activities retry).
   */
  readonly idempotencyKey: string;
}

export interface AuditRecord extends AuditEntry {
  /** 1-based position in the partition's chain. */
  readonly sequence: number;
  readonly previousHash: string;
  readonly hash: string;
}

export interface ChainVerification {
  readonly ok: boolean;
  readonly records: number;
  readonly partitions: number;
  readonly problems: readonly string[];
}
