/**
 * Durable Functions for JavaScript cannot schedule a timer more than 6 days ahead, so a longer
 * approval wait becomes successive timers.
 */
export const MAX_DURABLE_TIMER_MS = 6 * 24 * 60 * 60 * 1000;

/**
 * The fire times (ISO) of the successive timers that wait from `now` until `deadline`, each at
 * most `maxMs` after the one before; the last is the deadline itself. Empty when the deadline is
 * not after now (the wait is already over).
 */
export function timerSegments(
  now: string,
  deadline: string,
  maxMs = MAX_DURABLE_TIMER_MS,
): string[] {
  const start = Date.parse(now);
  const end = Date.parse(deadline);
  if (Number.isNaN(start) || Number.isNaN(end)) {
    throw new RangeError(`timer times must be ISO times: ${now}, ${deadline}`);
  }
  if (!Number.isFinite(maxMs) || maxMs <= 0) throw new RangeError('maxMs must be positive');

  const fireAt: string[] = [];
  for (let at = start + maxMs; at < end; at += maxMs) {
    fireAt.push(new Date(at).toISOString());
  }
  if (end > start) fireAt.push(new Date(end).toISOString());
  return fireAt;
}
