/**
 * bench/hunt: a 1,000,000-row DeviceNetworkEvents export through the local hunt (exported log
 * source + hunt evaluator), beside parsing the same file alone with csv-parse and the same options.
 * Prints rows per second for each and ends with `ratio=<hunt/parse>` (target: at most 1.5).
 *
 *   npx tsx bench/hunt.ts [--rows N] [--hits N] [--rounds N] [--keep]
 *
 * With several rounds the two runs alternate and the fastest of each counts, which steadies the
 * ratio on a busy machine.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';

import { parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';

import { ExportedLogSource, EXPORT_CSV_OPTIONS } from '../shared/adapters/local/exportedLogSource';
import type { HuntResult } from '../shared/domain/finding';
import type { HuntRequest } from '../shared/domain/huntDefinition';

const SAMPLE = resolve(__dirname, '..', 'samples', 'logs', 'DeviceNetworkEvents.csv');
const C2 = { address: '178.16.52.203', port: 1889 };
const LAB_C2_ADDRESSES = new Set(['178.16.52.203', '154.18.238.18', '104.194.157.45']);
const WINDOW_START_MS = Date.parse('2026-11-20T00:00:00Z');
const WINDOW_SPAN_MS = 13 * 24 * 3600 * 1000;

interface Arguments {
  readonly rows: number;
  readonly hits: number;
  readonly rounds: number;
  readonly keep: boolean;
}

function readArguments(argv: readonly string[]): Arguments {
  const valueOf = (flag: string, fallback: number): number => {
    const index = argv.indexOf(flag);
    const value = index === -1 ? fallback : Number(argv[index + 1]);
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`${flag} takes a whole number`);
    return value;
  };
  return {
    rows: valueOf('--rows', 1_000_000),
    hits: valueOf('--hits', 300),
    rounds: Math.max(1, valueOf('--rounds', 1)),
    keep: argv.includes('--keep'),
  };
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * Writes `rows` rows shaped like the lab export: background rows are the lab's own rows (every
 * column, real command lines) with new times, ports and report ids; `hits` rows are the lab's
 * rows to the C2 endpoint, spread evenly through the file.
 */
async function generateExport(path: string, rows: number, hits: number): Promise<void> {
  const records = parseSync(await readFile(SAMPLE, 'utf8'), { columns: true }) as Record<
    string,
    string
  >[];
  const columns = Object.keys(records[0] ?? {});
  const hitTemplates = records.filter(
    (r) => r.RemoteIP === C2.address && r.RemotePort === String(C2.port),
  );
  const background = records.filter((r) => !LAB_C2_ADDRESSES.has(r.RemoteIP ?? ''));
  if (hitTemplates.length === 0 || background.length === 0)
    throw new Error(`${SAMPLE} lacks template rows`);

  const hitEvery = hits === 0 ? Infinity : Math.floor(rows / hits);
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  const write = (text: string): Promise<void> =>
    out.write(text) ? Promise.resolve() : new Promise((done) => out.once('drain', () => done()));

  await write(`${columns.join(',')}\r\n`);
  let batch: string[] = [];
  let written = 0;
  for (let n = 0; n < rows; n += 1) {
    const isHit = n % hitEvery === hitEvery - 1 && written < hits;
    if (isHit) written += 1;
    const template = isHit
      ? hitTemplates[n % hitTemplates.length]
      : background[(n * 7919) % background.length];
    const time = new Date(WINDOW_START_MS + Math.floor((n / rows) * WINDOW_SPAN_MS))
      .toISOString()
      .replace('Z', '0000Z');
    const row: Record<string, string> = {
      ...template,
      TimeGenerated: time,
      Timestamp: time,
      LocalPort: String(49152 + (n % 16384)),
      ReportId: String(100000 + n),
    };
    batch.push(columns.map((column) => csvField(row[column] ?? '')).join(','));
    if (batch.length === 5000) {
      await write(`${batch.join('\r\n')}\r\n`);
      batch = [];
    }
  }
  if (batch.length > 0) await write(`${batch.join('\r\n')}\r\n`);
  await new Promise<void>((done, fail) =>
    out.end((error?: Error | null) => (error ? fail(error) : done())),
  );
}

/** csv-parse alone, same options and same read loop as the log source. */
async function parseOnly(path: string): Promise<number> {
  const input = createReadStream(path, { highWaterMark: 1 << 20 });
  const parser = parse(EXPORT_CSV_OPTIONS);
  let rows = 0;
  parser.on('readable', () => {
    while (parser.read() !== null) rows += 1;
  });
  await pipeline(input, parser);
  return rows;
}

async function main(): Promise<void> {
  const args = readArguments(process.argv.slice(2));
  const directory = await mkdtemp(join(tmpdir(), 'c2r-bench-hunt-'));
  const file = join(directory, 'DeviceNetworkEvents.csv');

  try {
    let started = performance.now();
    await generateExport(file, args.rows, args.hits);
    const size = (await stat(file)).size;
    console.log(
      `export: ${args.rows.toLocaleString('en')} rows, ${(size / 1e6).toFixed(0)} MB, ${args.hits} hits on ${C2.address}:${C2.port} (written in ${((performance.now() - started) / 1000).toFixed(1)} s)`,
    );

    // Warm the page cache so that neither run pays for the first read from disk.
    await pipeline(createReadStream(file), async function* (source) {
      for await (const _chunk of source) yield* [];
    });

    const request: HuntRequest = {
      table: 'DeviceNetworkEvents',
      indicators: [
        { ...C2, family: 'IPv4', key: `${C2.address}:${C2.port}` },
        { address: '154.18.238.18', port: 8848, family: 'IPv4', key: '154.18.238.18:8848' },
        { address: '104.194.157.45', port: 7001, family: 'IPv4', key: '104.194.157.45:7001' },
      ],
      window: { start: '2026-11-20T00:00:00Z', end: '2026-12-03T00:00:00Z' },
      sampleSize: 20,
    };
    const source = new ExportedLogSource({ logsDirectory: directory });
    let parseSeconds = Infinity;
    let huntSeconds = Infinity;
    let parsedRows = 0;
    let result: HuntResult | undefined;
    for (let round = 0; round < args.rounds; round += 1) {
      started = performance.now();
      parsedRows = await parseOnly(file);
      parseSeconds = Math.min(parseSeconds, (performance.now() - started) / 1000);

      started = performance.now();
      result = await source.runHunt(request);
      huntSeconds = Math.min(huntSeconds, (performance.now() - started) / 1000);
    }

    if (!result) throw new Error('no round ran');
    const hitRows = result.findings.reduce((sum, finding) => sum + finding.count, 0);
    if (result.outcome.status !== 'complete')
      throw new Error(`hunt ${result.outcome.status}: ${result.outcome.reason}`);
    if (parsedRows !== args.rows)
      throw new Error(`parsed ${parsedRows} rows, expected ${args.rows}`);
    if (hitRows !== args.hits)
      throw new Error(`hunt found ${hitRows} hit rows, expected ${args.hits}`);

    const rate = (seconds: number): string => Math.round(args.rows / seconds).toLocaleString('en');
    console.log(`parse: ${parseSeconds.toFixed(2)} s, ${rate(parseSeconds)} rows/s`);
    console.log(
      `hunt:  ${huntSeconds.toFixed(2)} s, ${rate(huntSeconds)} rows/s, ${result.findings.length} findings, ${hitRows} hit rows`,
    );
    const ratio = huntSeconds / parseSeconds;
    console.log(`target: at most 1.5x parsing alone: ${ratio <= 1.5 ? 'met' : 'NOT met'}`);
    console.log(`ratio=${ratio.toFixed(2)}`);
  } finally {
    if (args.keep) console.log(`kept ${file}`);
    else await rm(directory, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
