/**
 * A false-positive exclusion scenario of the detection write-up, as data: a condition over the
 * initiating process of a DeviceNetworkEvents row. The same condition renders to a KQL `case()`
 * branch (kqlRenderer.ts) and is evaluated here in process; both read the operators below with
 * KQL's meaning, so the two backends agree row for row.
 */

/** The write-up's field names, mapped to DeviceNetworkEvents columns by EXCLUSION_FIELD_COLUMNS. */
export type ProcessField = 'fileName' | 'folderPath' | 'commandLine' | 'parentFileName';

/**
 * `process.image` -> the file name and the full image path (Defender's InitiatingProcessFolderPath
 * includes the file name), `process.command_line` -> the command line, `process.parent_process`
 * -> the parent's file name.
 */
export const EXCLUSION_FIELD_COLUMNS: Readonly<Record<ProcessField, string>> = {
  fileName: 'InitiatingProcessFileName',
  folderPath: 'InitiatingProcessFolderPath',
  commandLine: 'InitiatingProcessCommandLine',
  parentFileName: 'InitiatingProcessParentFileName',
};

/**
 * Each operator means what the KQL operator of the same name means: case-insensitive, `in~` is a
 * whole-value match against any of the values, the string operators match when any value does.
 * An absent field is the empty string, as a null string column is in Kusto. Values must be ASCII:
 * case is folded for A-Z only, which for ASCII values is what Kusto's ordinal ignore-case
 * comparison does, except for the few non-ASCII letters whose upper case is ASCII (dotless i,
 * long s), which are not folded here (#2).
 */
export type ExclusionCondition =
  | {
      readonly op: 'in~' | 'contains' | 'startswith' | 'endswith';
      readonly field: ProcessField;
      readonly values: readonly string[];
    }
  | { readonly op: 'isnotempty'; readonly field: ProcessField }
  | { readonly op: 'and'; readonly all: readonly ExclusionCondition[] }
  | { readonly op: 'or'; readonly any: readonly ExclusionCondition[] }
  | { readonly op: 'not'; readonly condition: ExclusionCondition };

export interface ExclusionScenario {
  /** `S1`...`S5`, the write-up's order. */
  readonly id: string;
  readonly name: string;
  /** The filter as the write-up states it, kept to show what was resolved and how. */
  readonly writeUpFilter: string;
  /** How the ambiguous parts were resolved, and why. */
  readonly resolution: string;
  /** A sentence for the analyst when the scenario explains a finding. */
  readonly explanation: string;
  readonly condition: ExclusionCondition;
}

/** The process fields of one row, as read from the log (any case, possibly absent). */
export interface ProcessFieldValues {
  readonly fileName?: string | undefined;
  readonly folderPath?: string | undefined;
  readonly commandLine?: string | undefined;
  readonly parentFileName?: string | undefined;
}

const FIELDS: readonly ProcessField[] = ['fileName', 'folderPath', 'commandLine', 'parentFileName'];

/** Marks a field's feature mask as computed; leaves 30 bits for the field's predicates. */
const COMPUTED = 1 << 30;
const MAX_PREDICATES_PER_FIELD = 30;
/** Distinct values remembered per field before the memory starts over (bounded memory). */
const MEMO_LIMIT = 8192;

/** A predicate over one field's raw text. */
type TextTest = (text: string) => boolean;

interface FieldMemo {
  readonly tests: TextTest[];
  readonly memo: Map<string, number>;
}

/** One row being matched: raw field values and their feature masks, computed on first use. */
interface RowState {
  readonly values: string[];
  readonly masks: number[];
}

type CompiledTest = (row: RowState) => boolean;

/** Evaluates scenarios in their given order; the first that matches explains the row. */
export interface ExclusionMatcher {
  match(fields: ProcessFieldValues): ExclusionScenario | undefined;
}

/**
 * Compiles the scenarios once. Every leaf test (`in~`, `contains`...) on an image or parent field
 * becomes one bit of that field's feature mask; a row's mask is computed when a scenario first
 * needs it and remembered per distinct value, because telemetry repeats the same few hundred
 * images and parents over and over. Needles are lower-cased here and rows are never lower-cased: each test
 * folds A-Z while it compares (bench/exclusions measures the cost).
 */
export function createExclusionMatcher(scenarios: readonly ExclusionScenario[]): ExclusionMatcher {
  const memos: FieldMemo[] = FIELDS.map(() => ({ tests: [], memo: new Map<string, number>() }));
  const compiled = scenarios.map((scenario) => ({
    scenario,
    test: compileCondition(scenario.condition, memos),
  }));
  const row: RowState = { values: ['', '', '', ''], masks: [0, 0, 0, 0] };

  return {
    match(values) {
      row.values[0] = stringOrEmpty(values.fileName);
      row.values[1] = stringOrEmpty(values.folderPath);
      row.values[2] = stringOrEmpty(values.commandLine);
      row.values[3] = stringOrEmpty(values.parentFileName);
      row.masks[0] = row.masks[1] = row.masks[2] = row.masks[3] = 0;
      for (const { scenario, test } of compiled) {
        if (test(row)) return scenario;
      }
      return undefined;
    },
  };
}

function stringOrEmpty(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function maskOf(row: RowState, index: number, field: FieldMemo): number {
  const known = row.masks[index] as number;
  if (known !== 0) return known;

  const text = row.values[index] as string;
  let mask = field.memo.get(text);
  if (mask === undefined) {
    mask = COMPUTED;
    for (let bit = 0; bit < field.tests.length; bit += 1) {
      if ((field.tests[bit] as TextTest)(text)) mask |= 1 << bit;
    }
    if (field.memo.size >= MEMO_LIMIT) field.memo.clear();
    field.memo.set(text, mask);
  }
  row.masks[index] = mask;
  return mask;
}

function leaf(fieldName: ProcessField, test: TextTest, memos: FieldMemo[]): CompiledTest {
  const index = FIELDS.indexOf(fieldName);
  // Command lines are long and often one-off: hashing one to look it up costs as much as the
  // search itself, so their tests run directly, each only when a scenario reaches it.
  if (fieldName === 'commandLine') return (row) => test(row.values[index] as string);

  const field = memos[index] as FieldMemo;
  if (field.tests.length >= MAX_PREDICATES_PER_FIELD) {
    throw new RangeError(`more than ${MAX_PREDICATES_PER_FIELD} exclusion tests on ${fieldName}`);
  }
  const bit = 1 << field.tests.length;
  field.tests.push(test);

  return (row) => (maskOf(row, index, field) & bit) !== 0;
}

function compileCondition(condition: ExclusionCondition, memos: FieldMemo[]): CompiledTest {
  switch (condition.op) {
    case 'in~': {
      const byLength = new Map<number, string[]>();
      for (const value of needlesOf(condition)) {
        byLength.set(value.length, [...(byLength.get(value.length) ?? []), value]);
      }
      return leaf(
        condition.field,
        (text) => {
          const candidates = byLength.get(text.length);
          if (candidates === undefined) return false;
          for (const needle of candidates) if (equalsFolded(text, 0, needle)) return true;
          return false;
        },
        memos,
      );
    }
    case 'contains': {
      const searches = needlesOf(condition).map(compileSearch);
      return leaf(
        condition.field,
        (text) => {
          for (const search of searches) if (search(text)) return true;
          return false;
        },
        memos,
      );
    }
    case 'startswith': {
      const needles = needlesOf(condition);
      return leaf(
        condition.field,
        (text) => {
          for (const needle of needles) {
            if (text.length >= needle.length && equalsFolded(text, 0, needle)) return true;
          }
          return false;
        },
        memos,
      );
    }
    case 'endswith': {
      const needles = needlesOf(condition);
      return leaf(
        condition.field,
        (text) => {
          for (const needle of needles) {
            const at = text.length - needle.length;
            if (at >= 0 && equalsFolded(text, at, needle)) return true;
          }
          return false;
        },
        memos,
      );
    }
    case 'isnotempty':
      return leaf(condition.field, (text) => text.length > 0, memos);
    case 'and': {
      const parts = condition.all.map((part) => compileCondition(part, memos));
      return (row) => {
        for (const part of parts) if (!part(row)) return false;
        return true;
      };
    }
    case 'or': {
      const parts = condition.any.map((part) => compileCondition(part, memos));
      return (row) => {
        for (const part of parts) if (part(row)) return true;
        return false;
      };
    }
    case 'not': {
      const inner = compileCondition(condition.condition, memos);
      return (row) => !inner(row);
    }
  }
}

function needlesOf(condition: {
  readonly field: ProcessField;
  readonly values: readonly string[];
}): string[] {
  // An empty needle would match every row: a scenario that excuses everything is a bug.
  if (condition.values.length === 0 || condition.values.some((value) => value.length === 0)) {
    throw new RangeError(`an exclusion condition on ${condition.field} needs non-empty values`);
  }
  // eslint-disable-next-line no-control-regex
  const nonAscii = condition.values.find((value) => /[^\x00-\x7f]/.test(value));
  if (nonAscii !== undefined) {
    throw new RangeError(`exclusion values must be ASCII, got ${JSON.stringify(nonAscii)}`);
  }

  return condition.values.map((value) => value.toLowerCase());
}

/** `text` at `offset` equals the lower-case `needle`, folding A-Z. */
function equalsFolded(text: string, offset: number, needle: string): boolean {
  for (let index = 0; index < needle.length; index += 1) {
    let code = text.charCodeAt(offset + index);
    if (code >= 65 && code <= 90) code |= 0x20;
    if (code !== needle.charCodeAt(index)) return false;
  }
  return true;
}

/**
 * A case-insensitive substring search for one lower-case needle. It anchors on the needle's
 * first character that has no case (a backslash, a dot, a hyphen), found with the native
 * indexOf; a needle of letters only anchors on its first letter in both cases.
 */
function compileSearch(needle: string): (text: string) => boolean {
  const anchorAt = needle.search(/[^a-z]/);
  if (anchorAt >= 0) {
    const anchor = needle.charAt(anchorAt);
    return (text) => {
      let found = text.indexOf(anchor, anchorAt);
      while (found >= 0) {
        const start = found - anchorAt;
        if (start + needle.length <= text.length && equalsFolded(text, start, needle)) return true;
        found = text.indexOf(anchor, found + 1);
      }
      return false;
    };
  }

  const lower = needle.charAt(0);
  const upper = lower.toUpperCase();
  return (text) => {
    for (const first of [lower, upper]) {
      let found = text.indexOf(first);
      while (found >= 0 && found + needle.length <= text.length) {
        if (equalsFolded(text, found, needle)) return true;
        found = text.indexOf(first, found + 1);
      }
    }
    return false;
  };
}
