import { isRestError } from '@azure/core-rest-pipeline';

import {
  FirewallBusyError,
  NotFoundError,
  PriorityTakenError,
  RuleLimitError,
  TransientError,
} from '../../ports/portErrors';

/** What to wait when ARM says "busy" without a Retry-After. */
const DEFAULT_BUSY_WAIT_MS = 5_000;

/**
 * ARM answers a write while another operation runs on the NSG with 429
 * RetryableErrorDueToAnotherOperation or 409 AnotherOperationInProgress (some resources use 400 for
 * the latter); the code decides, not the status.
 */
const BUSY_CODES = new Set(['AnotherOperationInProgress', 'RetryableErrorDueToAnotherOperation']);
/**
 * "A security group cannot have more than 1000 security rules." (azure-rest-api-specs#3003). The
 * prefix limits report codes of the same family.
 */
const LIMIT_CODE = /^SecurityRule\w*(LimitReached|LimitExceeded)$/;

/** Retry-After in ms: the `retry-after-ms` headers first, then seconds or an HTTP date. */
export function retryAfterMs(
  header: (name: string) => string | undefined,
  now: number = Date.now(),
): number | undefined {
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const value = Number(header(name));
    if (header(name) !== undefined && Number.isFinite(value) && value >= 0) return value;
  }
  const retryAfter = header('retry-after');
  if (retryAfter === undefined) return undefined;

  const seconds = Number(retryAfter);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

interface ArmFailure {
  readonly status?: number;
  readonly code?: string;
  readonly message: string;
  readonly retryAfterMs?: number;
}

function describe(error: unknown): ArmFailure {
  if (isRestError(error)) {
    const headers = error.response?.headers;
    const wait = headers ? retryAfterMs((name) => headers.get(name)) : undefined;
    return {
      message: error.message,
      ...(error.statusCode === undefined ? {} : { status: error.statusCode }),
      ...(error.code === undefined ? {} : { code: error.code }),
      ...(wait === undefined ? {} : { retryAfterMs: wait }),
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  // core-lro reports a failed long-running operation as "...has failed. <code>. <message>".
  const code = /long-running operation has failed\. (\w+)\./.exec(message)?.[1];

  return code === undefined ? { message } : { message, code };
}

/** Turns an SDK error of a Microsoft.Network call into the port error the caller acts on. */
export function networkPortError(error: unknown, subject: string): Error {
  const failure = describe(error);
  const text = `${subject}: ${failure.code ?? failure.status ?? 'error'}: ${failure.message}`;

  if ((failure.code !== undefined && BUSY_CODES.has(failure.code)) || failure.status === 429) {
    return new FirewallBusyError(text, failure.retryAfterMs ?? DEFAULT_BUSY_WAIT_MS);
  }
  if (failure.code === 'SecurityRuleConflict') return new PriorityTakenError(text);
  if (failure.code !== undefined && LIMIT_CODE.test(failure.code)) return new RuleLimitError(text);
  if (failure.status === 404) return new NotFoundError(text);
  if (failure.status !== undefined && (failure.status >= 500 || failure.status === 408)) {
    return new TransientError(text, failure.retryAfterMs);
  }

  return error instanceof Error ? error : new Error(text);
}
