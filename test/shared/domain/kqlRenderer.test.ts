import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parse } from 'csv-parse/sync';

import { createExclusionMatcher } from '../../../shared/domain/exclusionScenario';
import { EXCLUSION_SCENARIOS } from '../../../shared/domain/exclusionScenarios';
import type { HuntTable } from '../../../shared/domain/finding';
import type { HuntRequest } from '../../../shared/domain/huntDefinition';
import { HUNT_DEFINITIONS } from '../../../shared/domain/huntDefinition';
import type { Indicator } from '../../../shared/domain/indicator';
import { kqlString } from '../../../shared/domain/kqlLiteral';
import {
  renderAnalyticsRuleQuery,
  renderExclusionCase,
  renderHuntQuery,
} from '../../../shared/domain/kqlRenderer';
import { EXCLUSION_EDGE_CASES } from '../../fixtures/exclusionEdgeCases';
import type { KqlRow } from '../../support/kusto';
import {
  compileCaseExpression,
  kqlDiagnostics,
  kqlResultColumns,
  tableColumns,
} from '../../support/kusto';

// All KQL checks live in this one file: the parser's first analysis costs about a second.

const ROOT = join(__dirname, '../../..');
const LAB: readonly Indicator[] = [
  { address: '178.16.52.203', port: 1889, family: 'IPv4', key: '178.16.52.203:1889' },
  { address: '154.18.238.18', port: 8848, family: 'IPv4', key: '154.18.238.18:8848' },
  { address: '104.194.157.45', port: 7001, family: 'IPv4', key: '104.194.157.45:7001' },
];
const IPV6: Indicator = {
  address: '2001:db8::1f',
  port: 443,
  family: 'IPv6',
  key: '[2001:db8::1f]:443',
};
const WINDOW = { start: '2026-11-30T08:14:07Z', end: '2026-11-30T10:58:22Z' };
const TABLES: readonly HuntTable[] = ['DeviceNetworkEvents', 'CommonSecurityLog'];

function request(table: HuntTable, indicators: readonly Indicator[]): HuntRequest {
  return { table, indicators, window: WINDOW, sampleSize: 20 };
}

describe('renderHuntQuery', () => {
  it.each(
    TABLES.flatMap((table) => [
      [table, 'the lab indicators', LAB] as const,
      [table, 'an IPv6 indicator beside IPv4 ones', [...LAB, IPV6]] as const,
    ]),
  )('renders %s queries for %s that the Kusto analyzer accepts', (table, _what, indicators) => {
    const rendered = renderHuntQuery(request(table, indicators));

    expect(kqlDiagnostics(rendered.summaryQuery)).toEqual([]);
    expect(kqlDiagnostics(rendered.sampleQuery)).toEqual([]);
  });

  it('catches an unknown column: the schema check is real', () => {
    const rendered = renderHuntQuery(request('DeviceNetworkEvents', LAB));
    const broken = rendered.summaryQuery.replace(
      'InitiatingProcessParentFileName',
      'InitiatingProcessParentName',
    );

    expect(broken).not.toBe(rendered.summaryQuery);
    expect(kqlDiagnostics(broken).join('\n')).toContain('InitiatingProcessParentName');
  });

  it('puts no time filter in the KQL and hands the window over as the timespan', () => {
    for (const table of TABLES) {
      const rendered = renderHuntQuery(request(table, LAB));
      for (const query of [rendered.summaryQuery, rendered.sampleQuery]) {
        expect(query).not.toMatch(/ago\(|between|TimeGenerated\s*[<>]|Timestamp\s*[<>]|datetime\(/);
      }
      expect(rendered.timespan).toEqual(WINDOW);
    }
  });

  it('keeps the write-up projection plus the columns the exclusions need, all real columns', () => {
    const defender = HUNT_DEFINITIONS.DeviceNetworkEvents.sampleColumns;
    const firewall = HUNT_DEFINITIONS.CommonSecurityLog.sampleColumns;

    expect(defender).toEqual(
      expect.arrayContaining([
        'Timestamp',
        'DeviceName',
        'RemoteIP',
        'RemotePort',
        'InitiatingProcessFileName',
        'ActionType',
        'InitiatingProcessCommandLine',
        'InitiatingProcessFolderPath',
        'InitiatingProcessParentFileName',
        'InitiatingProcessAccountName',
        'InitiatingProcessSHA256',
        'DeviceId',
      ]),
    );
    expect(firewall).toEqual(
      expect.arrayContaining([
        'TimeGenerated',
        'SourceIP',
        'DestinationIP',
        'DestinationPort',
        'DeviceAction',
        'Activity',
      ]),
    );
    const defenderColumns = tableColumns('DeviceNetworkEvents');
    const firewallColumns = tableColumns('CommonSecurityLog');
    expect(defender.filter((column) => !defenderColumns.has(column))).toEqual([]);
    expect(firewall.filter((column) => !firewallColumns.has(column))).toEqual([]);
  });

  it('summarises server side per device, process, exclusion, endpoint and action', () => {
    const { summaryQuery } = renderHuntQuery(request('DeviceNetworkEvents', LAB));
    const summarize = summaryQuery.split('\n').find((line) => line.startsWith('| summarize')) ?? '';

    expect(summarize).toContain(
      'Count = count(), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated), CommandLine = take_any(InitiatingProcessCommandLine) by',
    );
    expect(summarize).not.toMatch(/by .*InitiatingProcessCommandLine/);
    expect(summaryQuery.indexOf('extend ExclusionId')).toBeLessThan(
      summaryQuery.indexOf('summarize'),
    );
  });

  it('returns exactly the summary columns the findings are built from, with their types', () => {
    const shared = {
      Indicator: 'string',
      OnIndicatorPort: 'bool',
      Device: 'string',
      Action: 'string',
      Direction: 'string',
      RemoteAddress: 'string',
      ServicePort: 'int',
      LocalAddress: 'string',
      Count: 'long',
      FirstSeen: 'datetime',
      LastSeen: 'datetime',
    };

    expect(
      kqlResultColumns(renderHuntQuery(request('DeviceNetworkEvents', LAB)).summaryQuery),
    ).toEqual({
      ...shared,
      DeviceId: 'string',
      ProcessFileName: 'string',
      ProcessFolderPath: 'string',
      ProcessParentFileName: 'string',
      ProcessAccountName: 'string',
      ProcessSHA256: 'string',
      ExclusionId: 'string',
      CommandLine: 'string',
    });
    expect(
      kqlResultColumns(renderHuntQuery(request('CommonSecurityLog', [IPV6])).summaryQuery),
    ).toEqual({
      ...shared,
      Vendor: 'string',
    });
  });

  it('returns the sample columns, with the exclusion for Defender rows', () => {
    const defender = kqlResultColumns(
      renderHuntQuery(request('DeviceNetworkEvents', LAB)).sampleQuery,
    );
    const firewall = kqlResultColumns(
      renderHuntQuery(request('CommonSecurityLog', LAB)).sampleQuery,
    );

    expect(Object.keys(defender)).toEqual([
      ...HUNT_DEFINITIONS.DeviceNetworkEvents.sampleColumns,
      'ExclusionId',
    ]);
    expect(Object.keys(firewall)).toEqual([...HUNT_DEFINITIONS.CommonSecurityLog.sampleColumns]);
  });

  it('searches the Palo Alto IPv6 columns only when an indicator is IPv6', () => {
    const v4 = renderHuntQuery(request('CommonSecurityLog', LAB)).summaryQuery;
    const v6 = renderHuntQuery(request('CommonSecurityLog', [IPV6])).summaryQuery;

    expect(v4).not.toContain('DeviceCustomIPv6Address3');
    expect(v6).toContain('DeviceCustomIPv6Address3 in~ (IndicatorAddresses)');
    expect(v6).toContain('"2001:db8::1f#443": "[2001:db8::1f]:443"');
  });

  it.each([
    ['a quote', '1.2.3.4" or 1==1 or "'],
    ['a leading-zero octet', '010.1.2.3'],
    ['an upper-case IPv6 address', '2001:DB8::1'],
    ['an address with a port', '1.2.3.4:80'],
    ['two double colons', '2001::db8::1'],
  ])('refuses an indicator whose address holds %s', (_what, address) => {
    const family = address.includes(':') && !address.includes('.') ? 'IPv6' : 'IPv4';
    const bad: Indicator = { address, port: 80, family, key: `${address}:80` };

    expect(() => renderHuntQuery(request('CommonSecurityLog', [bad]))).toThrow(RangeError);
  });

  it('refuses a hunt without indicators', () => {
    expect(() => renderHuntQuery(request('DeviceNetworkEvents', []))).toThrow(RangeError);
  });
});

describe('kqlString', () => {
  it.each([
    'plain',
    'c:\\windows\\system32\\svchost.exe',
    'say "hi"',
    'tab\tnew\nline\rreturn',
    '\\"',
    'ünïcödé ✓',
  ])('renders %j as a literal Kusto reads back unchanged', (value) => {
    const read = compileCaseExpression(`case(isnotempty("x"), ${kqlString(value)}, "")`);

    expect(read({})).toBe(value);
  });

  it('refuses control characters', () => {
    expect(() => kqlString('a\u0000b')).toThrow(RangeError);
  });
});

describe('renderAnalyticsRuleQuery', () => {
  it('renders the rule query deployed for the lab, as Sentinel reports it in the alert', () => {
    const trigger = JSON.parse(
      readFileSync(join(ROOT, 'samples/incidents/malicious.json'), 'utf8'),
    ) as {
      object: { properties: { alerts: { properties: { additionalData: { Query: string } } }[] } };
    };
    const deployed = trigger.object.properties.alerts[0]?.properties.additionalData.Query;

    expect(renderAnalyticsRuleQuery(LAB)).toBe(deployed);
  });

  it.each([
    ['the lab indicators', LAB],
    ['an IPv6 indicator', [...LAB, IPV6]],
  ])('renders a rule for %s that the Kusto analyzer accepts', (_what, indicators) => {
    expect(kqlDiagnostics(renderAnalyticsRuleQuery(indicators))).toEqual([]);
  });

  it('refuses an empty indicator list', () => {
    expect(() => renderAnalyticsRuleQuery([])).toThrow(RangeError);
  });
});

describe('the exclusion scenarios, server side and in process', () => {
  const labRows = parse(readFileSync(join(ROOT, 'samples/logs/DeviceNetworkEvents.csv')), {
    columns: true,
  }) as Record<string, string>[];
  const serverSide = compileCaseExpression(renderExclusionCase(EXCLUSION_SCENARIOS));
  const inProcess = createExclusionMatcher(EXCLUSION_SCENARIOS);
  const attribute = (row: KqlRow): string =>
    inProcess.match({
      fileName: row.InitiatingProcessFileName,
      folderPath: row.InitiatingProcessFolderPath,
      commandLine: row.InitiatingProcessCommandLine,
      parentFileName: row.InitiatingProcessParentFileName,
    })?.id ?? '';

  it('the rendered case() expression passes the Kusto analyzer', () => {
    expect(
      kqlDiagnostics(
        `DeviceNetworkEvents | extend ExclusionId = ${renderExclusionCase(EXCLUSION_SCENARIOS)}`,
      ),
    ).toEqual([]);
  });

  it('agree on every DeviceNetworkEvents row of the lab export', () => {
    const disagreements = labRows.filter((row) => serverSide(row) !== attribute(row));
    const attributed = labRows.map(attribute).filter((id) => id !== '');

    expect(labRows).toHaveLength(2034);
    expect(disagreements).toEqual([]);
    // The three scenarios the lab exercises, and rows nothing explains, are both present.
    expect(new Set(attributed)).toEqual(new Set(['S1', 'S2', 'S4', 'S5']));
  });

  it.each(EXCLUSION_EDGE_CASES.map((edge) => [edge.title, edge] as const))(
    'agree on %s',
    (_title, edge) => {
      expect(serverSide(edge)).toBe(edge.expected);
      expect(attribute(edge)).toBe(edge.expected);
    },
  );
});
