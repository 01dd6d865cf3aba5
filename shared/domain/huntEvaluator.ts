import type { EvidenceRow, HuntResult } from './finding';
import { createExclusionMatcher } from './exclusionScenario';
import { EXCLUSION_SCENARIOS } from './exclusionScenarios';
import type { EndpointColumns, HuntRequest } from './huntDefinition';
import { HUNT_DEFINITIONS, searchedEndpoints } from './huntDefinition';
import type { HuntSummaryRow } from './huntSummary';
import { findingFromSummaryRow } from './huntSummary';
import { logTimeMs } from './logTime';

/**
 * One exported log row: CSV cells are strings ('' is null or empty), JSON rows may carry numbers,
 * booleans and null.
 */
export type LogRow = Readonly<Record<string, unknown>>;

/** Takes a hunt's rows one at a time; memory grows with the number of finding groups, not rows. */
export interface HuntAccumulator {
  add(row: LogRow): void;
  result(): HuntResult;
}

interface Group {
  row: {
    -readonly [K in keyof HuntSummaryRow]: HuntSummaryRow[K];
  };
  firstMs: number;
  lastMs: number;
}

interface SampleEntry {
  readonly timeMs: number;
  readonly row: EvidenceRow;
}

/**
 * The in-process twin of the rendered summary query: the same definition, the same indicator
 * lookups, the same exclusion scenarios per row before grouping, the same group key. The window
 * filters rows here (start inclusive, end exclusive) because a local file has no query time span;
 * a row whose time cannot be read is outside every window.
 */
export function createHuntAccumulator(request: HuntRequest): HuntAccumulator {
  const definition = HUNT_DEFINITIONS[request.table];
  const endpoints = searchedEndpoints(definition, request.indicators);
  const startMs = Date.parse(request.window.start);
  const endMs = Date.parse(request.window.end);
  if (Number.isNaN(startMs) || Number.isNaN(endMs)) {
    throw new RangeError(`unreadable hunt window ${request.window.start} - ${request.window.end}`);
  }

  const byAddress = new Map<string, { key: string; ports: Map<number, string> }>();
  for (const indicator of request.indicators) {
    const address = indicator.address.toLowerCase();
    const entry = byAddress.get(address) ?? {
      key: indicator.key,
      ports: new Map<number, string>(),
    };
    if (!entry.ports.has(indicator.port)) entry.ports.set(indicator.port, indicator.key);
    byAddress.set(address, entry);
  }
  const inboundActions = new Set(definition.inboundActions.map((action) => action.toLowerCase()));
  const matcher = definition.processColumns
    ? createExclusionMatcher(EXCLUSION_SCENARIOS)
    : undefined;
  const process = definition.processColumns;
  const groups = new Map<string, Group>();
  const sample: SampleEntry[] = [];
  let rowCount = 0;

  function keep(timeMs: number, row: LogRow, exclusionId: string | undefined): void {
    if (request.sampleSize === 0) return;
    const evidence: Record<string, string | number | boolean | null> = {};
    for (const column of definition.sampleColumns) evidence[column] = evidenceValue(row[column]);
    if (exclusionId !== undefined) evidence.ExclusionId = exclusionId;
    if (sample.length < request.sampleSize) {
      sample.push({ timeMs, row: evidence });
      return;
    }
    // Keep the newest rows, as the sample query's `top ... by TimeGenerated desc` does.
    let oldest = 0;
    for (let index = 1; index < sample.length; index += 1) {
      if ((sample[index] as SampleEntry).timeMs < (sample[oldest] as SampleEntry).timeMs)
        oldest = index;
    }
    if ((sample[oldest] as SampleEntry).timeMs < timeMs) sample[oldest] = { timeMs, row: evidence };
  }

  return {
    add(row) {
      // The address test first: it is one map lookup, and almost no row of an export is a hit.
      const hit = findEndpoint(row, endpoints, byAddress);
      if (!hit) return;
      const timeMs = logTimeMs(row[definition.timeColumn] ?? row[`${definition.timeColumn} [UTC]`]);
      if (timeMs === undefined || timeMs < startMs || timeMs >= endMs) return;

      const remotePort = portOf(row[hit.endpoint.port]);
      const onPortKey = remotePort === undefined ? undefined : hit.indicator.ports.get(remotePort);
      const action = text(row[definition.actionColumn]);
      const direction = inboundActions.has(action.toLowerCase())
        ? 'inbound'
        : hit.endpoint.direction;
      const servicePort =
        direction === 'outbound' ? remotePort : portOf(row[hit.endpoint.localPort]);
      const exclusionId = matcher
        ? (matcher.match({
            fileName: text(row.InitiatingProcessFileName),
            folderPath: text(row.InitiatingProcessFolderPath),
            commandLine: text(row.InitiatingProcessCommandLine),
            parentFileName: text(row.InitiatingProcessParentFileName),
          })?.id ?? '')
        : undefined;
      const summary: Group['row'] = {
        Indicator: onPortKey ?? hit.indicator.key,
        OnIndicatorPort: onPortKey !== undefined,
        Device: text(row[definition.deviceColumn]),
        ...(definition.deviceIdColumn ? { DeviceId: text(row[definition.deviceIdColumn]) } : {}),
        ...(definition.vendorColumn ? { Vendor: text(row[definition.vendorColumn]) } : {}),
        Action: action,
        Direction: direction,
        RemoteAddress: hit.address,
        ...(servicePort !== undefined ? { ServicePort: servicePort } : {}),
        LocalAddress: text(row[hit.endpoint.localAddress]),
        ...(process
          ? {
              ProcessFileName: text(row[process.fileName]),
              ProcessFolderPath: text(row[process.folderPath]),
              ProcessParentFileName: text(row[process.parentFileName]),
              ProcessAccountName: text(row[process.accountName]),
              ProcessSHA256: text(row[process.sha256]),
              ExclusionId: exclusionId ?? '',
              CommandLine: text(row[process.commandLine]),
            }
          : {}),
        Count: 0,
        FirstSeen: '',
        LastSeen: '',
      };
      const key = groupKey(summary);
      const timeText = text(row[definition.timeColumn] ?? row[`${definition.timeColumn} [UTC]`]);
      const group = groups.get(key) ?? { row: summary, firstMs: timeMs, lastMs: timeMs };
      if (group.row.Count === 0 || timeMs < group.firstMs) {
        group.firstMs = timeMs;
        group.row.FirstSeen = timeText;
      }
      if (group.row.Count === 0 || timeMs > group.lastMs) {
        group.lastMs = timeMs;
        group.row.LastSeen = timeText;
      }
      group.row.Count += 1;
      groups.set(key, group);
      rowCount += 1;
      keep(timeMs, row, exclusionId);
    },

    result() {
      const findings = [...groups.values()]
        .sort((a, b) => b.row.Count - a.row.Count || a.firstMs - b.firstMs)
        .map((group) => findingFromSummaryRow(request.table, group.row));
      const newestFirst = [...sample].sort((a, b) => b.timeMs - a.timeMs).map((entry) => entry.row);

      return {
        table: request.table,
        outcome: { status: 'complete', rowCount },
        findings,
        sample: newestFirst,
        window: request.window,
      };
    },
  };
}

interface EndpointHit {
  readonly endpoint: EndpointColumns;
  readonly address: string;
  readonly indicator: { readonly key: string; readonly ports: Map<number, string> };
}

/** The first endpoint column set whose address is an indicator's, compared as `in~` does. */
function findEndpoint(
  row: LogRow,
  endpoints: readonly EndpointColumns[],
  byAddress: ReadonlyMap<string, { key: string; ports: Map<number, string> }>,
): EndpointHit | undefined {
  for (const endpoint of endpoints) {
    const value = row[endpoint.address];
    if (typeof value !== 'string' || value.length === 0) continue;
    // Only IPv6 text has letters; `in~` compares it without case.
    const address = value.includes(':') ? value.toLowerCase() : value;
    const indicator = byAddress.get(address);
    if (indicator) return { endpoint, address, indicator };
  }

  return undefined;
}

/** The group key: every summarise-by column, in the rendered query's order. */
function groupKey(row: HuntSummaryRow): string {
  return [
    row.Indicator,
    row.OnIndicatorPort ? '1' : '0',
    row.Device,
    row.DeviceId ?? '',
    row.Vendor ?? '',
    row.Action,
    row.Direction,
    row.RemoteAddress,
    row.ServicePort ?? '',
    row.LocalAddress ?? '',
    row.ProcessFileName ?? '',
    row.ProcessFolderPath ?? '',
    row.ProcessParentFileName ?? '',
    row.ProcessAccountName ?? '',
    row.ProcessSHA256 ?? '',
    row.ExclusionId ?? '',
  ].join('\u0000');
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);

  return String(value);
}

/** A port cell: a number, or a string of digits as CSV exports carry it. */
function portOf(value: unknown): number | undefined {
  const port =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d{1,5}$/.test(value)
        ? Number(value)
        : NaN;

  return Number.isInteger(port) ? port : undefined;
}

function evidenceValue(value: unknown): string | number | boolean | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;

  return text(value);
}
