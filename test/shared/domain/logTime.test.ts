import fc from 'fast-check';

import { logTimeMs } from '../../../shared/domain/logTime';

describe('logTimeMs', () => {
  it.each([
    [
      'a Log Analytics export with seven fraction digits',
      '2026-11-30T09:14:07.4411235Z',
      Date.UTC(2026, 10, 30, 9, 14, 7, 441),
    ],
    ['milliseconds', '2026-11-30T06:02:44.571Z', Date.UTC(2026, 10, 30, 6, 2, 44, 571)],
    ['an offset', '2026-11-30T10:02:44+01:00', Date.UTC(2026, 10, 30, 9, 2, 44)],
    [
      'the portal export (UTC)',
      '3/31/2022, 10:52:35.857 AM',
      Date.UTC(2022, 2, 31, 10, 52, 35, 857),
    ],
    [
      'the portal export after noon',
      '3/31/2022, 12:05:07.488 PM',
      Date.UTC(2022, 2, 31, 12, 5, 7, 488),
    ],
    ['the portal export after midnight', '9/25/2023, 12:05:07 AM', Date.UTC(2023, 8, 25, 0, 5, 7)],
  ])('reads %s', (_what, text, ms) => {
    expect(logTimeMs(text)).toBe(ms);
  });

  it.each([
    ['an empty cell', ''],
    ['prose', 'yesterday'],
    ['a number', 1764494047000],
    ['null', null],
  ])('refuses %s', (_what, value) => {
    expect(logTimeMs(value)).toBeUndefined();
  });

  it('never throws', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const ms = logTimeMs(value);
        expect(ms === undefined || Number.isFinite(ms)).toBe(true);
      }),
    );
  });
});
