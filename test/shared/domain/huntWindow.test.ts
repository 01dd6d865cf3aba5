import { huntWindow, isoDurationMs, LAB_HUNT_WINDOW } from '../../../shared/domain/huntWindow';
import labExpected from '../../fixtures/lab-expected.json';

interface LabIncident {
  readonly incidentNumber: number;
  readonly activity: {
    readonly firstActivityTimeUtc: string;
    readonly lastActivityTimeUtc: string;
    readonly createdTimeUtc: string;
  };
  readonly incidentWindow: { readonly start: string; readonly end: string };
}

const incidents = (labExpected as unknown as { incidents: LabIncident[] }).incidents;

describe('huntWindow', () => {
  it.each(incidents.map((incident) => [incident.incidentNumber, incident] as const))(
    'derives the lab window of incident %i: first activity - 1 h to last activity + 1 h, in whole seconds',
    (_number, incident) => {
      const window = huntWindow(
        {
          createdTime: incident.activity.createdTimeUtc,
          firstActivityTime: incident.activity.firstActivityTimeUtc,
          lastActivityTime: incident.activity.lastActivityTimeUtc,
        },
        LAB_HUNT_WINDOW,
      );

      expect(window.start).toBe(incident.incidentWindow.start);
      // EXPECTED.md truncates the end to the second; the window widens it to keep the last row.
      expect(Date.parse(window.end) - Date.parse(incident.incidentWindow.end)).toBe(1000);
    },
  );

  it('falls back to the creation time when the incident has no activity times', () => {
    expect(huntWindow({ createdTime: '2026-11-27T16:40:12.998Z' }, LAB_HUNT_WINDOW)).toEqual({
      start: '2026-11-27T15:40:12Z',
      end: '2026-11-27T17:40:13Z',
    });
  });

  it('takes margins already parsed to milliseconds, the lookback also serving after', () => {
    expect(
      huntWindow(
        {
          createdTime: '2026-11-30T12:00:00Z',
          firstActivityTime: '2026-11-30T10:00:00Z',
          lastActivityTime: '2026-11-30T11:00:00Z',
        },
        { lookbackMs: 30 * 60_000 },
      ),
    ).toEqual({ start: '2026-11-30T09:30:00Z', end: '2026-11-30T11:30:00Z' });
  });

  it('keeps the most recent part of a window longer than the maximum', () => {
    expect(
      huntWindow(
        {
          createdTime: '2026-12-02T18:00:00Z',
          firstActivityTime: '2026-11-01T00:00:00Z',
          lastActivityTime: '2026-12-02T17:00:00Z',
        },
        { marginBefore: 'PT1H', marginAfter: 'PT1H', maximum: 'P7D' },
      ),
    ).toEqual({ start: '2026-11-25T18:00:00Z', end: '2026-12-02T18:00:00Z' });
  });

  it.each([
    [
      'a last activity before the first',
      {
        createdTime: '2026-11-30T12:00:00Z',
        firstActivityTime: '2026-11-30T11:00:00Z',
        lastActivityTime: '2026-11-30T10:00:00Z',
      },
      LAB_HUNT_WINDOW,
    ],
    ['an unreadable time', { createdTime: 'soon' }, LAB_HUNT_WINDOW],
    ['a negative margin', { createdTime: '2026-11-30T12:00:00Z' }, { lookbackMs: -1 }],
    ['a month duration', { createdTime: '2026-11-30T12:00:00Z' }, { marginBefore: 'P1M' }],
  ] as const)('refuses %s', (_what, times, settings) => {
    expect(() => huntWindow(times, settings)).toThrow(RangeError);
  });
});

describe('isoDurationMs', () => {
  it.each([
    ['PT1H', 3_600_000],
    ['P1D', 86_400_000],
    ['P2W', 1_209_600_000],
    ['P1DT2H3M4.5S', 93_784_500],
    ['PT0S', 0],
  ])('reads %s as %i ms', (duration, ms) => {
    expect(isoDurationMs(duration)).toBe(ms);
  });

  it.each(['P', 'PT', '1H', 'P1Y', 'PT-1H', ''])('refuses %j', (duration) => {
    expect(() => isoDurationMs(duration)).toThrow(RangeError);
  });
});
