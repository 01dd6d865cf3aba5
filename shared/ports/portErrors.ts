/**
 * Errors adapters throw, each because the caller acts differently on it. Errors lose their class
 * when they cross into an orchestrator, so each carries a stable `code` (and `name`).
 */
export class TransientError extends Error {
  override readonly name: string = 'TransientError';
  readonly code: string = 'transient';
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** Another operation runs on the NSG (ARM 429 RetryableErrorDueToAnotherOperation, 409 AnotherOperationInProgress). */
export class FirewallBusyError extends TransientError {
  override readonly name = 'FirewallBusyError';
  override readonly code = 'firewall-busy';
}

/** The priority was taken by another rule meanwhile (ARM 400 SecurityRuleConflict): plan again. */
export class PriorityTakenError extends Error {
  override readonly name = 'PriorityTakenError';
  readonly code = 'priority-taken';
}

/** The NSG holds the maximum number of rules or prefixes: fail safe, never trim. */
export class RuleLimitError extends Error {
  override readonly name = 'RuleLimitError';
  readonly code = 'rule-limit';
}

/** The resource does not exist. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  readonly code = 'not-found';
}

/** The resource changed since it was read (stale etag): read again and retry. */
export class ConcurrencyError extends TransientError {
  override readonly name = 'ConcurrencyError';
  override readonly code = 'stale-etag';
}
