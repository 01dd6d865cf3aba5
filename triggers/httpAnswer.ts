import type { HttpResponseInit, InvocationContext } from '@azure/functions';

import { isValidationError } from '../shared/domain/validationError';

/**
 * How the HTTP functions answer: JSON bodies, and every problem as one JSON error
 * `{accepted: false, code, message, problems?}` with plain sentences, never a stack or a payload.
 */
export function answer(
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): HttpResponseInit {
  return { status, jsonBody: body, headers: { 'cache-control': 'no-store', ...headers } };
}

export function refusal(
  status: number,
  code: string,
  message: string,
  problems?: readonly string[],
): HttpResponseInit {
  return answer(status, {
    accepted: false,
    code,
    message,
    ...(problems === undefined ? {} : { problems }),
  });
}

/** Known error names of the port errors (shared/ports/portErrors.ts) that a retry may cure. */
const TRANSIENT = new Set(['TransientError', 'FirewallBusyError', 'ConcurrencyError']);
const DEFAULT_RETRY_AFTER_S = 5;

/**
 * Runs a handler and turns what it throws into one JSON error: bad input 400, a busy dependency
 * 503 with Retry-After, anything else 500, logged once with the ids the caller gave.
 */
export async function answerFailures(
  context: InvocationContext,
  logIds: () => string,
  work: () => Promise<HttpResponseInit>,
): Promise<HttpResponseInit> {
  try {
    return await work();
  } catch (thrown) {
    const error = thrown instanceof Error ? thrown : new Error(String(thrown));
    if (isValidationError(error)) {
      return refusal(400, error.code, error.message, error.problems);
    }
    if (TRANSIENT.has(error.name)) {
      context.warn(`${logIds()}: a dependency is busy: ${error.message}`);
      const retryAfterMs = (error as { retryAfterMs?: number }).retryAfterMs;
      const seconds = Math.max(1, Math.ceil((retryAfterMs ?? DEFAULT_RETRY_AFTER_S * 1000) / 1000));
      return {
        ...refusal(503, 'busy', 'A service the product depends on is busy; try again shortly.'),
        headers: { 'cache-control': 'no-store', 'retry-after': String(seconds) },
      };
    }
    context.error(`${logIds()}: ${error.name}: ${error.message}`);
    return refusal(500, 'internal', 'The request failed inside the product; the error is logged.');
  }
}
