import type { BlockPlan, PlannedRule } from '../../../shared/domain/blockPlan';
import type { ContainmentResult } from '../../../shared/domain/containment';
import type { JudgedFinding } from '../../../shared/domain/finding';
import {
  COMMENT_LIMIT,
  renderApprovalRequestComment,
  renderContainmentComment,
  renderVerdictComment,
} from '../../../shared/domain/incidentComment';
import type { Verdict } from '../../../shared/domain/verdict';

const INDICATOR = '178.16.52.203:1889';

function finding(overrides: Partial<JudgedFinding> = {}): JudgedFinding {
  return {
    table: 'DeviceNetworkEvents',
    indicator: INDICATOR,
    onIndicatorPort: true,
    device: 'WKS-FIN-07',
    remoteAddress: '178.16.52.203',
    remotePort: 1889,
    direction: 'outbound',
    action: 'ConnectionSuccess',
    process: {
      fileName: 'dllhost.exe',
      folderPath: 'C:\\Users\\jdoe\\AppData\\Roaming\\dllhost.exe',
      parentFileName: 'explorer.exe',
    },
    count: 42,
    firstSeen: '2026-11-30T09:14:07Z',
    lastSeen: '2026-11-30T09:58:22Z',
    judgement: { kind: 'unexplained', why: 'no scenario matched' },
    ...overrides,
  };
}

function verdict(findings: readonly JudgedFinding[]): Verdict {
  return {
    kind: 'malicious',
    reasons: ['WKS-FIN-07 reached the C2 endpoint from a user folder.'],
    findings,
    hunts: [],
  };
}

function rule(index: number): PlannedRule {
  return {
    nsgId: `/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg-${index}`,
    nsgName: `nsg-${index}`,
    indicator: INDICATOR,
    rule: {
      name: `c2r-deny-178.16.52.203-1889-${index}`,
      priority: 100 + index,
      direction: 'Outbound',
      access: 'Deny',
      protocol: '*',
      destinationAddressPrefix: '178.16.52.203',
      destinationPortRange: '1889',
    },
    state: 'new',
  };
}

function plan(rules: number): BlockPlan {
  return {
    indicators: [INDICATOR],
    rules: Array.from({ length: rules }, (_, index) => rule(index)),
    expiresAt: '2026-12-07T10:00:00.000Z',
    incidentNumbers: [4127],
    hash: 'a3f9c1d2e4b5a6978877665544332211a3f9c1d2e4b5a6978877665544332211',
  };
}

/** Every `<` opens or closes a tag the renderer writes, and every `&` starts an entity. */
function expectWellFormed(comment: string): void {
  const tags = comment.match(/<[^>]*>/g) ?? [];
  for (const tag of tags) {
    expect(tag).toMatch(/^<\/?(p|b|ul|li|table|tr|th|td|a)( href="[^"<>]*")?>$/);
  }
  expect(comment.replace(/<[^>]*>/g, '')).not.toMatch(/[<>]/);
  expect(comment).not.toMatch(/&(?!amp;|lt;|gt;|quot;|#39;)/);
  for (const element of ['p', 'b', 'ul', 'li', 'table', 'tr', 'th', 'td', 'a']) {
    const opened = tags.filter(
      (tag) => tag.startsWith(`<${element}>`) || tag.startsWith(`<${element} `),
    );
    const closed = tags.filter((tag) => tag === `</${element}>`);
    expect([element, opened.length]).toEqual([element, closed.length]);
  }
}

describe('verdict comment', () => {
  it('shows the verdict, its reasons and a findings table with the exclusion of each finding', () => {
    const comment = renderVerdictComment({
      verdict: verdict([
        finding(),
        finding({
          device: 'SRV-BACKUP-01',
          judgement: {
            kind: 'excluded',
            scenarioId: 'S3',
            scenarioName: 'Backup agent to its vendor cloud',
            why: 'signed agent in its install folder',
          },
        }),
      ]),
      indicatorNotes: [],
      auditReference: 'instance incident-e7019832, audit partition e7019832',
    });

    expect(comment).toContain(
      '<p><b>Malicious: traffic to the C2 endpoint that no known benign activity explains</b></p>',
    );
    expect(comment).toContain('<li>WKS-FIN-07 reached the C2 endpoint from a user folder.</li>');
    expect(comment).toContain(
      '<tr><td>WKS-FIN-07</td><td>dllhost.exe in C:\\Users\\jdoe\\AppData\\Roaming\\dllhost.exe; parent explorer.exe</td><td>to 178.16.52.203:1889</td><td>42</td><td>2026-11-30T09:14:07Z</td><td>2026-11-30T09:58:22Z</td><td>none: unexplained</td></tr>',
    );
    expect(comment).toContain('<td>explained by Backup agent to its vendor cloud</td>');
    expect(comment).not.toContain('Cut:');
    expectWellFormed(comment);
  });

  it('escapes script tags, quotes and ampersands from process paths and command lines', () => {
    const comment = renderVerdictComment({
      verdict: verdict([
        finding({
          device: '<script>alert(1)</script>',
          process: {
            fileName: 'a&b.exe',
            folderPath: 'C:\\Tools\\"R&D"\\a&b.exe',
            commandLine: `cmd /c "x.exe" && echo '<img src=x onerror=alert(1)>'`,
          },
        }),
      ]),
      indicatorNotes: ['note with <b>markup</b> & more'],
      auditReference: 'ref',
    });

    expect(comment).not.toContain('<script>');
    expect(comment).not.toContain('<img');
    expect(comment).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(comment).toContain(
      'a&amp;b.exe in C:\\Tools\\&quot;R&amp;D&quot;\\a&amp;b.exe; command line: cmd /c &quot;x.exe&quot; &amp;&amp; echo &#39;&lt;img src=x onerror=alert(1)&gt;&#39;',
    );
    expect(comment).toContain('note with &lt;b&gt;markup&lt;/b&gt; &amp; more');
    expectWellFormed(comment);
  });

  it('shortens a long command line before escaping, so that no entity is cut', () => {
    const comment = renderVerdictComment({
      verdict: verdict([finding({ process: { fileName: 'x.exe', commandLine: '&'.repeat(400) } })]),
      indicatorNotes: [],
      auditReference: 'ref',
    });

    expect(comment).toContain(`command line: ${'&amp;'.repeat(159)}…</td>`);
    expectWellFormed(comment);
  });

  it('stays within 30,000 characters and says how many findings it left out', () => {
    const findings = Array.from({ length: 2000 }, (_, index) =>
      finding({ device: `WKS-${String(index).padStart(4, '0')}-"&"` }),
    );

    const comment = renderVerdictComment({
      verdict: verdict(findings),
      indicatorNotes: [],
      auditReference: 'instance incident-e7019832',
      approvalLinks: [
        {
          indicator: INDICATOR,
          url: 'https://c2r.contoso.example/api/approvals/contain-178.16.52.203_1889',
        },
      ],
    });

    const shown = (comment.match(/<tr><td>/g) ?? []).length;
    expect(comment.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(comment.length).toBeGreaterThan(COMMENT_LIMIT - 1000);
    expect(shown).toBeGreaterThan(10);
    expect(comment).toContain(
      `<p><b>Cut:</b> ${2000 - shown} of 2000 findings are not shown, because a comment is limited to 30,000 characters. Every finding is in the verdict's audit record.</p>`,
    );
    expect(comment.endsWith('<p>Audit trail: instance incident-e7019832</p>')).toBe(true);
    expect(comment).toContain(
      '<a href="https://c2r.contoso.example/api/approvals/contain-178.16.52.203_1889">',
    );
    expectWellFormed(comment);
  });

  it('keeps every finding when they fit, without a cut note', () => {
    const findings = Array.from({ length: 50 }, () => finding());

    const comment = renderVerdictComment({
      verdict: verdict(findings),
      indicatorNotes: [],
      auditReference: 'r',
    });

    expect((comment.match(/<tr><td>/g) ?? []).length).toBe(50);
    expect(comment).not.toContain('Cut:');
  });

  it('writes no table when the hunts found nothing', () => {
    const comment = renderVerdictComment({
      verdict: { ...verdict([]), kind: 'no-activity', reasons: ['Both hunts ran.'] },
      indicatorNotes: [],
      auditReference: 'r',
    });

    expect(comment).toBe(
      '<p><b>No activity: both hunts ran and found no traffic to the endpoint</b></p><ul><li>Both hunts ran.</li></ul><p>Audit trail: r</p>',
    );
  });
});

describe('containment comment', () => {
  const blocked: ContainmentResult = {
    indicator: INDICATOR,
    instanceId: 'contain-178.16.52.203_1889',
    outcome: 'blocked',
    summary: 'Blocked 178.16.52.203:1889 in 2 NSGs until 2026-12-07T10:00:00.000Z.',
    plan: plan(2),
    decidedBy: 'soc.analyst@contoso.com',
    decisionReason: 'beacon from a user folder & no change ticket',
  };

  it('shows the plan as a table, who decided and why, and that an NSG rule stops new connections only', () => {
    const comment = renderContainmentComment(blocked, {
      affectedDevices: ['WKS-FIN-07', 'WKS-FIN-07', 'WKS-HR-02'],
    });

    expect(comment).toContain(
      '<tr><td>nsg-0</td><td>c2r-deny-178.16.52.203-1889-0</td><td>100</td><td>Outbound * to 178.16.52.203:1889</td><td>new rule</td></tr>',
    );
    expect(comment).toContain(
      'Decided by soc.analyst@contoso.com: beacon from a user folder &amp; no change ticket',
    );
    expect(comment).toContain('<b>An NSG rule stops new connections only</b>');
    expect(comment).toContain('Isolate the affected devices');
    expect(comment).toContain('<p>Affected devices: WKS-FIN-07, WKS-HR-02</p>');
    expectWellFormed(comment);
  });

  it('cuts a plan too long for one comment by whole rows, keeping the note on connections', () => {
    const comment = renderContainmentComment({ ...blocked, plan: plan(1000) });

    const shown = (comment.match(/<tr><td>/g) ?? []).length;
    expect(comment.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(comment).toContain(`<p><b>Cut:</b> ${1000 - shown} of 1000 rules are not shown`);
    expect(comment).toContain('An NSG rule stops new connections only');
    expectWellFormed(comment);
  });

  it('says why nothing was blocked on a rejection, without a plan table', () => {
    const comment = renderContainmentComment({
      ...blocked,
      outcome: 'rejected',
      summary: 'The block of 178.16.52.203:1889 was rejected; the incidents stay open.',
      decisionReason: 'known <pentest> host',
    });

    expect(comment).toBe(
      '<p><b>The block of 178.16.52.203:1889 was rejected; the incidents stay open.</b></p><p>Decided by soc.analyst@contoso.com: known &lt;pentest&gt; host</p>',
    );
  });
});

describe('approval request comment', () => {
  it('gives the deadline, the link to the approval page and the exact plan', () => {
    const comment = renderApprovalRequestComment({
      indicator: INDICATOR,
      plan: plan(2),
      deadline: '2026-12-03T14:00:00.000Z',
      approvalUrl: 'https://c2r.contoso.example/api/approvals/contain-178.16.52.203_1889?x=1&y="2"',
    });

    expect(comment).toContain(
      '<p>Decide before 2026-12-03T14:00:00.000Z on the approval page: <a href="https://c2r.contoso.example/api/approvals/contain-178.16.52.203_1889?x=1&amp;y=&quot;2&quot;">',
    );
    expect((comment.match(/<tr><td>/g) ?? []).length).toBe(2);
    expect(comment).toContain('An NSG rule stops new connections only');
    expectWellFormed(comment);
  });
});
