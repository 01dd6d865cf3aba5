import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';

import type { Allowlist } from './blockability';
import { assessBlockabilityWith, parseAllowlist } from './blockability';
import type { AssessedIndicator, IndicatorFeed, RejectedLine, ThreatFoxContext } from './indicator';
import { tryParseIndicator } from './indicatorParser';

export interface FeedOptions {
  /** Addresses and CIDR blocks never to block; a malformed entry throws ValidationError. */
  readonly allowlist: readonly string[];
}

export type FeedFormat = 'threatfox-json' | 'threatfox-jsonl' | 'threatfox-csv' | 'ip-port-list';

/** One feed entry before parsing: where it was, its raw value, and what ThreatFox said about it. */
interface FeedEntry {
  readonly line: number;
  readonly text: string;
  readonly iocType?: string;
  readonly context?: ThreatFoxContext;
}

const IP_PORT = 'ip:port';

/**
 * Keeps the first entry of each key, counts the rest as duplicates, and records why every other
 * entry was refused. Never throws for a bad entry: one bad line must not cost the whole feed.
 */
function collect(
  entries: readonly (FeedEntry | RejectedLine)[],
  allowlist: Allowlist,
): IndicatorFeed {
  const indicators = new Map<string, AssessedIndicator>();
  const rejected: RejectedLine[] = [];
  let duplicates = 0;

  for (const entry of entries) {
    if ('reason' in entry) {
      rejected.push(entry);
      continue;
    }
    if (entry.iocType !== undefined && entry.iocType !== IP_PORT) {
      rejected.push({
        line: entry.line,
        text: entry.text,
        reason: `ioc_type "${entry.iocType}" is not ${IP_PORT}`,
      });
      continue;
    }
    const parsed = tryParseIndicator(entry.text);
    if (!parsed.ok) {
      rejected.push({ line: entry.line, text: entry.text, reason: parsed.reason });
      continue;
    }
    if (indicators.has(parsed.indicator.key)) {
      duplicates += 1;
      continue;
    }
    const indicator = entry.context
      ? { ...parsed.indicator, threatFox: entry.context }
      : parsed.indicator;
    indicators.set(indicator.key, {
      ...indicator,
      blockability: assessBlockabilityWith(indicator, allowlist),
    });
  }

  return { indicators: [...indicators.values()], rejected, duplicates };
}

const optionalText = z
  .union([z.string(), z.number(), z.null()])
  .optional()
  .transform((value) =>
    value === null || value === undefined || value === '' ? undefined : String(value),
  );

/** A record of the ThreatFox API (`data[]` of `get_iocs`, `search_ioc`, ...), only the fields used. */
const threatFoxRecord = z.object({
  id: z.union([z.string(), z.number()]).optional(),
  ioc: z.string(),
  ioc_type: z.string(),
  threat_type: optionalText,
  malware: optionalText,
  malware_printable: optionalText,
  confidence_level: z.union([z.number(), z.string(), z.null()]).optional(),
  first_seen: optionalText,
  is_compromised: z.union([z.boolean(), z.string(), z.null()]).optional(),
  reference: optionalText,
  tags: z.union([z.array(z.string()), z.string(), z.null()]).optional(),
});

function confidenceOf(value: number | string | null | undefined): number | undefined {
  if (value === null || value === undefined || value === '' || value === 'None') return undefined;
  const number = Number(value);

  return Number.isInteger(number) && number >= 0 && number <= 100 ? number : undefined;
}

function flagOf(value: boolean | string | null | undefined): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  const lower = value.toLowerCase();

  return lower === 'true' ? true : lower === 'false' ? false : undefined;
}

function tagsOf(value: readonly string[] | string | null | undefined): string[] {
  const list = typeof value === 'string' ? value.split(',') : (value ?? []);

  return list.map((tag) => tag.trim()).filter((tag) => tag !== '' && tag !== 'None');
}

/** Drops keys whose value is undefined, so that audit records and equality checks stay tidy. */
function withoutUndefined(context: ThreatFoxContext): ThreatFoxContext {
  return Object.fromEntries(
    Object.entries(context).filter(([, value]) => value !== undefined),
  ) as ThreatFoxContext;
}

function issuesText(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.join('.') || 'record'}: ${issue.message}`)
    .join('; ');
}

function entryFromRecord(record: unknown, line: number): FeedEntry | RejectedLine {
  const parsed = threatFoxRecord.safeParse(record);
  if (!parsed.success) {
    return {
      line,
      text: (JSON.stringify(record) ?? String(record)).slice(0, 200),
      reason: `not a ThreatFox record: ${issuesText(parsed.error)}`,
    };
  }
  const value = parsed.data;

  return {
    line,
    text: value.ioc,
    iocType: value.ioc_type,
    context: withoutUndefined({
      iocId: value.id === undefined ? undefined : String(value.id),
      malware: value.malware_printable ?? value.malware,
      threatType: value.threat_type,
      confidenceLevel: confidenceOf(value.confidence_level),
      firstSeen: value.first_seen,
      isCompromised: flagOf(value.is_compromised),
      tags: tagsOf(value.tags),
      reference: value.reference,
    }),
  };
}

/** The records of an API response, a bare array, or a single record, or why there are none. */
function recordsOfJson(value: unknown): { records: readonly unknown[]; problem?: string } {
  if (Array.isArray(value)) return { records: value };
  if (value === null || typeof value !== 'object')
    return { records: [], problem: 'the JSON is neither an object nor an array' };

  const response = value as { query_status?: unknown; data?: unknown };
  if (response.query_status !== undefined && response.query_status !== 'ok') {
    return {
      records: [],
      problem: `ThreatFox answered query_status "${String(response.query_status)}"`,
    };
  }
  if (Array.isArray(response.data)) return { records: response.data };
  if ('ioc' in response) return { records: [response] };

  return { records: [], problem: 'the JSON has no "data" array of ThreatFox records' };
}

/**
 * The ThreatFox API response (`{query_status, data: [...]}`) or a bare array of its records.
 * For JSON, a rejected entry's `line` is the record's 1-based position in the array.
 */
export function readThreatFoxJson(text: string, options: FeedOptions): IndicatorFeed {
  const allowlist = parseAllowlist(options.allowlist);

  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    const reason = `not valid JSON: ${error instanceof Error ? error.message : String(error)}`;
    return collect([{ line: 1, text: text.slice(0, 200), reason }], allowlist);
  }
  const { records, problem } = recordsOfJson(value);
  const entries: (FeedEntry | RejectedLine)[] = records.map((record, index) =>
    entryFromRecord(record, index + 1),
  );
  if (problem) entries.push({ line: 1, text: text.slice(0, 200), reason: problem });

  return collect(entries, allowlist);
}

/** JSON Lines: one ThreatFox record per line, as bulk exports and test data write them. */
export function readThreatFoxJsonLines(text: string, options: FeedOptions): IndicatorFeed {
  const allowlist = parseAllowlist(options.allowlist);

  const entries = linesOf(text).map(({ line, content }): FeedEntry | RejectedLine => {
    try {
      return entryFromRecord(JSON.parse(content), line);
    } catch {
      return { line, text: content, reason: 'not a JSON record' };
    }
  });

  return collect(entries, allowlist);
}

/** The columns of https://threatfox.abuse.ch/export/csv/, used when the header comment is missing. */
const THREATFOX_CSV_COLUMNS = [
  'first_seen_utc',
  'ioc_id',
  'ioc_value',
  'ioc_type',
  'threat_type',
  'fk_malware',
  'malware_alias',
  'malware_printable',
  'last_seen_utc',
  'confidence_level',
  'is_compromised',
  'reference',
  'tags',
  'anonymous',
  'reporter',
];

function linesOf(text: string): { line: number; content: string }[] {
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\n|\r/)
    .map((content, index) => ({ line: index + 1, content: content.trim() }))
    .filter(({ content }) => content !== '' && !content.startsWith('#'));
}

function csvFields(content: string): string[] | string {
  try {
    const rows = parseCsv(content, { trim: true, relax_column_count: true }) as string[][];
    return rows[0] ?? [];
  } catch (error) {
    return `not a CSV row: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/**
 * The column list: from the export's `# "first_seen_utc","ioc_id",...` comment line, else from a
 * first row that names `ioc_value` (republished lists), else the export's documented columns.
 */
function csvColumns(text: string): { columns: readonly string[]; headerLine?: number } {
  const comment = text.split(/\r\n|\n|\r/).find((line) => /^#\s*"?first_seen/.test(line.trim()));
  const commentFields =
    comment === undefined ? undefined : csvFields(comment.trim().replace(/^#\s*/, ''));
  if (Array.isArray(commentFields) && commentFields.includes('ioc_value'))
    return { columns: commentFields };

  const first = linesOf(text)[0];
  const firstFields = first === undefined ? undefined : csvFields(first.content);
  if (first && Array.isArray(firstFields) && firstFields.includes('ioc_value')) {
    return { columns: firstFields, headerLine: first.line };
  }

  return { columns: THREATFOX_CSV_COLUMNS };
}

/**
 * ThreatFox's CSV export: CRLF lines, a `#` comment block naming the columns, `", "` between
 * quoted fields, and "None" for empty values. Each line is parsed alone, so a broken line is
 * rejected and the rest still read.
 */
export function readThreatFoxCsv(text: string, options: FeedOptions): IndicatorFeed {
  const allowlist = parseAllowlist(options.allowlist);
  const { columns, headerLine } = csvColumns(text);

  const rows = linesOf(text).filter(({ line }) => line !== headerLine);
  const entries = rows.map(({ line, content }): FeedEntry | RejectedLine => {
    const fields = csvFields(content);
    if (typeof fields === 'string') return { line, text: content, reason: fields };
    const row = new Map(columns.map((column, index) => [column, fields[index]]));
    const field = (name: string): string | undefined => {
      const value = row.get(name);
      return value === undefined || value === '' || value === 'None' ? undefined : value;
    };
    const ioc = field('ioc_value');
    if (ioc === undefined) return { line, text: content, reason: 'the row has no ioc_value' };

    return {
      line,
      text: ioc,
      iocType: field('ioc_type') ?? IP_PORT,
      context: withoutUndefined({
        iocId: field('ioc_id'),
        malware: field('malware_printable') ?? field('fk_malware'),
        threatType: field('threat_type'),
        confidenceLevel: confidenceOf(field('confidence_level')),
        firstSeen: field('first_seen_utc') ?? field('first_seen_date'),
        isCompromised: flagOf(field('is_compromised')),
        tags: tagsOf(field('tags')),
        reference: field('reference') ?? field('source_url'),
      }),
    };
  });

  return collect(entries, allowlist);
}

/** One `ip:port` per line (defanged or not); `#` starts a comment, blank lines are skipped. */
export function readIndicatorList(text: string, options: FeedOptions): IndicatorFeed {
  const allowlist = parseAllowlist(options.allowlist);

  const entries = linesOf(text)
    .map(({ line, content }) => ({ line, text: content.replace(/\s#.*$/, '').trim() }))
    .filter((entry) => entry.text !== '');

  return collect(entries, allowlist);
}

/** Which reader a text needs, from its first meaningful characters. */
export function detectFeedFormat(text: string): FeedFormat {
  const body = text.replace(/^\uFEFF/, '').trimStart();
  if (body.startsWith('{') || body.startsWith('[')) {
    try {
      JSON.parse(body);
      return 'threatfox-json';
    } catch {
      // An IPv6 list starts with "[" too; only a line that parses as a JSON object means JSON Lines.
      const first = body.split(/\r\n|\n|\r/, 1)[0] ?? '';
      if (body.startsWith('{') && isJsonObject(first)) return 'threatfox-jsonl';
    }
  }
  const firstRow = body
    .split(/\r\n|\n|\r/)
    .find((line) => line.trim() !== '' && !line.startsWith('#'));
  const csvHeader = firstRow !== undefined && /(^|,)"?ioc_value"?(,|$)/.test(firstRow);
  if (/^#\s*"?first_seen_utc/m.test(body) || /^"[^"]*",\s*"/m.test(body) || csvHeader) {
    return 'threatfox-csv';
  }

  return 'ip-port-list';
}

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  } catch {
    return false;
  }
}

const READERS: Readonly<Record<FeedFormat, (text: string, options: FeedOptions) => IndicatorFeed>> =
  {
    'threatfox-json': readThreatFoxJson,
    'threatfox-jsonl': readThreatFoxJsonLines,
    'threatfox-csv': readThreatFoxCsv,
    'ip-port-list': readIndicatorList,
  };

/**
 * Reads any supported feed: ThreatFox JSON (API response or bare array), JSON Lines, the CSV
 * export, or a plain list. Never throws for the text; only a malformed allowlist throws.
 */
export function readIndicatorFeed(text: string, options: FeedOptions): IndicatorFeed {
  return READERS[detectFeedFormat(text)](text, options);
}
