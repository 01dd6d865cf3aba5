import { escapeHtml } from './htmlEscape';
import type { BlockPlan } from './blockPlan';
import type { ContainmentResult } from './containment';
import type { JudgedFinding } from './finding';
import type { Verdict } from './verdict';

/**
 * The comments the product writes on an incident: what an analyst reads in the Sentinel portal,
 * which renders a small subset of HTML in comments. Every value is HTML-escaped. A comment stays
 * under Sentinel's limit of 30,000 characters per comment (Microsoft.SecurityInsights comments
 * API): table rows are added whole while they fit, then a note says how many were left out, so
 * markup is never cut in the middle.
 */
export const COMMENT_LIMIT = 30_000;

/** Long command lines are shortened before escaping, so that no entity is ever cut in two. */
const COMMAND_LINE_SHOWN = 160;
const DEVICES_SHOWN = 50;

const VERDICT_TITLE: Record<Verdict['kind'], string> = {
  malicious: 'Malicious: traffic to the C2 endpoint that no known benign activity explains',
  benign: 'Benign: every finding is explained by a known benign activity',
  inconclusive: 'Inconclusive: the evidence is incomplete, the incident stays open',
  'no-activity': 'No activity: both hunts ran and found no traffic to the endpoint',
};

/** Which exclusion scenario explained a finding, or that none did. */
export function exclusionText(finding: JudgedFinding): string {
  switch (finding.judgement.kind) {
    case 'excluded':
      return `explained by ${finding.judgement.scenarioName}`;
    case 'unexplained':
      return 'none: unexplained';
    case 'no-process-context':
      return 'none: firewall record without process context';
  }
}

/** The process and its folder (Defender), or the firewall that logged the session. */
export function processText(finding: JudgedFinding): string {
  if (!finding.process) {
    return `firewall ${finding.vendor ?? finding.device} (${finding.action})`;
  }

  const { fileName, folderPath, commandLine, parentFileName } = finding.process;
  return [
    folderPath && folderPath !== fileName ? `${fileName} in ${folderPath}` : fileName,
    parentFileName ? `parent ${parentFileName}` : undefined,
    commandLine ? `command line: ${shorten(commandLine, COMMAND_LINE_SHOWN)}` : undefined,
  ]
    .filter((part): part is string => part !== undefined)
    .join('; ');
}

export function remoteEndpointText(finding: JudgedFinding): string {
  const port =
    finding.remotePort ?? (finding.direction === 'inbound' ? finding.localPort : undefined);
  const endpoint = `${finding.remoteAddress}${port === undefined ? '' : `:${port}`}`;

  return finding.direction === 'outbound' ? `to ${endpoint}` : `from ${endpoint}`;
}

function findingRow(finding: JudgedFinding): string {
  const cells = [
    `<td>${escapeHtml(finding.device)}</td>`,
    `<td>${escapeHtml(processText(finding))}</td>`,
    `<td>${escapeHtml(remoteEndpointText(finding))}</td>`,
    `<td>${finding.count}</td>`,
    `<td>${escapeHtml(finding.firstSeen)}</td>`,
    `<td>${escapeHtml(finding.lastSeen)}</td>`,
    `<td>${escapeHtml(exclusionText(finding))}</td>`,
  ];
  return `<tr>${cells.join('')}</tr>`;
}

const FINDING_HEADER =
  '<tr><th>Device</th><th>Process and folder</th><th>Remote endpoint</th><th>Count</th>' +
  '<th>First seen</th><th>Last seen</th><th>Exclusion</th></tr>';

const PLAN_HEADER =
  '<tr><th>NSG</th><th>Rule</th><th>Priority</th><th>Blocks</th><th>State</th></tr>';

function planRows(plan: BlockPlan): string[] {
  return plan.rules.map((planned) => {
    const destination = `${planned.rule.destinationAddressPrefix ?? ''}:${planned.rule.destinationPortRange ?? ''}`;
    const cells = [
      planned.nsgName,
      planned.rule.name,
      String(planned.rule.priority),
      `${planned.rule.direction} ${planned.rule.protocol} to ${destination}`,
      planned.state === 'new' ? 'new rule' : 'already present, kept',
    ];
    return `<tr>${cells.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`;
  });
}

const NSG_NOTE =
  '<p><b>An NSG rule stops new connections only</b>, and only for Azure virtual network traffic: ' +
  'a session that is already open stays open. Isolate the affected devices (for example with ' +
  'Defender for Endpoint device isolation) and investigate them.</p>';

/**
 * A table that takes rows while the whole comment stays within the limit. `frame` is the comment
 * without the table; `cutNote` says how many rows were left out. The note's longest form is
 * reserved up front, so adding it can never push the comment over.
 */
function fitTable(
  frame: { readonly before: string; readonly after: string },
  header: string,
  rows: readonly string[],
  cutNote: (omitted: number, total: number) => string,
): string {
  const reserved = cutNote(rows.length, rows.length).length;
  let budget =
    COMMENT_LIMIT - frame.before.length - frame.after.length - header.length - reserved - 15;
  const kept: string[] = [];
  for (const row of rows) {
    if (row.length > budget) break;
    kept.push(row);
    budget -= row.length;
  }

  const omitted = rows.length - kept.length;
  const table = kept.length > 0 ? `<table>${header}${kept.join('')}</table>` : '';
  return `${frame.before}${table}${omitted > 0 ? cutNote(omitted, rows.length) : ''}${frame.after}`;
}

export interface ApprovalLink {
  /** The indicator (`ip:port`) the approval is about. */
  readonly indicator: string;
  /** The product's approval page; never a Durable management link, which carries a key. */
  readonly url: string;
}

export interface VerdictCommentInput {
  readonly verdict: Verdict;
  readonly indicatorNotes: readonly string[];
  readonly auditReference: string;
  /** Where an analyst decides on the block of each indicator, when the verdict leads to one. */
  readonly approvalLinks?: readonly ApprovalLink[];
}

/** The verdict and why, the findings as a table, and where to decide on the block. */
export function renderVerdictComment(input: VerdictCommentInput): string {
  const { verdict } = input;
  const links = input.approvalLinks ?? [];
  const before = [
    `<p><b>${escapeHtml(VERDICT_TITLE[verdict.kind])}</b></p>`,
    `<ul>${verdict.reasons.map((reason) => `<li>${escapeHtml(reason)}</li>`).join('')}</ul>`,
    input.indicatorNotes.length
      ? `<p>Indicators: ${input.indicatorNotes.map(escapeHtml).join('; ')}</p>`
      : '',
    verdict.findings.length ? `<p><b>Findings</b> (${verdict.findings.length})</p>` : '',
  ].join('');
  const after = [
    ...links.map(
      (link) =>
        `<p>Decide on the block of ${escapeHtml(link.indicator)}: <a href="${escapeHtml(link.url)}">${escapeHtml(link.url)}</a></p>`,
    ),
    `<p>Audit trail: ${escapeHtml(input.auditReference)}</p>`,
  ].join('');

  return fitTable(
    { before, after },
    FINDING_HEADER,
    verdict.findings.map(findingRow),
    (omitted, total) =>
      `<p><b>Cut:</b> ${omitted} of ${total} findings are not shown, because a comment is limited to ${COMMENT_LIMIT.toLocaleString('en')} characters. Every finding is in the verdict's audit record.</p>`,
  );
}

export interface ApprovalRequestCommentInput {
  readonly indicator: string;
  readonly plan: BlockPlan;
  readonly deadline: string;
  readonly approvalUrl: string;
}

/** Asks for a decision: the exact plan, its deadline, and the approval page. */
export function renderApprovalRequestComment(input: ApprovalRequestCommentInput): string {
  const before =
    `<p><b>Approval needed: block ${escapeHtml(input.indicator)}</b></p>` +
    `<p>Decide before ${escapeHtml(input.deadline)} on the approval page: ` +
    `<a href="${escapeHtml(input.approvalUrl)}">${escapeHtml(input.approvalUrl)}</a></p>` +
    `<p>The plan (${escapeHtml(input.plan.hash.slice(0, 12))}), rules expire at ${escapeHtml(input.plan.expiresAt)}:</p>`;

  return fitTable({ before, after: NSG_NOTE }, PLAN_HEADER, planRows(input.plan), planCutNote);
}

export interface ContainmentCommentContext {
  /** Devices the findings name, so that the comment can say which ones to isolate. */
  readonly affectedDevices?: readonly string[];
}

/** The result of a containment: what was blocked (the plan as a table), or why nothing was. */
export function renderContainmentComment(
  result: ContainmentResult,
  context: ContainmentCommentContext = {},
): string {
  const blocked = result.outcome === 'blocked' || result.outcome === 'already-blocked';
  const devices = [...new Set(context.affectedDevices ?? [])];
  const before = [
    `<p><b>${escapeHtml(result.summary)}</b></p>`,
    result.dryRun ? '<p>Dry run: nothing was written to any NSG.</p>' : '',
    result.decidedBy
      ? `<p>Decided by ${escapeHtml(result.decidedBy)}${result.decisionReason ? `: ${escapeHtml(result.decisionReason)}` : ''}</p>`
      : '',
  ].join('');
  const after = blocked ? NSG_NOTE + devicesParagraph(devices) : '';

  if (!blocked || !result.plan) return before + after;
  return fitTable({ before, after }, PLAN_HEADER, planRows(result.plan), planCutNote);
}

/** Capped by whole names, never by characters, so that no name or entity is cut. */
function devicesParagraph(devices: readonly string[]): string {
  if (devices.length === 0) return '';

  const shown = devices.slice(0, DEVICES_SHOWN).map((device) => escapeHtml(shorten(device, 100)));
  const more = devices.length - shown.length;
  return `<p>Affected devices: ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}</p>`;
}

function planCutNote(omitted: number, total: number): string {
  return `<p><b>Cut:</b> ${omitted} of ${total} rules are not shown, because a comment is limited to ${COMMENT_LIMIT.toLocaleString('en')} characters. Every rule is in the plan's audit record.</p>`;
}

function shorten(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}
