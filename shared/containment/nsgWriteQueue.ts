/**
 * Runs the read-plan-write-verify work on one NSG one caller at a time within this process. ARM
 * refuses concurrent operations on an NSG (429/409) and every writer that read the same rules
 * aims at the same lowest free priority, so unserialised writers collide quadratically; in
 * process they queue instead. Writers in other processes (Functions scale-out) still collide, up
 * to one extra round per concurrent writer, which applyBlockPlan's retries and re-planning absorb
 * only within maxAttempts (#4).
 */
export interface NsgWriteQueue {
  run<T>(nsgId: string, work: () => Promise<T>): Promise<T>;
}

export function createNsgWriteQueue(): NsgWriteQueue {
  const tails = new Map<string, Promise<unknown>>();

  return {
    run<T>(nsgId: string, work: () => Promise<T>): Promise<T> {
      const previous = tails.get(nsgId) ?? Promise.resolve();
      const result = previous.then(
        () => work(),
        () => work(),
      );
      const tail = result.catch(() => undefined);
      tails.set(nsgId, tail);
      void tail.then(() => {
        if (tails.get(nsgId) === tail) tails.delete(nsgId);
      });
      return result;
    },
  };
}

/** No queue: each caller goes straight to the NSG (tests of collision handling). */
export const unqueuedWrites: NsgWriteQueue = { run: (_nsgId, work) => work() };

/** The queue every applyBlockPlan and removeBlocks call in this process shares by default. */
export const processWriteQueue: NsgWriteQueue = createNsgWriteQueue();
