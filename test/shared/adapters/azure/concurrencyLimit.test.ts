import { ConcurrencyLimit } from '../../../../shared/adapters/azure/concurrencyLimit';

describe('ConcurrencyLimit', () => {
  it('never runs more tasks at once than the limit, and runs them all', async () => {
    const limit = new ConcurrencyLimit(2);
    let running = 0;
    let peak = 0;
    const releases: (() => void)[] = [];
    const task = (n: number) =>
      limit.run(async () => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running -= 1;
        return n;
      });

    const all = Promise.all([1, 2, 3, 4, 5].map(task));
    for (let released = 0; released < 5;) {
      await new Promise((resolve) => setImmediate(resolve));
      const release = releases.shift();
      if (release) {
        release();
        released += 1;
      }
    }

    expect(await all).toEqual([1, 2, 3, 4, 5]);
    expect(peak).toBe(2);
    expect(limit.active).toBe(0);
  });

  it('frees the slot of a task that fails', async () => {
    const limit = new ConcurrencyLimit(1);

    await expect(limit.run(() => Promise.reject(new Error('query failed')))).rejects.toThrow(
      'query failed',
    );

    expect(await limit.run(() => Promise.resolve('next'))).toBe('next');
  });

  it('refuses a limit below one', () => {
    expect(() => new ConcurrencyLimit(0)).toThrow(RangeError);
  });
});
