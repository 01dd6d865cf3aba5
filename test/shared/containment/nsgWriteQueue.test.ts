import { createNsgWriteQueue } from '../../../shared/containment/nsgWriteQueue';

describe('NsgWriteQueue', () => {
  it('runs work on one NSG one at a time, in arrival order, and other NSGs alongside', async () => {
    const queue = createNsgWriteQueue();
    const events: string[] = [];
    const work = (name: string) => async (): Promise<string> => {
      events.push(`start ${name}`);
      await new Promise((resolve) => setImmediate(resolve));
      events.push(`end ${name}`);
      return name;
    };

    const results = await Promise.all([
      queue.run('nsg-a', work('a1')),
      queue.run('nsg-a', work('a2')),
      queue.run('nsg-b', work('b1')),
    ]);

    expect(results).toEqual(['a1', 'a2', 'b1']);
    expect(events.indexOf('start a2')).toBeGreaterThan(events.indexOf('end a1'));
    expect(events.indexOf('start b1')).toBeLessThan(events.indexOf('end a1'));
  });

  it('keeps going after a failed piece of work', async () => {
    const queue = createNsgWriteQueue();

    const failed = queue.run('nsg-a', async () => {
      throw new Error('boom');
    });
    const next = queue.run('nsg-a', async () => 'next');

    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('next');
  });
});
