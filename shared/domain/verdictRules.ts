import type { HuntResult, JudgedFinding } from './finding';
import { judgeFinding } from './findingJudgement';
import type { Verdict } from './verdict';

/**
 * The incident's verdict from its hunts (issue 2, "Verdict"; EXPECTED.md "Verdicts"):
 * - malicious: any finding unexplained, firewall findings included (no scenario can explain a row
 *   without process context). A hunt that failed does not hold this back: an unexplained finding
 *   in a complete hunt is evidence enough, and the reasons say which hunt is missing.
 * - inconclusive: otherwise, any hunt failed, was partial, lacked its table, or no hunt ran. Never
 *   benign and never no-activity on missing data.
 * - benign: at least one finding and every finding excluded.
 * - no-activity: every hunt complete and nothing found.
 */
export function reachVerdict(hunts: readonly HuntResult[]): Verdict {
  const findings = hunts.flatMap((hunt) => hunt.findings.map((finding) => judgeFinding(finding)));
  const unexplained = findings.filter((finding) => finding.judgement.kind !== 'excluded');
  const incomplete = hunts.filter((hunt) => hunt.outcome.status !== 'complete');
  const huntSummaries = hunts.map(({ table, outcome, window }) => ({ table, outcome, window }));
  const missing = incomplete.map(incompleteReason);
  const verdict = (kind: Verdict['kind'], reasons: string[]): Verdict => ({
    kind,
    reasons,
    findings,
    hunts: huntSummaries,
  });

  if (unexplained.length > 0) {
    return verdict('malicious', [
      `${unexplained.length} of ${findings.length} findings ${unexplained.length === 1 ? 'is' : 'are'} not explained by any exclusion scenario (${rowsOf(unexplained)} rows).`,
      ...unexplained.map(findingSentence),
      ...findings.filter((finding) => finding.judgement.kind === 'excluded').map(findingSentence),
      ...missing.map((reason) => `${reason} The unexplained findings above are evidence enough.`),
    ]);
  }
  if (hunts.length === 0) {
    return verdict('inconclusive', ['No hunt ran, so nothing is known about the traffic.']);
  }
  if (incomplete.length > 0) {
    return verdict('inconclusive', [
      ...missing,
      ...(findings.length > 0
        ? [
            `The ${findings.length} findings of the complete hunts are all explained, but a missing hunt could hold unexplained traffic, so the incident cannot be called benign.`,
            ...findings.map(findingSentence),
          ]
        : [
            'The complete hunts found nothing, which is not proof of no activity while a hunt is missing.',
          ]),
    ]);
  }
  if (findings.length === 0) {
    return verdict('no-activity', [
      `Both hunts ran over ${windowText(hunts)} and found no traffic to or from the indicators.`,
    ]);
  }

  return verdict('benign', [
    `Every one of the ${findings.length} findings (${rowsOf(findings)} rows) is explained by an exclusion scenario.`,
    ...findings.map(findingSentence),
  ]);
}

function incompleteReason(hunt: HuntResult): string {
  switch (hunt.outcome.status) {
    case 'missing-table':
      return `The ${hunt.table} hunt could not run: the table does not exist in the workspace; ensure its data connector is enabled (${hunt.outcome.reason}).`;
    case 'partial':
      return `The ${hunt.table} hunt returned partial results (${hunt.outcome.reason}).`;
    case 'failed':
      return `The ${hunt.table} hunt failed (${hunt.outcome.reason}).`;
    case 'complete':
      return `The ${hunt.table} hunt completed.`;
  }
}

function findingSentence(finding: JudgedFinding): string {
  const where =
    finding.table === 'CommonSecurityLog'
      ? `${finding.vendor ?? 'firewall'} ${finding.device}: ${finding.localAddress ?? '?'} ${finding.direction === 'outbound' ? '->' : '<-'} ${finding.remoteAddress}${finding.remotePort !== undefined ? `:${finding.remotePort}` : ''}${finding.localPort !== undefined ? ` (to local port ${finding.localPort})` : ''}`
      : `${finding.device}: ${finding.process?.fileName ?? 'no process'} -> ${finding.remoteAddress}${finding.remotePort !== undefined ? `:${finding.remotePort}` : ''}`;
  const port = finding.onIndicatorPort ? 'on the indicator port' : 'on another port';
  const allowed = finding.allowed === undefined ? '' : finding.allowed ? ', allowed' : ', blocked';

  return `${finding.table} ${where}, ${finding.action}${allowed}, ${finding.count}x ${port}, ${finding.firstSeen} - ${finding.lastSeen}: ${finding.judgement.kind}, ${finding.judgement.why}.`;
}

function rowsOf(findings: readonly JudgedFinding[]): number {
  return findings.reduce((sum, finding) => sum + finding.count, 0);
}

function windowText(hunts: readonly HuntResult[]): string {
  const windows = [...new Set(hunts.map((hunt) => `${hunt.window.start} - ${hunt.window.end}`))];

  return windows.join(' and ');
}
