/** Tells analysts that a decision is awaited. Never carries a management link or a key. */
export interface ApprovalNotice {
  readonly incidentNumbers: readonly number[];
  readonly indicator: string;
  readonly verdict: string;
  readonly approvalUrl: string;
  readonly deadline: string;
  /** What the approver must acknowledge in the decision's reason (e.g. a compromised legitimate host). */
  readonly note?: string;
}

export interface Notifier {
  notifyApprovalRequested(notice: ApprovalNotice): Promise<void>;
}
