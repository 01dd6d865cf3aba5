import { retryDelayMs } from '../../../local/host/applyEpisode';

const retry = (attempt: number, backoffCoefficient?: number, max?: number) => ({
  policy: {
    firstRetryIntervalInMilliseconds: 1000,
    maxNumberOfAttempts: 5,
    ...(backoffCoefficient === undefined ? {} : { backoffCoefficient }),
    ...(max === undefined ? {} : { maxRetryIntervalInMilliseconds: max }),
  },
  attempt,
  activityName: 'flaky',
  activityInput: undefined,
});

describe('retryDelayMs', () => {
  it('waits the first interval after every attempt without a backoff coefficient', () => {
    expect([1, 2, 3].map((attempt) => retryDelayMs(retry(attempt)))).toEqual([1000, 1000, 1000]);
  });

  it('multiplies by the backoff coefficient per attempt', () => {
    expect([1, 2, 3].map((attempt) => retryDelayMs(retry(attempt, 2)))).toEqual([1000, 2000, 4000]);
  });

  it('never waits longer than the maximum retry interval', () => {
    expect([1, 2, 3].map((attempt) => retryDelayMs(retry(attempt, 3, 2500)))).toEqual([
      1000, 2500, 2500,
    ]);
  });
});
