import type { TimeWindow } from './finding';
import type { ExclusionCondition, ExclusionScenario } from './exclusionScenario';
import { EXCLUSION_FIELD_COLUMNS } from './exclusionScenario';
import { EXCLUSION_SCENARIOS } from './exclusionScenarios';
import type { EndpointColumns, HuntDefinition, HuntRequest } from './huntDefinition';
import { HUNT_DEFINITIONS, searchedEndpoints } from './huntDefinition';
import { SUMMARY_COLUMNS } from './huntSummary';
import type { Indicator } from './indicator';
import { kqlAddress, kqlPort, kqlString } from './kqlLiteral';

/**
 * A hunt as KQL. Neither query filters on time: the window goes to Log Analytics once, as the
 * query's timespan (`timespan`), because a KQL filter and a time span at the same time silently
 * narrow each other (ARCHITECTURE "Facts").
 */
export interface RenderedHunt {
  /** One row per finding group (columns SUMMARY_COLUMNS), bounded whatever the traffic volume. */
  readonly summaryQuery: string;
  /** The newest raw rows, at most the request's sampleSize, for the evidence. */
  readonly sampleQuery: string;
  /** The window to pass as the query's timespan, and nowhere else. */
  readonly timespan: TimeWindow;
}

export function renderHuntQuery(request: HuntRequest): RenderedHunt {
  if (request.indicators.length === 0) throw new RangeError('a hunt needs at least one indicator');
  if (!Number.isInteger(request.sampleSize) || request.sampleSize < 0) {
    throw new RangeError(`sampleSize must be a whole number >= 0, got ${request.sampleSize}`);
  }

  const definition = HUNT_DEFINITIONS[request.table];
  const endpoints = searchedEndpoints(definition, request.indicators);
  const filter = endpoints
    .map((endpoint) => `${endpoint.address} in~ (IndicatorAddresses)`)
    .join(' or ');
  const exclusion = definition.processColumns
    ? [`| extend ExclusionId = ${renderExclusionCase(EXCLUSION_SCENARIOS)}`]
    : [];

  const summaryQuery = [
    ...indicatorLets(request.indicators),
    definition.table,
    `| where ${filter}`,
    ...endpointExtends(definition, endpoints),
    '| extend IndicatorOnPort = tostring(IndicatorByEndpoint[strcat(HuntRemoteAddress, "#", HuntRemotePort)])',
    '| extend Indicator = iff(isnotempty(IndicatorOnPort), IndicatorOnPort, tostring(IndicatorByAddress[HuntRemoteAddress]))',
    '| extend OnIndicatorPort = isnotempty(IndicatorOnPort)',
    '| extend ServicePort = iff(HuntDirection == "outbound", HuntRemotePort, HuntLocalPort)',
    ...exclusion,
    summarizeClause(definition),
    '| order by Count desc',
  ].join('\n');

  const sampleQuery = [
    `let IndicatorAddresses = ${addressList(request.indicators)};`,
    definition.table,
    `| where ${filter}`,
    ...exclusion,
    `| top ${request.sampleSize} by ${definition.timeColumn} desc`,
    `| project ${[...definition.sampleColumns, ...(definition.processColumns ? ['ExclusionId'] : [])].join(', ')}`,
  ].join('\n');

  return { summaryQuery, sampleQuery, timespan: request.window };
}

/** `case(<S2>, "S2", ..., "")`: the first scenario that matches the row names it, "" for none. */
export function renderExclusionCase(scenarios: readonly ExclusionScenario[]): string {
  const branches = scenarios.map(
    (scenario) => `${renderExclusionCondition(scenario.condition)}, ${kqlString(scenario.id)}`,
  );

  return `case(${[...branches, '""'].join(', ')})`;
}

export function renderExclusionCondition(condition: ExclusionCondition): string {
  switch (condition.op) {
    case 'in~':
      return `${EXCLUSION_FIELD_COLUMNS[condition.field]} in~ (${condition.values.map(kqlString).join(', ')})`;
    case 'contains':
    case 'startswith':
    case 'endswith': {
      const column = EXCLUSION_FIELD_COLUMNS[condition.field];
      const tests = condition.values.map(
        (value) => `${column} ${condition.op} ${kqlString(value)}`,
      );
      return tests.length === 1 ? (tests[0] ?? '') : `(${tests.join(' or ')})`;
    }
    case 'isnotempty':
      return `isnotempty(${EXCLUSION_FIELD_COLUMNS[condition.field]})`;
    case 'and':
      return `(${condition.all.map(renderExclusionCondition).join(' and ')})`;
    case 'or':
      return `(${condition.any.map(renderExclusionCondition).join(' or ')})`;
    case 'not':
      return `not(${renderExclusionCondition(condition.condition)})`;
  }
}

/**
 * The scheduled analytics rule that raises the incident (deployed by Bicep): indicator ip AND
 * port joined against both tables, projecting the columns the rule's entity mapping and custom
 * details use (C2IP, C2Port, HostName, DnsDomain, LocalIP). Modelled on the deployed rule's query
 * as Sentinel reports it in the alert (samples/incidents/malicious.json).
 */
export function renderAnalyticsRuleQuery(indicators: readonly Indicator[]): string {
  if (indicators.length === 0)
    throw new RangeError('the analytics rule needs at least one indicator');

  const rows = indicators.map(
    (indicator) => `    ${kqlAddress(indicator)}, ${kqlPort(indicator.port)}`,
  );
  const branches = [
    [
      '(DeviceNetworkEvents',
      '    | where ActionType in ("ConnectionSuccess", "ConnectionFailed", "ConnectionRequest")',
      '    | join kind=inner DCRatC2 on $left.RemoteIP == $right.C2IP, $left.RemotePort == $right.C2Port',
      '    | project TimeGenerated, C2IP, C2Port, DeviceName, LocalIP, InitiatingProcessFileName, ActionType)',
    ],
    [
      '(CommonSecurityLog',
      '    | join kind=inner DCRatC2 on $left.DestinationIP == $right.C2IP, $left.DestinationPort == $right.C2Port',
      '    | project TimeGenerated, C2IP, C2Port, LocalIP = SourceIP, DeviceVendor, DeviceAction)',
    ],
  ];
  // Palo Alto logs IPv6 flows only in the custom IPv6 columns (see huntDefinition.ts).
  if (indicators.some((indicator) => indicator.family === 'IPv6')) {
    branches.push([
      '(CommonSecurityLog',
      '    | join kind=inner DCRatC2 on $left.DeviceCustomIPv6Address3 == $right.C2IP, $left.DestinationPort == $right.C2Port',
      '    | project TimeGenerated, C2IP, C2Port, LocalIP = DeviceCustomIPv6Address2, DeviceVendor, DeviceAction)',
    ]);
  }

  return [
    'let DCRatC2 = datatable(C2IP:string, C2Port:int)[',
    rows.join(',\n'),
    '];',
    'union',
    branches.map((branch) => branch.join('\n')).join(',\n'),
    '| extend HostName = tostring(split(DeviceName, ".")[0]), DnsDomain = strcat_array(array_slice(split(DeviceName, "."), 1, -1), ".")',
  ].join('\n');
}

function addressList(indicators: readonly Indicator[]): string {
  const unique = [...new Set(indicators.map(kqlAddress))];

  return `dynamic([${unique.join(', ')}])`;
}

/**
 * Lookups from the row's address (and port) to the indicator key. A row on one of the
 * indicator's ports belongs to that indicator; a row on another port of the same address belongs
 * to the first indicator with that address, marked off-port.
 */
function indicatorLets(indicators: readonly Indicator[]): string[] {
  const byEndpoint = new Map<string, string>();
  const byAddress = new Map<string, string>();
  for (const indicator of indicators) {
    const address = kqlAddress(indicator).slice(1, -1);
    const endpoint = `${address}#${kqlPort(indicator.port)}`;
    if (!byEndpoint.has(endpoint)) byEndpoint.set(endpoint, indicator.key);
    if (!byAddress.has(address)) byAddress.set(address, indicator.key);
  }
  const bag = (map: Map<string, string>): string =>
    `dynamic({${[...map].map(([key, value]) => `${kqlString(key)}: ${kqlString(value)}`).join(', ')}})`;

  return [
    `let IndicatorAddresses = ${addressList(indicators)};`,
    `let IndicatorByEndpoint = ${bag(byEndpoint)};`,
    `let IndicatorByAddress = ${bag(byAddress)};`,
  ];
}

/** Which endpoint column set holds the indicator, then that set's columns under uniform names. */
function endpointExtends(
  definition: HuntDefinition,
  endpoints: readonly EndpointColumns[],
): string[] {
  const pick = (column: (endpoint: EndpointColumns) => string): string => {
    if (endpoints.length === 1) return column(endpoints[0] as EndpointColumns);
    const branches = endpoints
      .slice(0, -1)
      .map((endpoint, index) => `HuntSide == ${index}, ${column(endpoint)}`);
    return `case(${[...branches, column(endpoints[endpoints.length - 1] as EndpointColumns)].join(', ')})`;
  };
  const side =
    endpoints.length === 1
      ? []
      : [
          `| extend HuntSide = case(${endpoints
            .map((endpoint, index) => `${endpoint.address} in~ (IndicatorAddresses), ${index}`)
            .join(', ')}, -1)`,
        ];
  const sideDirection = pick((endpoint) => kqlString(endpoint.direction));
  const direction =
    definition.inboundActions.length === 0
      ? sideDirection
      : `iff(${definition.actionColumn} in~ (${definition.inboundActions.map(kqlString).join(', ')}), "inbound", ${sideDirection})`;

  return [
    ...side,
    `| extend HuntRemoteAddress = tolower(${pick((endpoint) => endpoint.address)}), HuntRemotePort = ${pick((endpoint) => endpoint.port)}`,
    `| extend HuntLocalAddress = ${pick((endpoint) => endpoint.localAddress)}, HuntLocalPort = ${pick((endpoint) => endpoint.localPort)}`,
    `| extend HuntDirection = ${direction}`,
  ];
}

function summarizeClause(definition: HuntDefinition): string {
  const process = definition.processColumns;
  const aggregates = [
    `${SUMMARY_COLUMNS.count} = count()`,
    `${SUMMARY_COLUMNS.firstSeen} = min(${definition.timeColumn})`,
    `${SUMMARY_COLUMNS.lastSeen} = max(${definition.timeColumn})`,
    // The exclusions already ran per row, so one representative command line is enough and the
    // grouping need not split on every distinct command line.
    ...(process ? [`${SUMMARY_COLUMNS.commandLine} = take_any(${process.commandLine})`] : []),
  ];
  const keys = [
    SUMMARY_COLUMNS.indicator,
    SUMMARY_COLUMNS.onIndicatorPort,
    `${SUMMARY_COLUMNS.device} = ${definition.deviceColumn}`,
    ...(definition.deviceIdColumn
      ? [`${SUMMARY_COLUMNS.deviceId} = ${definition.deviceIdColumn}`]
      : []),
    ...(definition.vendorColumn ? [`${SUMMARY_COLUMNS.vendor} = ${definition.vendorColumn}`] : []),
    `${SUMMARY_COLUMNS.action} = ${definition.actionColumn}`,
    `${SUMMARY_COLUMNS.direction} = HuntDirection`,
    `${SUMMARY_COLUMNS.remoteAddress} = HuntRemoteAddress`,
    SUMMARY_COLUMNS.servicePort,
    `${SUMMARY_COLUMNS.localAddress} = HuntLocalAddress`,
    ...(process
      ? [
          `${SUMMARY_COLUMNS.processFileName} = ${process.fileName}`,
          `${SUMMARY_COLUMNS.processFolderPath} = ${process.folderPath}`,
          `${SUMMARY_COLUMNS.processParentFileName} = ${process.parentFileName}`,
          `${SUMMARY_COLUMNS.processAccountName} = ${process.accountName}`,
          `${SUMMARY_COLUMNS.processSha256} = ${process.sha256}`,
          SUMMARY_COLUMNS.exclusionId,
        ]
      : []),
  ];

  return `| summarize ${aggregates.join(', ')} by ${keys.join(', ')}`;
}
