import { createAzureLogSource } from '../../shared/adapters/azure/azureLogSource';
import type { HuntRequest } from '../../shared/domain/huntDefinition';
import { renderHuntQuery } from '../../shared/domain/kqlRenderer';
import type { FakeResponse } from './support/httpsFake';
import {
  gatewayTimeout,
  partialFailure,
  startLogsFake,
  success,
  throttled,
  unresolvedName,
} from './fakes/logsFake';
import type { Column, LogsFake } from './fakes/logsFake';
import { staticCredential } from './support/staticCredential';

const WORKSPACE = '63613592-b6f7-4c3d-a390-22ba13102111';
const INDICATOR = {
  address: '198.51.100.23',
  port: 8848,
  family: 'IPv4' as const,
  key: '198.51.100.23:8848',
};
const WINDOW = { start: '2026-11-28T00:00:00.000Z', end: '2026-12-02T00:00:00.000Z' };

function hunt(table: HuntRequest['table'], sampleSize = 5): HuntRequest {
  return { table, indicators: [INDICATOR], window: WINDOW, sampleSize };
}

const summaryColumns: Column[] = [
  { name: 'Indicator', type: 'string' },
  { name: 'OnIndicatorPort', type: 'bool' },
  { name: 'Device', type: 'string' },
  { name: 'DeviceId', type: 'string' },
  { name: 'Action', type: 'string' },
  { name: 'Direction', type: 'string' },
  { name: 'RemoteAddress', type: 'string' },
  { name: 'ServicePort', type: 'int' },
  { name: 'LocalAddress', type: 'string' },
  { name: 'ProcessFileName', type: 'string' },
  { name: 'ProcessFolderPath', type: 'string' },
  { name: 'ProcessParentFileName', type: 'string' },
  { name: 'ProcessAccountName', type: 'string' },
  { name: 'ProcessSHA256', type: 'string' },
  { name: 'ExclusionId', type: 'string' },
  { name: 'Count', type: 'long' },
  { name: 'FirstSeen', type: 'datetime' },
  { name: 'LastSeen', type: 'datetime' },
  { name: 'CommandLine', type: 'string' },
];

function summaryRow(overrides: Partial<Record<string, unknown>> = {}): unknown[] {
  const values: Record<string, unknown> = {
    Indicator: INDICATOR.key,
    OnIndicatorPort: true,
    Device: 'ws-fin-07.contoso.local',
    DeviceId: 'a1b2c3',
    Action: 'ConnectionSuccess',
    Direction: 'outbound',
    RemoteAddress: INDICATOR.address,
    ServicePort: 8848,
    LocalAddress: '10.40.2.17',
    ProcessFileName: 'svchost.exe',
    ProcessFolderPath: 'C:\\Users\\Public\\svchost.exe',
    ProcessParentFileName: 'schtasks.exe',
    ProcessAccountName: 'j.doe',
    ProcessSHA256: 'ab'.repeat(32),
    ExclusionId: '',
    Count: 14,
    FirstSeen: '2026-11-30T08:01:02.1234567Z',
    LastSeen: '2026-11-30T09:15:00Z',
    CommandLine: 'svchost.exe -k c2',
    ...overrides,
  };
  return summaryColumns.map((column) => values[column.name]);
}

const sampleColumns: Column[] = [
  { name: 'Timestamp', type: 'datetime' },
  { name: 'DeviceName', type: 'string' },
  { name: 'RemotePort', type: 'int' },
  { name: 'AdditionalFields', type: 'dynamic' },
];

const isSample = (query: string): boolean => query.includes('| top ');

let fake: LogsFake;
const credential = staticCredential();

function source(serverTimeoutSeconds = 60) {
  return createAzureLogSource({
    credential,
    workspaceId: WORKSPACE,
    endpoint: `${fake.url}/v1`,
    tlsOptions: { ca: fake.ca },
    retryOptions: { maxRetries: 1, retryDelayInMs: 5, maxRetryDelayInMs: 10 },
    serverTimeoutSeconds,
  });
}

function answerSummary(
  summary: FakeResponse,
  sample: FakeResponse = success(sampleColumns, []),
): void {
  fake.answer((q) => (isSample(q.query) ? sample : summary));
}

beforeEach(async () => {
  fake = await startLogsFake();
});

afterEach(async () => {
  await fake.close();
});

describe('Azure log source against a fake of the Logs query API', () => {
  it('sends the rendered queries with the window once as the timespan and the server timeout', async () => {
    answerSummary(success(summaryColumns, []));

    await source(90).runHunt(hunt('DeviceNetworkEvents'));

    const rendered = renderHuntQuery(hunt('DeviceNetworkEvents'));
    expect(fake.queries.map((q) => q.query).sort()).toEqual(
      [rendered.summaryQuery, rendered.sampleQuery].sort(),
    );
    expect(fake.queries.map((q) => q.timespan)).toEqual([
      `${WINDOW.start}/${WINDOW.end}`,
      `${WINDOW.start}/${WINDOW.end}`,
    ]);
    expect(fake.queries.map((q) => q.prefer)).toEqual(['wait=90', 'wait=90']);
    expect(fake.queries.every((q) => q.workspaceId === WORKSPACE)).toBe(true);
    expect(credential.scopes).toContain('https://api.loganalytics.io/.default');
  });

  it('turns summary rows into findings and keeps a sample with null times and dynamic values flattened', async () => {
    answerSummary(
      success(summaryColumns, [summaryRow()]),
      success(sampleColumns, [
        ['2026-11-30T09:15:00Z', 'ws-fin-07', 8848, { Direction: 'Out' }],
        [null, 'ws-fin-07', 8848, '{"Direction":"Out"}'],
        ['', 'ws-fin-07', null, 'not json'],
      ]),
    );

    const result = await source().runHunt(hunt('DeviceNetworkEvents'));

    expect(result.outcome).toEqual({ status: 'complete', rowCount: 14 });
    expect(result.findings).toEqual([
      {
        table: 'DeviceNetworkEvents',
        indicator: INDICATOR.key,
        onIndicatorPort: true,
        device: 'ws-fin-07.contoso.local',
        deviceId: 'a1b2c3',
        localAddress: '10.40.2.17',
        remoteAddress: INDICATOR.address,
        remotePort: 8848,
        direction: 'outbound',
        action: 'ConnectionSuccess',
        process: {
          fileName: 'svchost.exe',
          folderPath: 'C:\\Users\\Public\\svchost.exe',
          commandLine: 'svchost.exe -k c2',
          parentFileName: 'schtasks.exe',
          accountName: 'j.doe',
          sha256: 'ab'.repeat(32),
        },
        count: 14,
        firstSeen: '2026-11-30T08:01:02.123Z',
        lastSeen: '2026-11-30T09:15:00.000Z',
      },
    ]);
    expect(result.sample).toEqual([
      {
        Timestamp: '2026-11-30T09:15:00.000Z',
        DeviceName: 'ws-fin-07',
        RemotePort: 8848,
        AdditionalFields: '{"Direction":"Out"}',
      },
      {
        Timestamp: null,
        DeviceName: 'ws-fin-07',
        RemotePort: 8848,
        AdditionalFields: '{"Direction":"Out"}',
      },
      { Timestamp: null, DeviceName: 'ws-fin-07', RemotePort: null, AdditionalFields: 'not json' },
    ]);
  });

  it('reads rows whose long, int and bool values come back as strings, and a null time', async () => {
    answerSummary(
      success(summaryColumns, [
        summaryRow({ Count: '3', OnIndicatorPort: 'false', ServicePort: '443', FirstSeen: null }),
      ]),
    );

    const result = await source().runHunt(hunt('DeviceNetworkEvents'));

    expect(result.findings[0]).toMatchObject({
      count: 3,
      onIndicatorPort: false,
      remotePort: 443,
      firstSeen: '2026-11-30T09:15:00.000Z',
      lastSeen: '2026-11-30T09:15:00.000Z',
    });
  });

  it('reports a PartialFailure as a partial hunt with the service reason, keeping what came back', async () => {
    answerSummary(
      partialFailure(
        summaryColumns,
        [summaryRow()],
        'Query result set has exceeded the internal data size limit',
      ),
    );

    const result = await source().runHunt(hunt('DeviceNetworkEvents'));

    expect(result.outcome.status).toBe('partial');
    expect(result.outcome).toMatchObject({
      reason: expect.stringContaining('Query result set has exceeded the internal data size limit'),
    });
    expect(result.findings).toHaveLength(1);
  });

  it('reports a table the workspace lacks as missing, naming the data connector', async () => {
    answerSummary(unresolvedName('CommonSecurityLog'), unresolvedName('CommonSecurityLog'));

    const result = await source().runHunt(hunt('CommonSecurityLog'));

    expect(result.outcome).toEqual({
      status: 'missing-table',
      reason: 'table CommonSecurityLog is not in the workspace: its data connector is not enabled',
    });
    expect(result.findings).toEqual([]);
  });

  it('reports an unknown column as a failed hunt, not as a missing table', async () => {
    answerSummary(unresolvedName('InitiatingProcessParentFileName'));

    const result = await source().runHunt(hunt('DeviceNetworkEvents'));

    expect(result.outcome.status).toBe('failed');
    expect(result.outcome).toMatchObject({
      reason: expect.stringContaining('InitiatingProcessParentFileName'),
    });
  });

  it('reports a server timeout as a failed hunt with the reason', async () => {
    answerSummary(gatewayTimeout);

    const result = await source(30).runHunt(hunt('DeviceNetworkEvents'));

    expect(result.outcome).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('timed out on the server (limit 30 s)'),
    });
    expect(fake.queries.filter((q) => !isSample(q.query))).toHaveLength(2);
  });

  it('lets the SDK back off a 429 after Retry-After, and fails the hunt when throttling persists', async () => {
    let throttledOnce = false;
    fake.answer((q) => {
      if (!throttledOnce && !isSample(q.query)) {
        throttledOnce = true;
        return throttled(0);
      }
      return isSample(q.query)
        ? success(sampleColumns, [])
        : success(summaryColumns, [summaryRow()]);
    });
    const recovered = await source().runHunt(hunt('DeviceNetworkEvents'));
    answerSummary(throttled(0));

    const exhausted = await source().runHunt(hunt('DeviceNetworkEvents'));

    expect(recovered.outcome).toEqual({ status: 'complete', rowCount: 14 });
    expect(exhausted.outcome).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('throttled'),
    });
  });

  it('runs at most 5 queries at once for one identity, however many hunts start', async () => {
    // Each answer waits until five queries are in, so a sixth would be seen if the limit leaked.
    fake.answer(async (q) => {
      for (let waited = 0; fake.stats.inFlight < 5 && waited < 200; waited += 1) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return isSample(q.query) ? success(sampleColumns, []) : success(summaryColumns, []);
    });

    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        source().runHunt(hunt(i % 2 ? 'CommonSecurityLog' : 'DeviceNetworkEvents')),
      ),
    );

    expect(results.every((r) => r.outcome.status === 'complete')).toBe(true);
    expect(fake.queries).toHaveLength(20);
    expect(fake.stats.maxInFlight).toBe(5);
  });
});
