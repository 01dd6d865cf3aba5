import * as df from 'durable-functions';

/**
 * Activities throw only for failures worth retrying (a port that timed out, throttled or was busy);
 * expected outcomes (a failed hunt, a refused plan) come back as results. So a bounded retry on
 * any thrown error retries transient failures only: 4 attempts over about 35 seconds.
 */
export const transientRetry: df.RetryOptions = (() => {
  const options = new df.RetryOptions(5_000, 4);
  options.backoffCoefficient = 2;
  options.maxRetryIntervalInMilliseconds = 30_000;
  return options;
})();
