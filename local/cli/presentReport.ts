import type { BlockPlan } from '../../shared/domain/blockPlan';
import type { JudgedFinding } from '../../shared/domain/finding';
import type { IncidentReport } from '../../shared/containment/incidentReport';

/** Lays rows out as a plain-text table with a header rule. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join(
    '\n',
  );
}

function judgement(finding: JudgedFinding): string {
  switch (finding.judgement.kind) {
    case 'excluded':
      return `explained (${finding.judgement.scenarioName})`;
    case 'unexplained':
      return 'UNEXPLAINED';
    case 'no-process-context':
      return 'UNEXPLAINED (no process context)';
  }
}

export function findingsTable(findings: readonly JudgedFinding[]): string {
  const rows = findings.map((finding) => [
    finding.table === 'DeviceNetworkEvents' ? 'Defender' : 'Firewall',
    finding.device,
    finding.process
      ? `${finding.process.fileName}${finding.process.folderPath ? ` ${finding.process.folderPath}` : ''}`
      : (finding.vendor ?? ''),
    `${finding.direction === 'inbound' ? '<- ' : '-> '}${finding.remoteAddress}${finding.remotePort !== undefined ? `:${finding.remotePort}` : ''}`,
    finding.action,
    String(finding.count),
    `${finding.firstSeen.slice(0, 16)} .. ${finding.lastSeen.slice(0, 16)}`,
    judgement(finding),
  ]);
  return textTable(
    [
      'Source',
      'Device',
      'Process or firewall',
      'Remote',
      'Action',
      'Rows',
      'Seen (UTC)',
      'Judgement',
    ],
    rows,
  );
}

export function planTable(plan: BlockPlan): string {
  const rows = plan.rules.map((planned) => [
    planned.nsgName,
    planned.rule.name,
    String(planned.rule.priority),
    `${planned.rule.direction} ${planned.rule.access} ${planned.rule.protocol}`,
    `${planned.rule.destinationAddressPrefix ?? ''}:${planned.rule.destinationPortRange ?? ''}`,
    planned.state,
  ]);
  return textTable(['NSG', 'Rule', 'Priority', 'Rule kind', 'Destination', 'State'], rows);
}

const VERDICT_LINE = {
  malicious: 'MALICIOUS: traffic to the C2 endpoint that no known benign activity explains',
  benign: 'BENIGN: every finding is explained by a known benign activity',
  inconclusive: 'INCONCLUSIVE: the evidence is incomplete; the incident stays open',
  'no-activity': 'NO ACTIVITY: both hunts ran and found no traffic to the endpoint',
} as const;

/** The report for a person: the verdict and why, the findings, the plan, what to do next. */
export function presentReport(report: IncidentReport): string {
  const out: string[] = [];
  const title = `Incident ${report.incidentNumber ?? ''} (${report.incidentId})`.replace('  ', ' ');
  out.push(
    title,
    `Instance ${report.instanceId}: ${report.runtimeStatus}${report.stage ? `, stage ${report.stage}` : ''}`,
  );
  if (report.error) out.push('', `Failed: ${report.error}`);
  if (report.verdict) {
    out.push('', `Verdict: ${VERDICT_LINE[report.verdict]}`);
    for (const reason of report.reasons) out.push(`  - ${reason}`);
  }
  if (report.indicatorNotes.length > 0) {
    out.push('', 'Indicators:');
    for (const note of report.indicatorNotes) out.push(`  - ${note}`);
  }
  if (report.findings.length > 0) out.push('', 'Findings:', findingsTable(report.findings));

  for (const containment of report.containments) {
    out.push(
      '',
      `Containment of ${containment.indicator} (${containment.instanceId}): ${containment.outcome ?? containment.stage ?? 'unknown'}`,
    );
    if (containment.summary) out.push(containment.summary);
    if (containment.plan) out.push(planTable(containment.plan));
    if (containment.approvalNote && containment.stage === 'awaiting-approval') {
      out.push(`Approval note required: ${containment.approvalNote}`);
    }
    if (containment.lastRefusal) out.push(`Last refused decision: ${containment.lastRefusal}`);
  }
  const dryRun = report.containments.some((containment) => containment.dryRun);
  if (report.outcome) {
    out.push('', `Outcome: ${report.outcome}${dryRun ? ' (DRY RUN: nothing was written)' : ''}`);
  }

  out.push('', ...nextSteps(report));
  return out.join('\n');
}

function nextSteps(report: IncidentReport): string[] {
  if (report.runtimeStatus === 'awaiting-approval' && report.containmentInstanceId) {
    return [
      `Awaiting an analyst's decision until ${report.deadline ?? 'the deadline'}.`,
      `  Approve: c2-responder approve ${report.containmentInstanceId} --as <approver UPN>${acknowledgement(report) ? ' --reason "<why, acknowledging the note above>"' : ''}`,
      `  Reject:  c2-responder approve ${report.containmentInstanceId} --as <approver UPN> --reject --reason "<why>"`,
      ...(report.approvalUrl ? [`  Approval page: ${report.approvalUrl}`] : []),
    ];
  }
  switch (report.outcome) {
    case 'blocked':
      return [
        'Next: an NSG rule stops new connections only. Isolate the affected devices and investigate every host listed above.',
      ];
    case 'closed-benign':
      return ['Next: nothing; the incident was closed as BenignPositive (SuspiciousButExpected).'];
    case 'rejected':
    case 'escalated':
    case 'left-open':
      return ['Next: the incident stays open for an analyst to investigate.'];
    default:
      return [];
  }
}

function acknowledgement(report: IncidentReport): string | undefined {
  return report.containments.find((c) => c.instanceId === report.containmentInstanceId)
    ?.approvalNote;
}
