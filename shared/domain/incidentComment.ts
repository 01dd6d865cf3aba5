import type { ContainmentResult } from './containment';
import type { JudgedFinding } from './finding';
import type { Verdict } from './verdict';

/**
 * The comments the product writes on an incident: what an analyst reads in the Sentinel portal.
 * Every value is HTML-escaped. A comment stays under Sentinel's limit of 30,000 characters: rows
 * are added whole until the budget is spent, then a note says how many were left out, so markup
 * is never cut in the middle.
 */
export const COMMENT_LIMIT = 30_000;
const BUDGET = COMMENT_LIMIT - 600;

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const VERDICT_TITLE: Record<Verdict['kind'], string> = {
  malicious: 'Malicious: traffic to the C2 endpoint that no known benign activity explains',
  benign: 'Benign: every finding is explained by a known benign activity',
  inconclusive: 'Inconclusive: the evidence is incomplete, the incident stays open',
  'no-activity': 'No activity: both hunts ran and found no traffic to the endpoint',
};

function judgementText(finding: JudgedFinding): string {
  switch (finding.judgement.kind) {
    case 'excluded':
      return `explained: ${finding.judgement.scenarioName}`;
    case 'unexplained':
      return 'unexplained';
    case 'no-process-context':
      return 'no process context (firewall)';
  }
}

function findingRow(finding: JudgedFinding): string {
  const process = finding.process
    ? `${finding.process.fileName}${finding.process.folderPath ? ` (${finding.process.folderPath})` : ''}`
    : (finding.vendor ?? 'firewall');
  const remote = `${finding.remoteAddress}${finding.remotePort !== undefined ? `:${finding.remotePort}` : ''}`;
  const cells = [
    finding.table,
    finding.device,
    process,
    `${finding.direction} ${remote}`,
    finding.action,
    String(finding.count),
    finding.firstSeen,
    finding.lastSeen,
    judgementText(finding),
  ];
  return `<tr>${cells.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`;
}

const FINDING_HEADER =
  '<tr><th>Table</th><th>Device</th><th>Process or firewall</th><th>Remote endpoint</th>' +
  '<th>Action</th><th>Count</th><th>First seen</th><th>Last seen</th><th>Exclusion</th></tr>';

/** Appends rows while they fit; returns the rows kept and how many were left out. */
function fitRows(rows: readonly string[], budget: number): { kept: string[]; omitted: number } {
  const kept: string[] = [];
  let used = 0;
  for (const row of rows) {
    if (used + row.length > budget) break;
    kept.push(row);
    used += row.length;
  }
  return { kept, omitted: rows.length - kept.length };
}

export interface VerdictCommentInput {
  readonly verdict: Verdict;
  readonly indicatorNotes: readonly string[];
  readonly auditReference: string;
}

export function renderVerdictComment(input: VerdictCommentInput): string {
  const { verdict } = input;
  const head = [
    `<p><b>${escapeHtml(VERDICT_TITLE[verdict.kind])}</b></p>`,
    `<ul>${verdict.reasons.map((reason) => `<li>${escapeHtml(reason)}</li>`).join('')}</ul>`,
    ...(input.indicatorNotes.length
      ? [`<p>Indicators: ${input.indicatorNotes.map(escapeHtml).join('; ')}</p>`]
      : []),
  ].join('');
  const tail = `<p>Audit trail: ${escapeHtml(input.auditReference)}</p>`;

  if (verdict.findings.length === 0) return head + tail;

  const { kept, omitted } = fitRows(
    verdict.findings.map(findingRow),
    BUDGET - head.length - tail.length,
  );
  const cut = omitted
    ? `<p>${omitted} more finding${omitted === 1 ? '' : 's'} not shown: this comment is limited to ${COMMENT_LIMIT} characters. All findings are in the audit record.</p>`
    : '';
  return `${head}<table>${FINDING_HEADER}${kept.join('')}</table>${cut}${tail}`;
}

export function renderContainmentComment(result: ContainmentResult): string {
  const parts = [`<p><b>${escapeHtml(result.summary)}</b></p>`];
  if (result.plan && (result.outcome === 'blocked' || result.outcome === 'already-blocked')) {
    const rows = result.plan.rules.map(
      (planned) =>
        `<tr><td>${escapeHtml(planned.nsgName)}</td><td>${escapeHtml(planned.rule.name)}</td>` +
        `<td>${planned.rule.priority}</td><td>${escapeHtml(planned.rule.destinationAddressPrefix ?? '')}:${escapeHtml(planned.rule.destinationPortRange ?? '')}</td>` +
        `<td>${escapeHtml(planned.state)}</td></tr>`,
    );
    const { kept, omitted } = fitRows(rows, BUDGET);
    parts.push(
      `<table><tr><th>NSG</th><th>Rule</th><th>Priority</th><th>Destination</th><th>State</th></tr>${kept.join('')}</table>`,
    );
    if (omitted) parts.push(`<p>${omitted} more rules not shown; see the audit record.</p>`);
    parts.push(
      '<p>An NSG rule stops new connections only, and only for Azure virtual network traffic. Isolate the affected devices as well.</p>',
    );
  }
  if (result.decidedBy) {
    parts.push(
      `<p>Decided by ${escapeHtml(result.decidedBy)}${result.decisionReason ? `: ${escapeHtml(result.decisionReason)}` : ''}</p>`,
    );
  }
  return parts.join('');
}
