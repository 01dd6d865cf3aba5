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
 * An absent field is the empty string, as a null string column is in Kusto.
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

interface LoweredFields {
  fileName: string;
  folderPath: string;
  commandLine: string;
  parentFileName: string;
}

type CompiledTest = (fields: LoweredFields) => boolean;

/** Evaluates scenarios in their given order; the first that matches explains the row. */
export interface ExclusionMatcher {
  match(fields: ProcessFieldValues): ExclusionScenario | undefined;
}

/**
 * Compiles the scenarios once: needles are lower-cased here and each field once per row, so the
 * per-row cost is a few string searches (bench/exclusions measures it).
 */
export function createExclusionMatcher(scenarios: readonly ExclusionScenario[]): ExclusionMatcher {
  const compiled = scenarios.map((scenario) => ({
    scenario,
    test: compileCondition(scenario.condition),
  }));
  const lowered: LoweredFields = {
    fileName: '',
    folderPath: '',
    commandLine: '',
    parentFileName: '',
  };

  return {
    match(fields) {
      lowered.fileName = lowerOrEmpty(fields.fileName);
      lowered.folderPath = lowerOrEmpty(fields.folderPath);
      lowered.commandLine = lowerOrEmpty(fields.commandLine);
      lowered.parentFileName = lowerOrEmpty(fields.parentFileName);
      for (const { scenario, test } of compiled) {
        if (test(lowered)) return scenario;
      }
      return undefined;
    },
  };
}

function lowerOrEmpty(value: unknown): string {
  return typeof value === 'string' ? value.toLowerCase() : '';
}

function compileCondition(condition: ExclusionCondition): CompiledTest {
  switch (condition.op) {
    case 'in~': {
      const field = condition.field;
      const values = new Set(condition.values.map((value) => value.toLowerCase()));
      return (fields) => values.has(fields[field]);
    }
    case 'contains':
      return anyNeedle(condition.field, condition.values, (text, needle) => text.includes(needle));
    case 'startswith':
      return anyNeedle(condition.field, condition.values, (text, needle) =>
        text.startsWith(needle),
      );
    case 'endswith':
      return anyNeedle(condition.field, condition.values, (text, needle) => text.endsWith(needle));
    case 'isnotempty': {
      const field = condition.field;
      return (fields) => fields[field].length > 0;
    }
    case 'and': {
      const parts = condition.all.map(compileCondition);
      return (fields) => {
        for (const part of parts) if (!part(fields)) return false;
        return true;
      };
    }
    case 'or': {
      const parts = condition.any.map(compileCondition);
      return (fields) => {
        for (const part of parts) if (part(fields)) return true;
        return false;
      };
    }
    case 'not': {
      const inner = compileCondition(condition.condition);
      return (fields) => !inner(fields);
    }
  }
}

function anyNeedle(
  field: ProcessField,
  values: readonly string[],
  matches: (text: string, needle: string) => boolean,
): CompiledTest {
  // An empty needle would match every row: a scenario that excuses everything is a bug.
  if (values.length === 0 || values.some((value) => value.length === 0)) {
    throw new RangeError(`an exclusion condition on ${field} needs non-empty values`);
  }

  const needles = values.map((value) => value.toLowerCase());
  return (fields) => {
    const text = fields[field];
    if (text.length === 0) return false;
    for (const needle of needles) if (matches(text, needle)) return true;
    return false;
  };
}
