import { MAX_DURABLE_TIMER_MS, timerSegments } from '../../../shared/domain/approvalTimer';

describe('timerSegments', () => {
  it('uses one timer for a wait within six days', () => {
    expect(timerSegments('2026-12-01T00:00:00.000Z', '2026-12-02T12:00:00.000Z')).toEqual([
      '2026-12-02T12:00:00.000Z',
    ]);
  });

  it('uses one timer for a wait of exactly six days', () => {
    expect(timerSegments('2026-12-01T00:00:00.000Z', '2026-12-07T00:00:00.000Z')).toEqual([
      '2026-12-07T00:00:00.000Z',
    ]);
  });

  it('splits a fourteen-day wait into timers at most six days apart ending at the deadline', () => {
    const fireAt = timerSegments('2026-12-01T00:00:00.000Z', '2026-12-15T00:00:00.000Z');

    expect(fireAt).toEqual([
      '2026-12-07T00:00:00.000Z',
      '2026-12-13T00:00:00.000Z',
      '2026-12-15T00:00:00.000Z',
    ]);
    expect(MAX_DURABLE_TIMER_MS).toBe(518_400_000);
  });

  it('honours a smaller maximum', () => {
    expect(timerSegments('2026-12-01T00:00:00.000Z', '2026-12-01T00:00:25.000Z', 10_000)).toEqual([
      '2026-12-01T00:00:10.000Z',
      '2026-12-01T00:00:20.000Z',
      '2026-12-01T00:00:25.000Z',
    ]);
  });

  it('returns no timer when the deadline has passed', () => {
    expect(timerSegments('2026-12-02T00:00:00.000Z', '2026-12-01T00:00:00.000Z')).toEqual([]);
  });

  it('rejects a time that is not ISO', () => {
    expect(() => timerSegments('soon', '2026-12-01T00:00:00.000Z')).toThrow(RangeError);
  });
});
