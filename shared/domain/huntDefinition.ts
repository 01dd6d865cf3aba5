import type { HuntTable, TimeWindow } from './finding';
import type { Indicator } from './indicator';

/** One hunt to run: which table, for which indicators, over which window. */
export interface HuntRequest {
  readonly table: HuntTable;
  readonly indicators: readonly Indicator[];
  /**
   * Given to the query once: as the query's time span (Azure) or as the row filter (local). The
   * rendered KQL never filters on time itself (ARCHITECTURE "Facts": not both at once).
   */
  readonly window: TimeWindow;
  /** How many raw rows to keep as evidence. */
  readonly sampleSize: number;
}

/**
 * Where an indicator can sit in a row and what that says about the session. A table may have
 * several (firewalls log the indicator as destination or as source, IPv4 or IPv6 columns); the
 * first one whose address column holds an indicator wins.
 */
export interface EndpointColumns {
  readonly address: string;
  readonly port: string;
  readonly localAddress: string;
  readonly localPort: string;
  readonly direction: 'outbound' | 'inbound';
  /** Columns that only ever hold IPv6 addresses are only searched for IPv6 indicators. */
  readonly family: 'any' | 'IPv6';
}

/** The process columns the exclusion scenarios read (DeviceNetworkEvents only). */
export interface ProcessColumns {
  readonly fileName: 'InitiatingProcessFileName';
  readonly folderPath: 'InitiatingProcessFolderPath';
  readonly commandLine: 'InitiatingProcessCommandLine';
  readonly parentFileName: 'InitiatingProcessParentFileName';
  readonly accountName: 'InitiatingProcessAccountName';
  readonly sha256: 'InitiatingProcessSHA256';
}

/**
 * A hunt of the detection write-up as data. The KQL renderer and the in-process evaluator both
 * read it, so the server-side and the local hunt cannot drift apart.
 */
export interface HuntDefinition {
  readonly table: HuntTable;
  /** The column the query's time span applies to (Log Analytics filters on TimeGenerated). */
  readonly timeColumn: 'TimeGenerated';
  readonly endpoints: readonly EndpointColumns[];
  /** The reporting device: the endpoint (Defender) or the firewall (CommonSecurityLog). */
  readonly deviceColumn: string;
  readonly deviceIdColumn?: string;
  readonly vendorColumn?: string;
  readonly actionColumn: string;
  /** Actions that turn the session around: the indicator connected to us. */
  readonly inboundActions: readonly string[];
  readonly processColumns?: ProcessColumns;
  /** The write-up's projected columns plus those the exclusions need: the evidence sample. */
  readonly sampleColumns: readonly string[];
}

const DEFENDER_PROCESS_COLUMNS: ProcessColumns = {
  fileName: 'InitiatingProcessFileName',
  folderPath: 'InitiatingProcessFolderPath',
  commandLine: 'InitiatingProcessCommandLine',
  parentFileName: 'InitiatingProcessParentFileName',
  accountName: 'InitiatingProcessAccountName',
  sha256: 'InitiatingProcessSHA256',
};

/** Write-up hunt 1: the indicator as destination or source of a firewall or proxy session. */
export const COMMON_SECURITY_LOG_HUNT: HuntDefinition = {
  table: 'CommonSecurityLog',
  timeColumn: 'TimeGenerated',
  // Palo Alto logs IPv6 flows in DeviceCustomIPv6Address2 (source) and ...3 (destination) and
  // leaves SourceIP/DestinationIP empty (reference commonsecuritylog_paloalto_cdl_traffic.csv).
  endpoints: [
    {
      address: 'DestinationIP',
      port: 'DestinationPort',
      localAddress: 'SourceIP',
      localPort: 'SourcePort',
      direction: 'outbound',
      family: 'any',
    },
    {
      address: 'DeviceCustomIPv6Address3',
      port: 'DestinationPort',
      localAddress: 'DeviceCustomIPv6Address2',
      localPort: 'SourcePort',
      direction: 'outbound',
      family: 'IPv6',
    },
    {
      address: 'SourceIP',
      port: 'SourcePort',
      localAddress: 'DestinationIP',
      localPort: 'DestinationPort',
      direction: 'inbound',
      family: 'any',
    },
    {
      address: 'DeviceCustomIPv6Address2',
      port: 'SourcePort',
      localAddress: 'DeviceCustomIPv6Address3',
      localPort: 'DestinationPort',
      direction: 'inbound',
      family: 'IPv6',
    },
  ],
  deviceColumn: 'DeviceName',
  vendorColumn: 'DeviceVendor',
  actionColumn: 'DeviceAction',
  inboundActions: [],
  sampleColumns: [
    'TimeGenerated',
    'DeviceVendor',
    'DeviceName',
    'SourceIP',
    'SourcePort',
    'DestinationIP',
    'DestinationPort',
    'DeviceCustomIPv6Address2',
    'DeviceCustomIPv6Address3',
    'Protocol',
    'DeviceAction',
    'Activity',
  ],
};

/** Write-up hunt 2: the indicator as remote address of an endpoint's connection, with process context. */
export const DEVICE_NETWORK_EVENTS_HUNT: HuntDefinition = {
  table: 'DeviceNetworkEvents',
  timeColumn: 'TimeGenerated',
  endpoints: [
    {
      address: 'RemoteIP',
      port: 'RemotePort',
      localAddress: 'LocalIP',
      localPort: 'LocalPort',
      direction: 'outbound',
      family: 'any',
    },
  ],
  deviceColumn: 'DeviceName',
  deviceIdColumn: 'DeviceId',
  actionColumn: 'ActionType',
  inboundActions: ['InboundConnectionAccepted'],
  processColumns: DEFENDER_PROCESS_COLUMNS,
  sampleColumns: [
    'Timestamp',
    'DeviceName',
    'DeviceId',
    'RemoteIP',
    'RemotePort',
    'LocalIP',
    'LocalPort',
    'ActionType',
    'InitiatingProcessFileName',
    'InitiatingProcessFolderPath',
    'InitiatingProcessCommandLine',
    'InitiatingProcessParentFileName',
    'InitiatingProcessAccountName',
    'InitiatingProcessSHA256',
  ],
};

export const HUNT_DEFINITIONS: Readonly<Record<HuntTable, HuntDefinition>> = {
  CommonSecurityLog: COMMON_SECURITY_LOG_HUNT,
  DeviceNetworkEvents: DEVICE_NETWORK_EVENTS_HUNT,
};

/** The endpoint column sets worth searching for these indicators (IPv6-only columns need an IPv6 indicator). */
export function searchedEndpoints(
  definition: HuntDefinition,
  indicators: readonly Indicator[],
): readonly EndpointColumns[] {
  const anyIpv6 = indicators.some((indicator) => indicator.family === 'IPv6');

  return definition.endpoints.filter((endpoint) => endpoint.family === 'any' || anyIpv6);
}
