import { createExclusionMatcher } from '../../../shared/domain/exclusionScenario';
import {
  EXCLUSION_SCENARIOS,
  exclusionScenarioById,
} from '../../../shared/domain/exclusionScenarios';
import { EXCLUSION_EDGE_CASES } from '../../fixtures/exclusionEdgeCases';

describe('the five exclusion scenarios', () => {
  const matcher = createExclusionMatcher(EXCLUSION_SCENARIOS);

  it.each(
    EXCLUSION_EDGE_CASES.map((edge) => [edge.title, edge.expected || 'nothing', edge] as const),
  )('%s: explained by %s', (_title, _expected, edge) => {
    const scenario = matcher.match({
      fileName: edge.InitiatingProcessFileName,
      folderPath: edge.InitiatingProcessFolderPath,
      commandLine: edge.InitiatingProcessCommandLine,
      parentFileName: edge.InitiatingProcessParentFileName,
    });

    expect(scenario?.id ?? '').toBe(edge.expected);
  });

  it('keeps the write-up order of ids, evaluating the broad S1 last', () => {
    expect(EXCLUSION_SCENARIOS.map((scenario) => scenario.id)).toEqual([
      'S2',
      'S3',
      'S4',
      'S5',
      'S1',
    ]);
  });

  it('keeps the write-up names and filters beside the resolution', () => {
    expect(
      ['S1', 'S2', 'S3', 'S4', 'S5'].map((id) => {
        const scenario = exclusionScenarioById(id);
        return [
          scenario?.name,
          scenario?.writeUpFilter.length !== 0,
          (scenario?.resolution.length ?? 0) > 40,
        ];
      }),
    ).toEqual([
      ['Scheduled System Maintenance Task', true, true],
      ['PowerShell Script for System Monitoring', true, true],
      ['Admin Tool for Remote Management', true, true],
      ['Software Update or Patching Job', true, true],
      ['Log Collection and Analysis Tool', true, true],
    ]);
    expect(exclusionScenarioById('S6')).toBeUndefined();
  });
});
