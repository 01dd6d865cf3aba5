import type { Finding, HuntTable, ProcessContext } from './finding';
import { firewallAllowed } from './firewallAction';

/**
 * The columns of a hunt's summary: one row per device, process, exclusion, remote endpoint and
 * action. The rendered KQL produces exactly these (kqlRenderer.ts) and the in-process evaluator
 * builds the same rows (huntEvaluator.ts); both become findings through findingFromSummaryRow.
 */
export const SUMMARY_COLUMNS = {
  indicator: 'Indicator',
  onIndicatorPort: 'OnIndicatorPort',
  device: 'Device',
  deviceId: 'DeviceId',
  vendor: 'Vendor',
  action: 'Action',
  direction: 'Direction',
  remoteAddress: 'RemoteAddress',
  /** The session's destination port: the indicator's side when outbound, ours when inbound. */
  servicePort: 'ServicePort',
  localAddress: 'LocalAddress',
  processFileName: 'ProcessFileName',
  processFolderPath: 'ProcessFolderPath',
  processParentFileName: 'ProcessParentFileName',
  processAccountName: 'ProcessAccountName',
  processSha256: 'ProcessSHA256',
  exclusionId: 'ExclusionId',
  count: 'Count',
  firstSeen: 'FirstSeen',
  lastSeen: 'LastSeen',
  commandLine: 'CommandLine',
} as const;

/** One summary row, typed (the Azure adapter validates the query result into this shape). */
export interface HuntSummaryRow {
  readonly Indicator: string;
  readonly OnIndicatorPort: boolean;
  readonly Device: string;
  readonly DeviceId?: string;
  readonly Vendor?: string;
  readonly Action: string;
  readonly Direction: 'outbound' | 'inbound';
  readonly RemoteAddress: string;
  readonly ServicePort?: number;
  readonly LocalAddress?: string;
  readonly ProcessFileName?: string;
  readonly ProcessFolderPath?: string;
  readonly ProcessParentFileName?: string;
  readonly ProcessAccountName?: string;
  readonly ProcessSHA256?: string;
  readonly ExclusionId?: string;
  readonly Count: number;
  readonly FirstSeen: string;
  readonly LastSeen: string;
  readonly CommandLine?: string;
}

export function findingFromSummaryRow(table: HuntTable, row: HuntSummaryRow): Finding {
  const outbound = row.Direction === 'outbound';
  const process = processContext(row);

  return {
    table,
    indicator: row.Indicator,
    onIndicatorPort: row.OnIndicatorPort,
    device: row.Device,
    ...(nonEmpty(row.DeviceId) ? { deviceId: row.DeviceId } : {}),
    ...(nonEmpty(row.Vendor) ? { vendor: row.Vendor } : {}),
    ...(nonEmpty(row.LocalAddress) ? { localAddress: row.LocalAddress } : {}),
    remoteAddress: row.RemoteAddress,
    ...(row.ServicePort !== undefined
      ? { [outbound ? 'remotePort' : 'localPort']: row.ServicePort }
      : {}),
    direction: row.Direction,
    action: row.Action,
    ...(table === 'CommonSecurityLog' ? allowedOf(row.Action) : {}),
    ...(process ? { process } : {}),
    count: row.Count,
    firstSeen: row.FirstSeen,
    lastSeen: row.LastSeen,
    ...(nonEmpty(row.ExclusionId) ? { exclusionId: row.ExclusionId } : {}),
  };
}

function allowedOf(action: string): { allowed?: boolean } {
  const allowed = firewallAllowed(action);

  return allowed === undefined ? {} : { allowed };
}

/** Network-inspection rows carry no process at all; then there is no context to judge. */
function processContext(row: HuntSummaryRow): ProcessContext | undefined {
  if (!nonEmpty(row.ProcessFileName) && !nonEmpty(row.ProcessFolderPath)) return undefined;

  return {
    fileName: row.ProcessFileName ?? '',
    ...(nonEmpty(row.ProcessFolderPath) ? { folderPath: row.ProcessFolderPath } : {}),
    ...(nonEmpty(row.CommandLine) ? { commandLine: row.CommandLine } : {}),
    ...(nonEmpty(row.ProcessParentFileName) ? { parentFileName: row.ProcessParentFileName } : {}),
    ...(nonEmpty(row.ProcessAccountName) ? { accountName: row.ProcessAccountName } : {}),
    ...(nonEmpty(row.ProcessSHA256) ? { sha256: row.ProcessSHA256 } : {}),
  };
}

function nonEmpty(value: string | undefined): value is string {
  return value !== undefined && value.length > 0;
}
