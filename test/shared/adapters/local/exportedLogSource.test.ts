import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { parse } from 'csv-parse/sync';

import type { HuntProgress } from '../../../../shared/adapters/local/exportedLogSource';
import { ExportedLogSource } from '../../../../shared/adapters/local/exportedLogSource';
import type { HuntResult } from '../../../../shared/domain/finding';
import type { HuntRequest } from '../../../../shared/domain/huntDefinition';
import type { HuntAccumulator, LogRow } from '../../../../shared/domain/huntEvaluator';

const SAMPLE_LOGS = resolve(__dirname, '../../../../samples/logs');

const request: HuntRequest = {
  table: 'DeviceNetworkEvents',
  indicators: [{ address: '178.16.52.203', port: 1889, family: 'IPv4', key: '178.16.52.203:1889' }],
  window: { start: '2026-11-20T00:00:00Z', end: '2026-12-03T00:00:00Z' },
  sampleSize: 5,
};

/** Keeps every row it is given, to see exactly what the reader hands on. */
function collecting(): { rows: LogRow[]; create: (r: HuntRequest) => HuntAccumulator } {
  const rows: LogRow[] = [];
  return {
    rows,
    create: (r) => ({
      add: (row) => rows.push(row),
      result: (): HuntResult => ({
        table: r.table,
        outcome: { status: 'complete', rowCount: rows.length },
        findings: [],
        sample: [],
        window: r.window,
      }),
    }),
  };
}

describe('exported log source', () => {
  let logs: string;

  beforeEach(async () => {
    logs = await mkdtemp(join(tmpdir(), 'c2r-logs-'));
  });

  afterEach(async () => {
    await rm(logs, { recursive: true, force: true });
  });

  it('hands every CSV row on with the header as column names', async () => {
    await writeFile(
      join(logs, 'DeviceNetworkEvents.csv'),
      '\uFEFFTimeGenerated,RemoteIP,RemotePort,InitiatingProcessCommandLine\r\n' +
        '2026-11-30T09:14:07Z,178.16.52.203,1889,"""C:\\a b\\svchost.exe"" -k, x"\r\n' +
        '2026-11-30T09:15:07Z,10.0.0.1,,\r\n',
    );
    const sink = collecting();

    const result = await new ExportedLogSource({
      logsDirectory: logs,
      createAccumulator: sink.create,
    }).runHunt(request);

    expect(result.outcome).toEqual({ status: 'complete', rowCount: 2 });
    expect(sink.rows).toEqual([
      {
        TimeGenerated: '2026-11-30T09:14:07Z',
        RemoteIP: '178.16.52.203',
        RemotePort: '1889',
        InitiatingProcessCommandLine: '"C:\\a b\\svchost.exe" -k, x',
      },
      {
        TimeGenerated: '2026-11-30T09:15:07Z',
        RemoteIP: '10.0.0.1',
        RemotePort: '',
        InitiatingProcessCommandLine: '',
      },
    ]);
  });

  it('hands on JSON array rows with their JSON types, across lines and nested values', async () => {
    const rows = [
      { TimeGenerated: '2026-11-30T09:14:07Z', RemoteIP: '178.16.52.203', RemotePort: 1889 },
      { TimeGenerated: '2026-11-30T09:15:07Z', AdditionalFields: { a: [1, '],}"'] }, x: null },
    ];
    await writeFile(join(logs, 'DeviceNetworkEvents.json'), JSON.stringify(rows, null, 4));
    const sink = collecting();

    const result = await new ExportedLogSource({
      logsDirectory: logs,
      createAccumulator: sink.create,
    }).runHunt(request);

    expect(result.outcome.status).toBe('complete');
    expect(sink.rows).toEqual(rows);
  });

  it('reads JSON Lines, unwrapping Defender streaming records', async () => {
    const reference = await readFile(
      resolve(
        __dirname,
        '../../../fixtures/reference/devicenetworkevents_streaming_api_samples.jsonl',
      ),
      'utf8',
    );
    await writeFile(join(logs, 'DeviceNetworkEvents.jsonl'), reference.trimEnd());
    const sink = collecting();

    await new ExportedLogSource({ logsDirectory: logs, createAccumulator: sink.create }).runHunt(
      request,
    );

    expect(sink.rows).toHaveLength(17);
    expect(sink.rows[0]).toMatchObject({
      ActionType: 'NetworkSignatureInspected',
      DeviceName: 'testmachine6',
    });
  });

  it('finds the same hits in the sample export whether it is CSV, JSON or JSON Lines', async () => {
    const text = await readFile(join(SAMPLE_LOGS, 'DeviceNetworkEvents.csv'), 'utf8');
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    await writeFile(join(logs, 'DeviceNetworkEvents.json'), JSON.stringify(rows));
    const jsonl = await mkdtemp(join(tmpdir(), 'c2r-logs-'));
    await writeFile(
      join(jsonl, 'DeviceNetworkEvents.jsonl'),
      rows.map((row) => JSON.stringify(row)).join('\n'),
    );

    const fromCsv = await new ExportedLogSource({ logsDirectory: SAMPLE_LOGS }).runHunt(request);
    const fromJson = await new ExportedLogSource({ logsDirectory: logs }).runHunt(request);
    const fromJsonLines = await new ExportedLogSource({ logsDirectory: jsonl }).runHunt(request);
    await rm(jsonl, { recursive: true, force: true });

    // Lab EXPECTED.md: 41 DeviceNetworkEvents rows reach 178.16.52.203 over the whole export.
    expect(fromCsv.outcome.status).toBe('complete');
    expect(fromCsv.findings.reduce((sum, finding) => sum + finding.count, 0)).toBe(41);
    expect(fromJson).toEqual(fromCsv);
    expect(fromJsonLines).toEqual(fromCsv);
  });

  it('reports a table without an export as a missing data connector', async () => {
    const result = await new ExportedLogSource({ logsDirectory: logs }).runHunt({
      ...request,
      table: 'CommonSecurityLog',
    });

    expect(result).toEqual({
      table: 'CommonSecurityLog',
      outcome: {
        status: 'missing-table',
        reason: `no export of CommonSecurityLog in ${logs}: its data connector is not enabled or the table was not exported`,
      },
      findings: [],
      sample: [],
      window: request.window,
    });
  });

  it('fails the whole hunt, naming the line, when a CSV row breaks mid-way', async () => {
    const good = '2026-11-30T09:14:07Z,178.16.52.203,1889\n';
    await writeFile(
      join(logs, 'DeviceNetworkEvents.csv'),
      `TimeGenerated,RemoteIP,RemotePort\n${good}${good}2026-11-30T09:16:07Z,178.16.52.203\n${good}`,
    );

    const result = await new ExportedLogSource({ logsDirectory: logs }).runHunt(request);

    expect(result.outcome.status).toBe('failed');
    expect(result.outcome).toMatchObject({
      reason: expect.stringContaining(`${join(logs, 'DeviceNetworkEvents.csv')} line 4:`),
    });
    expect(result.findings).toEqual([]);
  });

  it('fails the hunt on an unclosed quote', async () => {
    await writeFile(
      join(logs, 'DeviceNetworkEvents.csv'),
      'TimeGenerated,RemoteIP,RemotePort\n2026-11-30T09:14:07Z,"178.16.52.203,1889\n',
    );

    const result = await new ExportedLogSource({ logsDirectory: logs }).runHunt(request);

    expect(result.outcome).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('line'),
    });
  });

  it('fails the hunt naming the line of a broken JSON Lines row', async () => {
    await writeFile(
      join(logs, 'DeviceNetworkEvents.jsonl'),
      '{"RemoteIP":"178.16.52.203"}\n\n{"RemoteIP": 178.16.52.203}\n',
    );

    const result = await new ExportedLogSource({ logsDirectory: logs }).runHunt(request);

    expect(result.outcome).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('DeviceNetworkEvents.jsonl line 3:'),
    });
  });

  it('fails the hunt naming the line of a broken JSON array item or an unclosed array', async () => {
    await writeFile(
      join(logs, 'DeviceNetworkEvents.json'),
      '[\n  {"RemoteIP": "178.16.52.203"},\n  {"RemoteIP": nope}\n]\n',
    );
    const broken = await new ExportedLogSource({ logsDirectory: logs }).runHunt(request);
    await writeFile(
      join(logs, 'DeviceNetworkEvents.json'),
      '[\n  {"RemoteIP": "178.16.52.203"},\n',
    );
    const unclosed = await new ExportedLogSource({ logsDirectory: logs }).runHunt(request);
    await writeFile(join(logs, 'DeviceNetworkEvents.json'), '[1]');
    const notObjects = await new ExportedLogSource({ logsDirectory: logs }).runHunt(request);

    expect(broken.outcome).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('.json line 3:'),
    });
    expect(unclosed.outcome).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('the array is not closed'),
    });
    expect(notObjects.outcome).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('a row must be a JSON object'),
    });
  });

  it('streams a large export, reporting progress before the end of the file', async () => {
    const header = 'TimeGenerated,RemoteIP,RemotePort,Filler\n';
    const line = `2026-11-30T09:14:07Z,10.0.0.1,443,${'x'.repeat(200)}\n`;
    const count = 30_000;
    await writeFile(join(logs, 'DeviceNetworkEvents.csv'), header + line.repeat(count));
    const progress: HuntProgress[] = [];
    let rowsSeen = 0;

    const result = await new ExportedLogSource({
      logsDirectory: logs,
      onProgress: (p) => progress.push(p),
      createAccumulator: (r) => ({
        add: () => {
          rowsSeen += 1;
        },
        result: () => ({
          table: r.table,
          outcome: { status: 'complete', rowCount: rowsSeen },
          findings: [],
          sample: [],
          window: r.window,
        }),
      }),
    }).runHunt(request);

    const total = header.length + line.length * count;
    expect(result.outcome).toEqual({ status: 'complete', rowCount: count });
    expect(progress.length).toBeGreaterThan(2);
    expect(progress.some((p) => p.bytesRead < total && p.rows > 0)).toBe(true);
    expect(progress.at(-1)).toEqual({
      table: 'DeviceNetworkEvents',
      file: join(logs, 'DeviceNetworkEvents.csv'),
      rows: count,
      bytesRead: total,
      totalBytes: total,
    });
  });
});
