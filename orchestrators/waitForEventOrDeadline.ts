import type { OrchestrationContext, Task, TimerTask } from 'durable-functions';

import { timerSegments } from '../shared/domain/approvalTimer';

/**
 * Waits for one external event until a deadline. Durable timers in JavaScript are limited to 6
 * days, so a longer wait is a chain of timers; the pending timer is cancelled when the event wins,
 * or the instance would never complete. Returns undefined when the deadline passes first.
 */
export function* waitForEventOrDeadline(
  context: OrchestrationContext,
  eventName: string,
  deadline: Date,
): Generator<Task, unknown, unknown> {
  const event = context.df.waitForExternalEvent(eventName);
  const segments = timerSegments(
    context.df.currentUtcDateTime.toISOString(),
    deadline.toISOString(),
  );

  for (const fireAt of segments) {
    const timer: TimerTask = context.df.createTimer(new Date(fireAt));
    const winner = yield context.df.Task.any([event, timer]);
    if (winner === event) {
      timer.cancel();
      return event.result;
    }
  }
  return undefined;
}
