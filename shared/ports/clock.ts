/** Time for adapters and triggers; tests pass a virtual clock. Orchestrators use their context instead. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
