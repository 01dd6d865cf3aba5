import fc from 'fast-check';

import type {
  ExclusionCondition,
  ExclusionScenario,
  ProcessField,
  ProcessFieldValues,
} from '../../../shared/domain/exclusionScenario';
import { createExclusionMatcher } from '../../../shared/domain/exclusionScenario';
import { EXCLUSION_SCENARIOS } from '../../../shared/domain/exclusionScenarios';

/** The definition, read naively: fold A-Z of every value, then the string operators. */
function reference(condition: ExclusionCondition, row: ProcessFieldValues): boolean {
  const fold = (value: string | undefined): string =>
    (value ?? '').replace(/[A-Z]/g, (letter) => letter.toLowerCase());
  switch (condition.op) {
    case 'in~':
      return condition.values.some((value) => fold(value) === fold(row[condition.field]));
    case 'contains':
      return condition.values.some((value) => fold(row[condition.field]).includes(fold(value)));
    case 'startswith':
      return condition.values.some((value) => fold(row[condition.field]).startsWith(fold(value)));
    case 'endswith':
      return condition.values.some((value) => fold(row[condition.field]).endsWith(fold(value)));
    case 'isnotempty':
      return (row[condition.field] ?? '').length > 0;
    case 'and':
      return condition.all.every((part) => reference(part, row));
    case 'or':
      return condition.any.some((part) => reference(part, row));
    case 'not':
      return !reference(condition.condition, row);
  }
}

function referenceMatch(row: ProcessFieldValues): string {
  return EXCLUSION_SCENARIOS.find((scenario) => reference(scenario.condition, row))?.id ?? '';
}

function scenario(condition: ExclusionCondition): ExclusionScenario {
  return { id: 'T', name: 'test', writeUpFilter: '', resolution: '', explanation: '', condition };
}

/** Fragments of the scenarios' own needles, so random values often come close to matching. */
const fragments = fc.constantFrom(
  'c:\\windows\\system32\\',
  'C:\\Windows\\SysWOW64\\',
  'windowspowershell\\v1.0\\',
  'powershell.exe',
  'PWSH.exe',
  'c:\\program files\\powershell\\7\\',
  'c:\\program files\\splunkuniversalforwarder\\bin\\',
  'splunk.exe',
  'svchost.exe',
  'wuauclt.exe',
  '\\users\\',
  '\\AppData\\',
  '\\temp\\',
  'schtasks.exe',
  'SchTasks.EXE',
  'Get-EventLog',
  'invoke-command',
  'input',
  'OUTPUT',
  'logstash',
  'java.exe',
  'taskhostw.exe',
  'İ',
  '\u212a',
  ' ',
  '\\',
);
const fieldValue = fc.oneof(
  fc.string(),
  fc.array(fragments, { maxLength: 5 }).map((parts) => parts.join('')),
  fc.constant(undefined),
);

describe('createExclusionMatcher', () => {
  it('attributes the same scenario as a naive reading of the definitions, for any process fields', () => {
    const matcher = createExclusionMatcher(EXCLUSION_SCENARIOS);

    fc.assert(
      fc.property(
        fc.record({
          fileName: fieldValue,
          folderPath: fieldValue,
          commandLine: fieldValue,
          parentFileName: fieldValue,
        }),
        (row) => {
          expect(matcher.match(row)?.id ?? '').toBe(referenceMatch(row));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('never throws on fields of the wrong type', () => {
    const matcher = createExclusionMatcher(EXCLUSION_SCENARIOS);

    fc.assert(
      fc.property(fc.anything(), fc.anything(), fc.anything(), fc.anything(), (a, b, c, d) => {
        const row = { fileName: a, folderPath: b, commandLine: c, parentFileName: d };
        expect(() => matcher.match(row as ProcessFieldValues)).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });

  it('gives the answer for a value seen before from memory, unchanged', () => {
    const matcher = createExclusionMatcher(EXCLUSION_SCENARIOS);
    const wuauclt = {
      fileName: 'wuauclt.exe',
      folderPath: 'c:\\windows\\system32\\wuauclt.exe',
      parentFileName: 'svchost.exe',
    };
    const masquerade = { ...wuauclt, folderPath: 'c:\\users\\a\\wuauclt.exe' };

    expect([wuauclt, masquerade, wuauclt, masquerade].map((row) => matcher.match(row)?.id)).toEqual(
      ['S4', undefined, 'S4', undefined],
    );
  });

  it('still answers correctly after remembering more distinct values than its memory holds', () => {
    const matcher = createExclusionMatcher(EXCLUSION_SCENARIOS);
    for (let index = 0; index < 9000; index += 1) {
      matcher.match({ fileName: `tool${index}.exe`, folderPath: `c:\\tools\\tool${index}.exe` });
    }

    expect(
      matcher.match({ fileName: 'CcmExec.exe', folderPath: 'C:\\Windows\\CCM\\CcmExec.exe' })?.id,
    ).toBe('S4');
  });

  it.each([
    ['an empty needle', { op: 'contains', field: 'commandLine', values: [''] }],
    ['no needles', { op: 'in~', field: 'fileName', values: [] }],
    ['a non-ASCII needle', { op: 'endswith', field: 'folderPath', values: ['\\ünï.exe'] }],
  ] as const)('refuses a condition with %s', (_what, condition) => {
    expect(() => createExclusionMatcher([scenario(condition as ExclusionCondition)])).toThrow(
      RangeError,
    );
  });

  it('refuses more tests on one field than its feature mask holds', () => {
    const field: ProcessField = 'fileName';
    const many: ExclusionCondition = {
      op: 'or',
      any: Array.from({ length: 31 }, (_, index) => ({
        op: 'in~' as const,
        field,
        values: [`tool${index}.exe`],
      })),
    };

    expect(() => createExclusionMatcher([scenario(many)])).toThrow(RangeError);
  });
});
