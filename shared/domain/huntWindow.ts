import type { TimeWindow } from './finding';

/** The incident times a window is derived from (the Incident type has them under these names). */
export interface IncidentTimes {
  readonly createdTime: string;
  readonly firstActivityTime?: string;
  readonly lastActivityTime?: string;
}

/**
 * Margins around the incident's activity, as ISO 8601 durations (`PT1H`, `P7D`) or, when the
 * configuration already parsed them, as milliseconds (the `...Ms` twin wins when both are given).
 */
export interface HuntWindowSettings {
  /** How far before the first activity to look (the lookback). Default: none. */
  readonly marginBefore?: string;
  readonly lookbackMs?: number;
  /** How far after the last activity to look (a beacon goes on after the alert). Default: the lookback. */
  readonly marginAfter?: string;
  readonly lookaheadMs?: number;
  /** The longest window a hunt may span; a longer one keeps its most recent part. Default: 14 days. */
  readonly maximum?: string;
  readonly maximumMs?: number;
}

const DEFAULT_MAXIMUM = 'P14D';

/** The lab's convention (EXPECTED.md): first activity - 1 h to last activity + 1 h. */
export const LAB_HUNT_WINDOW: HuntWindowSettings = {
  marginBefore: 'PT1H',
  marginAfter: 'PT1H',
  maximum: DEFAULT_MAXIMUM,
};

/**
 * The hunt window: from the first activity minus the margin to the last activity plus the margin,
 * widened to whole seconds. An incident without activity times (some rules leave them empty) uses
 * its creation time for both. When the span exceeds the maximum, the window keeps its end (the
 * latest activity, where a live beacon is) and moves the start up. It is given to the query once,
 * as its time span (HuntRequest.window).
 */
export function huntWindow(incident: IncidentTimes, settings: HuntWindowSettings): TimeWindow {
  const created = instant(incident.createdTime, 'createdTime');
  const first = incident.firstActivityTime
    ? instant(incident.firstActivityTime, 'firstActivityTime')
    : created;
  const last = incident.lastActivityTime
    ? instant(incident.lastActivityTime, 'lastActivityTime')
    : created;
  if (last < first) {
    throw new RangeError(
      `lastActivityTime ${incident.lastActivityTime} is before firstActivityTime`,
    );
  }
  const before = settings.lookbackMs ?? durationOrZero(settings.marginBefore);
  const after =
    settings.lookaheadMs ?? (settings.marginAfter ? isoDurationMs(settings.marginAfter) : before);
  const maximum = settings.maximumMs ?? isoDurationMs(settings.maximum ?? DEFAULT_MAXIMUM);
  if (before < 0 || after < 0 || !(maximum > 0)) {
    throw new RangeError('hunt window margins must be >= 0 and the maximum > 0');
  }

  const end = Math.ceil((last + after) / 1000) * 1000;
  const start = Math.max(Math.floor((first - before) / 1000) * 1000, end - maximum);
  return { start: isoSeconds(start), end: isoSeconds(end) };
}

const DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * An ISO 8601 duration in milliseconds. Weeks, days, hours, minutes and seconds only: months and
 * years have no fixed length, so they are refused rather than guessed.
 */
export function isoDurationMs(duration: string): number {
  const match = DURATION.exec(duration);
  if (!match || duration === 'P' || duration.endsWith('T')) {
    throw new RangeError(
      `not an ISO 8601 duration of weeks, days, hours, minutes, seconds: ${duration}`,
    );
  }

  const [, weeks, days, hours, minutes, seconds] = match;
  return (
    ((((Number(weeks ?? 0) * 7 + Number(days ?? 0)) * 24 + Number(hours ?? 0)) * 60 +
      Number(minutes ?? 0)) *
      60 +
      Number(seconds ?? 0)) *
    1000
  );
}

function durationOrZero(duration: string | undefined): number {
  return duration === undefined ? 0 : isoDurationMs(duration);
}

function instant(value: string, name: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new RangeError(`${name} is not a time: ${value}`);

  return ms;
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
