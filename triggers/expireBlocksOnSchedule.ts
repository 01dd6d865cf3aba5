import type { InvocationContext, Timer, TimerHandler } from '@azure/functions';

import { expireBlocks } from '../shared/containment/liftBlocks';
import type { TriggerDependencies } from './triggerDependencies';

/** Every 15 minutes: a block outlives its time to live by at most that much. */
export const EXPIRY_SCHEDULE = '0 */15 * * * *';

/**
 * The timer function that removes our rules past their time to live, through the same code as
 * the command line. A failure is thrown, so the host records a failed run and the next run retries.
 */
export function expireBlocksOnSchedule(dependencies: TriggerDependencies): TimerHandler {
  const { configuration, audit, clock, securityGroups } = dependencies;

  return async (timer: Timer, context: InvocationContext) => {
    const now = clock.now().toISOString();
    const result = await expireBlocks(
      securityGroups,
      audit,
      {
        nsgIds: configuration.response.nsgIds,
        dryRun: configuration.response.dryRun,
        killSwitch: configuration.response.killSwitch,
      },
      { now, clock },
    );

    const late = timer.isPastDue ? ' (the run was late)' : '';
    if (result.outcome === 'partly-failed' || result.outcome === 'refused') {
      context.warn(`block expiry at ${now}${late}: ${result.message}`);
    } else {
      context.info(`block expiry at ${now}${late}: ${result.message}`);
    }
    return result;
  };
}
