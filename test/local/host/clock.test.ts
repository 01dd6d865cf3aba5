import { VirtualClock } from '../../../local/host/clock';

describe('VirtualClock', () => {
  it('moves only when told to and never backwards', async () => {
    const clock = new VirtualClock('2026-01-01T00:00:00.000Z');

    clock.advanceBy(1500);
    clock.advanceTo('2025-12-31T00:00:00.000Z');
    await clock.sleepUntil(new Date('2026-01-01T00:00:10.000Z'));

    expect(clock.now().toISOString()).toBe('2026-01-01T00:00:10.000Z');
  });

  it('refuses to move by a negative amount', () => {
    expect(() => new VirtualClock().advanceBy(-1)).toThrow(RangeError);
  });
});
