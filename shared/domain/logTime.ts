/**
 * Reads a log row's time as epoch milliseconds. Log Analytics exports ISO 8601 UTC
 * (`2026-11-30T09:14:07.4411235Z`, seven fraction digits); the portal's export writes
 * `3/31/2022, 10:52:35.857 AM`, also UTC (reference commonsecuritylog_fortinet_fortigate.json).
 * Anything else is unreadable: undefined, never a guess.
 */
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})?$/;
const PORTAL = /^(\d{1,2})\/(\d{1,2})\/(\d{4}),? (\d{1,2}):(\d{2}):(\d{2})(?:\.(\d+))? ([AP]M)$/i;

export function logTimeMs(value: unknown): number | undefined {
  if (value instanceof Date) return finite(value.getTime());
  if (typeof value !== 'string') return undefined;

  const trimmed = value.trim();
  const iso = ISO.exec(trimmed);
  if (iso) {
    const [, year, month, day, hour, minute, second, fraction, zone] = iso;
    const ms = Date.UTC(
      Number(year),
      Number(month) - 1,
      Number(day),
      Number(hour),
      Number(minute),
      Number(second ?? 0),
      fractionMs(fraction),
    );
    return finite(ms - zoneOffsetMs(zone));
  }
  const portal = PORTAL.exec(trimmed);
  if (portal) {
    const [, month, day, year, hour, minute, second, fraction, half] = portal;
    const hour12 = Number(hour) % 12;
    const ms = Date.UTC(
      Number(year),
      Number(month) - 1,
      Number(day),
      half?.toUpperCase() === 'PM' ? hour12 + 12 : hour12,
      Number(minute),
      Number(second),
      fractionMs(fraction),
    );
    return finite(ms);
  }

  return undefined;
}

function fractionMs(fraction: string | undefined): number {
  return fraction ? Math.floor(Number(`0.${fraction}`) * 1000) : 0;
}

function zoneOffsetMs(zone: string | undefined): number {
  if (!zone || zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');

  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
}

function finite(ms: number): number | undefined {
  return Number.isFinite(ms) ? ms : undefined;
}
