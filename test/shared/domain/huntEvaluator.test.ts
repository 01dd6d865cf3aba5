import { createReadStream } from 'node:fs';
import { join } from 'node:path';

import { parse } from 'csv-parse';
import fc from 'fast-check';

import type { Finding, HuntResult, HuntTable, TimeWindow } from '../../../shared/domain/finding';
import type { LogRow } from '../../../shared/domain/huntEvaluator';
import { createHuntAccumulator } from '../../../shared/domain/huntEvaluator';
import { huntWindow, LAB_HUNT_WINDOW } from '../../../shared/domain/huntWindow';
import type { Indicator } from '../../../shared/domain/indicator';
import { reachVerdict } from '../../../shared/domain/verdictRules';
import labExpected from '../../fixtures/lab-expected.json';

const ROOT = join(__dirname, '../../..');
const WHOLE_EXPORT: TimeWindow = { start: '2026-11-20T00:00:00Z', end: '2026-12-03T00:00:00Z' };
const TABLES: readonly HuntTable[] = ['DeviceNetworkEvents', 'CommonSecurityLog'];

interface ExpectedCounts {
  readonly ipOnly: { readonly wholeExport: number; readonly incidentWindow: number };
  readonly ipAndPort: { readonly wholeExport: number; readonly incidentWindow: number };
}

interface LabIncident {
  readonly incidentNumber: number;
  readonly indicator: { readonly ip: string; readonly port: number };
  readonly activity: {
    readonly firstActivityTimeUtc: string;
    readonly lastActivityTimeUtc: string;
    readonly createdTimeUtc: string;
  };
  readonly huntRowCounts: Record<HuntTable, ExpectedCounts>;
  readonly verdict: string;
  readonly findings: readonly Record<string, unknown>[];
}

const incidents = (labExpected as unknown as { incidents: LabIncident[] }).incidents;

function indicatorOf(incident: LabIncident): Indicator {
  const { ip, port } = incident.indicator;
  return { address: ip, port, family: 'IPv4', key: `${ip}:${port}` };
}

function windowOf(incident: LabIncident): TimeWindow {
  return huntWindow(
    {
      createdTime: incident.activity.createdTimeUtc,
      firstActivityTime: incident.activity.firstActivityTimeUtc,
      lastActivityTime: incident.activity.lastActivityTimeUtc,
    },
    LAB_HUNT_WINDOW,
  );
}

type Scope = 'incidentWindow' | 'wholeExport';
const results = new Map<string, HuntResult>();
const resultKey = (incident: LabIncident, table: HuntTable, scope: Scope): string =>
  `${incident.incidentNumber}/${table}/${scope}`;

/** Streams each exported log once through every lab hunt of that table. */
beforeAll(async () => {
  for (const table of TABLES) {
    const hunts = incidents.flatMap((incident) =>
      (['incidentWindow', 'wholeExport'] as const).map((scope) => ({
        key: resultKey(incident, table, scope),
        accumulator: createHuntAccumulator({
          table,
          indicators: [indicatorOf(incident)],
          window: scope === 'wholeExport' ? WHOLE_EXPORT : windowOf(incident),
          sampleSize: 5,
        }),
      })),
    );
    const rows = createReadStream(join(ROOT, 'samples/logs', `${table}.csv`)).pipe(
      parse({ columns: true }),
    );
    for await (const row of rows as AsyncIterable<LogRow>) {
      for (const hunt of hunts) hunt.accumulator.add(row);
    }
    for (const hunt of hunts) results.set(hunt.key, hunt.accumulator.result());
  }
});

function resultOf(incident: LabIncident, table: HuntTable, scope: Scope): HuntResult {
  const result = results.get(resultKey(incident, table, scope));
  if (!result) throw new Error(`no result for ${resultKey(incident, table, scope)}`);
  return result;
}

function onPortRows(result: HuntResult): number {
  return result.findings
    .filter((finding) => finding.onIndicatorPort)
    .reduce((sum, finding) => sum + finding.count, 0);
}

describe('the lab hunts', () => {
  const cases = incidents.flatMap((incident) =>
    TABLES.flatMap((table) =>
      (['incidentWindow', 'wholeExport'] as const).map((scope) => ({
        incident,
        table,
        scope,
        number: incident.incidentNumber,
      })),
    ),
  );

  it.each(cases)(
    'counts the ip-only and ip:port rows of incident $number in $table over the $scope',
    ({ incident, table, scope }) => {
      const result = resultOf(incident, table, scope);
      const expected = incident.huntRowCounts[table];

      expect(result.outcome).toEqual({ status: 'complete', rowCount: expected.ipOnly[scope] });
      expect(onPortRows(result)).toBe(expected.ipAndPort[scope]);
    },
  );

  it.each(
    incidents.map((incident) => [incident.incidentNumber, incident.verdict, incident] as const),
  )(
    'reaches the expected verdict for incident %i (%s) in both windows',
    (_number, verdict, incident) => {
      for (const scope of ['incidentWindow', 'wholeExport'] as const) {
        const hunts = TABLES.map((table) => resultOf(incident, table, scope));
        expect(reachVerdict(hunts).kind).toBe(verdict);
      }
    },
  );

  it.each(incidents.map((incident) => [incident.incidentNumber, incident] as const))(
    'finds over the whole export exactly the findings of incident %i, each explained by the expected scenario',
    (_number, incident) => {
      const findings = TABLES.flatMap((table) => resultOf(incident, table, 'wholeExport').findings);

      expect(summarise(findings)).toEqual(incident.findings.map(expectedSummary).sort(byKey));
    },
  );

  it('judges the masquerading svchost.exe unexplained and names it a masquerade', () => {
    const malicious = incidents.find((incident) => incident.verdict === 'malicious') as LabIncident;
    const verdict = reachVerdict(TABLES.map((table) => resultOf(malicious, table, 'wholeExport')));
    const implant = verdict.findings.find(
      (finding) => finding.process?.folderPath?.includes('appdata') === true,
    );

    expect(implant?.judgement.kind).toBe('unexplained');
    expect(implant?.judgement.why).toContain('masquerade');
    const firewall = verdict.findings.filter((finding) => finding.table === 'CommonSecurityLog');
    expect(firewall).toHaveLength(7);
    expect(new Set(firewall.map((finding) => finding.judgement.kind))).toEqual(
      new Set(['no-process-context']),
    );
  });

  it('maps firewall rows to direction, local host, vendor and allowed from the vendor vocabulary', () => {
    const malicious = incidents.find((incident) => incident.verdict === 'malicious') as LabIncident;
    const findings = resultOf(malicious, 'CommonSecurityLog', 'wholeExport').findings;
    const probe = findings.find((finding) => finding.direction === 'inbound');
    const paloAlto = findings.find((finding) => finding.device === 'PA-HQ-01');

    expect(probe).toMatchObject({
      localAddress: '203.0.113.40',
      localPort: 3389,
      remoteAddress: '178.16.52.203',
      allowed: false,
      action: 'deny',
      vendor: 'Fortinet',
      onIndicatorPort: false,
    });
    expect(probe?.remotePort).toBeUndefined();
    expect(paloAlto).toMatchObject({
      direction: 'outbound',
      localAddress: '10.10.20.57',
      remotePort: 1889,
      allowed: false,
      onIndicatorPort: true,
    });
  });

  it('counts no near miss: neighbouring addresses, string prefixes and suffixes, the bare port 7001', () => {
    const nearMisses = [
      { address: '104.194.157.44', port: 443 },
      { address: '178.16.52.20', port: 443 },
      { address: '54.18.238.18', port: 443 },
    ];
    const noActivity = incidents.find(
      (incident) => incident.verdict === 'no-activity',
    ) as LabIncident;
    for (const table of TABLES) {
      const result = resultOf(noActivity, table, 'wholeExport');
      expect(result.findings).toEqual([]);
      expect(result.sample).toEqual([]);
    }
    expect(nearMisses.map((miss) => miss.address)).not.toContain(noActivity.indicator.ip);
  });

  it('keeps a bounded sample of the newest raw rows with the exclusion attributed', () => {
    const malicious = incidents.find((incident) => incident.verdict === 'malicious') as LabIncident;
    const result = resultOf(malicious, 'DeviceNetworkEvents', 'wholeExport');
    const times = result.sample.map((row) => String(row.Timestamp));

    expect(result.sample).toHaveLength(5);
    expect(times).toEqual([...times].sort().reverse());
    expect(times[0]).toBe('2026-12-02T16:56:56.8525897Z');
    expect(result.sample[0]).toMatchObject({ RemoteIP: '178.16.52.203', ExclusionId: '' });
  });
});

interface FindingSummary {
  readonly key: string;
  readonly rows: number;
  readonly explainedBy: string | null;
  readonly actions: Record<string, number>;
  readonly first: string;
  readonly last: string;
}

/** Findings grouped as EXPECTED.md lists them: by host or firewall, process and destination. */
function summarise(findings: readonly Finding[]): FindingSummary[] {
  const byKey = new Map<
    string,
    {
      rows: number;
      explainedBy: string | null;
      actions: Record<string, number>;
      first: string;
      last: string;
    }
  >();
  for (const finding of findings) {
    const key =
      finding.table === 'DeviceNetworkEvents'
        ? `${finding.table}|${finding.device}|${finding.process?.folderPath ?? ''}|${finding.process?.parentFileName ?? ''}|${finding.remotePort ?? ''}`
        : finding.direction === 'outbound'
          ? `${finding.table}|${finding.device}|${finding.localAddress ?? ''}|${finding.remoteAddress}:${finding.remotePort ?? ''}`
          : `${finding.table}|${finding.device}|${finding.remoteAddress}|${finding.localAddress ?? ''}:${finding.localPort ?? ''}`;
    const entry = byKey.get(key) ?? {
      rows: 0,
      explainedBy: finding.exclusionId ?? null,
      actions: {},
      first: finding.firstSeen,
      last: finding.lastSeen,
    };
    entry.rows += finding.count;
    entry.actions[finding.action] = (entry.actions[finding.action] ?? 0) + finding.count;
    if (finding.firstSeen < entry.first) entry.first = finding.firstSeen;
    if (finding.lastSeen > entry.last) entry.last = finding.lastSeen;
    byKey.set(key, entry);
  }
  return [...byKey].map(([key, value]) => ({ key, ...value })).sort(byKey2);
}

function expectedSummary(finding: Record<string, unknown>): FindingSummary {
  const table = String(finding.table);
  const key =
    table === 'DeviceNetworkEvents'
      ? `${table}|${String(finding.DeviceName)}|${String(finding.InitiatingProcessFolderPath)}|${String(finding.parent)}|${String(finding.RemotePort)}`
      : finding.direction === 'outbound'
        ? `${table}|${String(finding.firewall)}|${String(finding.SourceIP)}|${String(finding.DestinationIP)}:${String(finding.DestinationPort)}`
        : `${table}|${String(finding.firewall)}|${String(finding.SourceIP)}|${String(finding.DestinationIP)}:${String(finding.DestinationPort)}`;
  return {
    key,
    rows: Number(finding.rows),
    explainedBy: (finding.explainedBy as string | null) ?? null,
    actions: (finding.actionTypes ?? finding.deviceActions) as Record<string, number>,
    first: String(finding.first),
    last: String(finding.last),
  };
}

function byKey(a: FindingSummary, b: FindingSummary): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
const byKey2 = byKey;

describe('createHuntAccumulator', () => {
  const indicator: Indicator = {
    address: '178.16.52.203',
    port: 1889,
    family: 'IPv4',
    key: '178.16.52.203:1889',
  };
  const request = {
    table: 'DeviceNetworkEvents' as const,
    indicators: [indicator],
    window: WHOLE_EXPORT,
    sampleSize: 3,
  };

  it('never throws on random or mutated rows', () => {
    const cell = fc.oneof(
      fc.string(),
      fc.constantFrom(
        '178.16.52.203',
        '1889',
        '',
        'C:\\Windows\\System32\\svchost.exe',
        '2026-11-30T09:14:07Z',
      ),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
      fc.object(),
    );
    const columns = fc.constantFrom(
      'TimeGenerated',
      'RemoteIP',
      'RemotePort',
      'LocalIP',
      'LocalPort',
      'ActionType',
      'DeviceName',
      'InitiatingProcessFileName',
      'InitiatingProcessFolderPath',
      'InitiatingProcessCommandLine',
      'InitiatingProcessParentFileName',
      'SourceIP',
      'DestinationIP',
      'DestinationPort',
      'DeviceCustomIPv6Address3',
      'Timestamp',
      'DeviceAction',
    );
    const row = fc.dictionary(columns, cell);

    fc.assert(
      fc.property(
        fc.array(row, { maxLength: 20 }),
        fc.constantFrom<HuntTable>(...TABLES),
        (rows, table) => {
          const accumulator = createHuntAccumulator({ ...request, table });
          for (const item of rows) accumulator.add(item);
          const result = accumulator.result();
          expect(result.outcome.status).toBe('complete');
          expect(result.sample.length).toBeLessThanOrEqual(3);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('matches IPv6 indicators in the Palo Alto IPv6 columns, case-insensitively as in~ does', () => {
    const v6: Indicator = {
      address: '2001:db8::1',
      port: 443,
      family: 'IPv6',
      key: '[2001:db8::1]:443',
    };
    const accumulator = createHuntAccumulator({
      ...request,
      table: 'CommonSecurityLog',
      indicators: [v6],
    });
    accumulator.add({
      TimeGenerated: '2026-11-30T10:00:00.000Z',
      DeviceVendor: 'Palo Alto Networks',
      DeviceName: 'PA-HQ-01',
      SourceIP: '',
      DestinationIP: '',
      DeviceCustomIPv6Address2: '2001:db8::99',
      DeviceCustomIPv6Address3: '2001:DB8::1',
      SourcePort: '50000',
      DestinationPort: '443',
      DeviceAction: 'allow',
    });

    expect(accumulator.result().findings).toEqual([
      expect.objectContaining({
        indicator: '[2001:db8::1]:443',
        onIndicatorPort: true,
        direction: 'outbound',
        remoteAddress: '2001:db8::1',
        localAddress: '2001:db8::99',
        remotePort: 443,
        allowed: true,
      }),
    ]);
  });

  it('attributes a row on another port of an address with two indicators to the first, off-port', () => {
    const second: Indicator = { ...indicator, port: 7001, key: '178.16.52.203:7001' };
    const accumulator = createHuntAccumulator({ ...request, indicators: [indicator, second] });
    const row = {
      TimeGenerated: '2026-11-30T10:00:00Z',
      RemoteIP: '178.16.52.203',
      DeviceName: 'd',
      ActionType: 'ConnectionSuccess',
    };
    accumulator.add({ ...row, RemotePort: 7001 });
    accumulator.add({ ...row, RemotePort: '443' });

    expect(
      accumulator.result().findings.map((f) => [f.indicator, f.onIndicatorPort, f.remotePort]),
    ).toEqual([
      ['178.16.52.203:7001', true, 7001],
      ['178.16.52.203:1889', false, 443],
    ]);
  });

  it('leaves out rows outside the window (start inclusive, end exclusive) and rows without a readable time', () => {
    const accumulator = createHuntAccumulator({
      ...request,
      window: { start: '2026-11-30T10:00:00Z', end: '2026-11-30T11:00:00Z' },
    });
    const row = {
      RemoteIP: '178.16.52.203',
      RemotePort: '1889',
      DeviceName: 'd',
      ActionType: 'ConnectionSuccess',
    };
    for (const time of [
      '2026-11-30T09:59:59.9999999Z',
      '2026-11-30T10:00:00Z',
      '2026-11-30T10:59:59.999Z',
      '2026-11-30T11:00:00Z',
      'yesterday',
      '',
    ]) {
      accumulator.add({ ...row, TimeGenerated: time });
    }

    expect(accumulator.result().outcome).toEqual({ status: 'complete', rowCount: 2 });
  });
});
