import type { Finding, FindingJudgement, JudgedFinding } from './finding';
import type { ExclusionScenario } from './exclusionScenario';
import { EXCLUSION_SCENARIOS, EXPECTED_IMAGE_PATHS } from './exclusionScenarios';

/**
 * Judges one finding from the exclusion attributed by its hunt (`exclusionId`, evaluated per row
 * before summarising, server side or in process). A firewall row carries no process, so no
 * scenario can explain it: no-process-context, which the verdict counts as unexplained.
 */
export function judgeFinding(
  finding: Finding,
  scenarios: readonly ExclusionScenario[] = EXCLUSION_SCENARIOS,
): JudgedFinding {
  return { ...finding, judgement: judgement(finding, scenarios) };
}

function judgement(finding: Finding, scenarios: readonly ExclusionScenario[]): FindingJudgement {
  const process = finding.process;
  if (!process) {
    return {
      kind: 'no-process-context',
      why:
        finding.table === 'CommonSecurityLog'
          ? `firewall ${finding.device} logged the session without process details, so no exclusion scenario can explain it`
          : `${finding.device} reported the connection without an initiating process, so no exclusion scenario can explain it`,
    };
  }

  const scenario = finding.exclusionId
    ? scenarios.find((candidate) => candidate.id === finding.exclusionId)
    : undefined;
  if (scenario) {
    return {
      kind: 'excluded',
      scenarioId: scenario.id,
      scenarioName: scenario.name,
      why: `scenario ${scenario.id.slice(1)} (${scenario.name}): ${scenario.explanation} - ${describe(process)}`,
    };
  }
  if (finding.exclusionId) {
    return {
      kind: 'unexplained',
      why: `the hunt named exclusion ${finding.exclusionId}, which is not a known scenario - ${describe(process)}`,
    };
  }

  const masquerade = masqueradeOf(process.fileName, process.folderPath);
  return {
    kind: 'unexplained',
    why: masquerade
      ? `${masquerade}; no exclusion scenario excuses it`
      : `no exclusion scenario explains ${describe(process)}`,
  };
}

function describe(process: NonNullable<Finding['process']>): string {
  const parts = [process.folderPath ?? process.fileName];
  if (process.parentFileName) parts.push(`parent ${process.parentFileName}`);

  return parts.join(', ');
}

/** A known Windows binary name running from somewhere else is how DCRat hides (EXPECTED.md). */
function masqueradeOf(fileName: string, folderPath: string | undefined): string | undefined {
  const name = fileName.toLowerCase();
  const paths = EXPECTED_IMAGE_PATHS[name];
  if (!paths || !folderPath || paths.includes(folderPath.toLowerCase())) return undefined;

  return `${fileName} runs from ${folderPath}, not from its Windows folder: a masquerade`;
}
