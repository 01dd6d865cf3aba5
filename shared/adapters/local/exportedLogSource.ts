import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

import type { Options as CsvOptions } from 'csv-parse';
import { parse } from 'csv-parse';

import type { HuntResult, HuntTable } from '../../domain/finding';
import type { HuntRequest } from '../../domain/huntDefinition';
import type { HuntAccumulator, LogRow } from '../../domain/huntEvaluator';
import { createHuntAccumulator } from '../../domain/huntEvaluator';
import type { LogSource } from '../../ports/logSource';
import { isMissingFile } from './atomicFile';
import { readJsonArrayItems } from './jsonArrayRows';
import { readCompleteLines } from './jsonLines';

/**
 * How a Log Analytics CSV export is read (RFC 4180, first row = the schema's column names). The
 * benchmark parses with the same options, so the two figures compare like with like.
 */
export const EXPORT_CSV_OPTIONS: CsvOptions = {
  columns: true,
  bom: true,
  skip_empty_lines: true,
  relax_quotes: false,
};

/** The export formats looked for, in this order, as `<Table>.<extension>`. */
const EXPORT_EXTENSIONS = ['csv', 'jsonl', 'json'] as const;
type ExportFormat = (typeof EXPORT_EXTENSIONS)[number];

export interface HuntProgress {
  readonly table: HuntTable;
  readonly file: string;
  readonly rows: number;
  readonly bytesRead: number;
  readonly totalBytes: number;
}

export interface ExportedLogSourceOptions {
  readonly logsDirectory: string;
  /** Called as the export is read (once per chunk read) and once at its end. */
  readonly onProgress?: (progress: HuntProgress) => void;
  /** The evaluator rows are handed to; the domain's by default. */
  readonly createAccumulator?: (request: HuntRequest) => HuntAccumulator;
}

/** A row the export could not yield: the hunt fails, naming the line. */
class ExportReadError extends Error {
  constructor(
    message: string,
    readonly line: number | undefined,
  ) {
    super(message);
  }
}

/**
 * Runs a hunt over exported Log Analytics files: `<Table>.csv`, `<Table>.jsonl` (one row object a
 * line) or `<Table>.json` (an array of row objects). Rows are streamed into the hunt evaluator, so
 * memory grows with the findings, not with the export. A table without an export is a missing data
 * connector; a file that breaks mid-way fails the hunt, never a partial success.
 */
export class ExportedLogSource implements LogSource {
  private readonly logsDirectory: string;
  private readonly onProgress: ((progress: HuntProgress) => void) | undefined;
  private readonly createAccumulator: (request: HuntRequest) => HuntAccumulator;

  constructor(options: ExportedLogSourceOptions) {
    this.logsDirectory = options.logsDirectory;
    this.onProgress = options.onProgress;
    this.createAccumulator = options.createAccumulator ?? createHuntAccumulator;
  }

  async runHunt(request: HuntRequest): Promise<HuntResult> {
    const found = await this.findExport(request.table);
    if (!found) {
      return this.withoutRows(request, {
        status: 'missing-table',
        reason: `no export of ${request.table} in ${this.logsDirectory}: its data connector is not enabled or the table was not exported`,
      });
    }

    const accumulator = this.createAccumulator(request);
    const progress = { table: request.table, file: found.path, totalBytes: found.size };
    try {
      const rows = await this.readRows(found.path, found.format, accumulator, progress);
      this.onProgress?.({ ...progress, rows, bytesRead: found.size });
    } catch (caught) {
      const error = isFileSystemError(caught)
        ? new ExportReadError(caught.message, undefined)
        : caught;
      if (!(error instanceof ExportReadError)) throw error;
      const where = error.line === undefined ? found.path : `${found.path} line ${error.line}`;
      return this.withoutRows(request, {
        status: 'failed',
        reason: `${where}: ${error.message}`,
      });
    }

    return accumulator.result();
  }

  private withoutRows(request: HuntRequest, outcome: HuntResult['outcome']): HuntResult {
    return { table: request.table, outcome, findings: [], sample: [], window: request.window };
  }

  private async findExport(
    table: HuntTable,
  ): Promise<{ path: string; format: ExportFormat; size: number } | undefined> {
    for (const format of EXPORT_EXTENSIONS) {
      const path = join(this.logsDirectory, `${table}.${format}`);
      try {
        const info = await stat(path);
        if (info.isFile()) return { path, format, size: info.size };
      } catch (error) {
        if (!isMissingFile(error)) throw error;
      }
    }
    return undefined;
  }

  private readRows(
    path: string,
    format: ExportFormat,
    accumulator: HuntAccumulator,
    progress: Omit<HuntProgress, 'rows' | 'bytesRead'>,
  ): Promise<number> {
    switch (format) {
      case 'csv':
        return this.readCsv(path, accumulator, progress);
      case 'jsonl':
        return this.readJsonLines(path, accumulator, progress);
      case 'json':
        return this.readJsonArray(path, accumulator, progress);
    }
  }

  private async readCsv(
    path: string,
    accumulator: HuntAccumulator,
    progress: Omit<HuntProgress, 'rows' | 'bytesRead'>,
  ): Promise<number> {
    const input = createReadStream(path, { highWaterMark: 1 << 20 });
    const parser = parse(EXPORT_CSV_OPTIONS);
    let rows = 0;
    let bytesRead = 0;
    input.on('data', (chunk) => {
      bytesRead += chunk.length;
      this.onProgress?.({ ...progress, rows, bytesRead });
    });
    const consumed = new Promise<void>((resolve, reject) => {
      parser.on('readable', () => {
        try {
          let row: LogRow | null;
          while ((row = parser.read() as LogRow | null) !== null) {
            accumulator.add(row);
            rows += 1;
          }
        } catch (error) {
          parser.destroy(error as Error);
        }
      });
      parser.on('end', resolve);
      parser.on('error', reject);
    });

    try {
      await Promise.all([pipeline(input, parser), consumed]);
    } catch (error) {
      throw csvReadError(error);
    }
    return rows;
  }

  private async readJsonLines(
    path: string,
    accumulator: HuntAccumulator,
    progress: Omit<HuntProgress, 'rows' | 'bytesRead'>,
  ): Promise<number> {
    let rows = 0;
    for await (const line of readCompleteLines(path, 0, true)) {
      if (line.text.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(line.text);
      } catch (error) {
        throw new ExportReadError((error as Error).message, line.lineNumber);
      }
      accumulator.add(rowOf(value, line.lineNumber));
      rows += 1;
      if (rows % 10_000 === 0) this.onProgress?.({ ...progress, rows, bytesRead: line.next });
    }
    return rows;
  }

  private async readJsonArray(
    path: string,
    accumulator: HuntAccumulator,
    progress: Omit<HuntProgress, 'rows' | 'bytesRead'>,
  ): Promise<number> {
    let rows = 0;
    try {
      for await (const item of readJsonArrayItems(path)) {
        accumulator.add(rowOf(item.value, item.line));
        rows += 1;
        if (rows % 10_000 === 0)
          this.onProgress?.({ ...progress, rows, bytesRead: item.bytesRead });
      }
    } catch (error) {
      if (error instanceof Error && error.name === 'JsonArrayFormatError') {
        const { line } = error as Error & { line: number };
        throw new ExportReadError(error.message.replace(/^line \d+: /, ''), line);
      }
      throw error;
    }
    return rows;
  }
}

/**
 * A row object. Defender's streaming export wraps each row as `{category:
 * "AdvancedHunting-<Table>", properties: {...}}`; the row is what is under `properties`.
 */
function rowOf(value: unknown, line: number): LogRow {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ExportReadError('a row must be a JSON object', line);
  }

  const record = value as Record<string, unknown>;
  const properties = record.properties;
  if (
    typeof record.category === 'string' &&
    record.category.startsWith('AdvancedHunting-') &&
    properties !== null &&
    typeof properties === 'object'
  ) {
    return properties as LogRow;
  }
  return record;
}

/** The export could not be read (EACCES, EIO...): a failed hunt, not a programming error. */
function isFileSystemError(error: unknown): error is NodeJS.ErrnoException {
  return typeof error === 'object' && error !== null && 'syscall' in error && 'code' in error;
}

/** csv-parse errors carry the line where parsing stopped (CsvError `lines`). */
function csvReadError(error: unknown): Error {
  if (error instanceof ExportReadError) return error;
  const candidate = error as { code?: unknown; lines?: unknown; message?: unknown };
  if (typeof candidate?.code === 'string' && candidate.code.startsWith('CSV_')) {
    const line = typeof candidate.lines === 'number' ? candidate.lines : undefined;
    return new ExportReadError(String(candidate.message), line);
  }
  return error instanceof Error ? error : new Error(String(error));
}
