import type { BlockPlan } from '../../../shared/domain/blockPlan';
import type { JudgedFinding } from '../../../shared/domain/finding';
import { renderApprovalPage, type ApprovalPageView } from '../../../shared/pages/approvalPage';

const PLAN: BlockPlan = {
  indicators: ['178.16.52.203:1889'],
  rules: [
    {
      nsgId:
        '/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg-fin-subnet',
      nsgName: 'nsg-fin-subnet',
      indicator: '178.16.52.203:1889',
      rule: {
        name: 'c2r-deny-178.16.52.203-1889',
        priority: 103,
        direction: 'Outbound',
        access: 'Deny',
        protocol: 'Tcp',
        destinationAddressPrefix: '178.16.52.203/32',
        destinationPortRange: '1889',
      },
      state: 'new',
    },
  ],
  expiresAt: '2026-12-07T10:00:00.000Z',
  incidentNumbers: [4127],
  hash: '7cbb0c9a1da1779fe047cafd6e23b6b4b076174944a512d870d6dade3c201954',
};

const FINDING: JudgedFinding = {
  table: 'DeviceNetworkEvents',
  indicator: '178.16.52.203:1889',
  onIndicatorPort: true,
  device: 'wks-fin-07',
  remoteAddress: '178.16.52.203',
  remotePort: 1889,
  direction: 'outbound',
  action: 'ConnectionSuccess',
  process: { fileName: 'svchost.exe', commandLine: '"x.exe" <script>alert(1)</script> & more' },
  count: 3,
  firstSeen: '2026-11-30T09:14:07Z',
  lastSeen: '2026-11-30T10:20:11Z',
  judgement: { kind: 'unexplained', why: 'no scenario' },
};

function view(overrides: Partial<ApprovalPageView> = {}): ApprovalPageView {
  return {
    localUse: false,
    analyst: 'soc.analyst@contoso.com',
    instanceId: 'contain-178.16.52.203_1889',
    indicator: '178.16.52.203:1889',
    state: 'waiting for an analyst’s decision',
    plan: PLAN,
    deadline: '2026-11-30T14:11:41.228Z',
    incidents: [
      {
        name: 'e7019832-f5b4-4b78-b528-9929bf0ec839',
        number: 4127,
        verdict: 'malicious',
        reasons: ['4 of 5 findings are not explained <by> any exclusion scenario.'],
        findings: [FINDING],
        timelineUrl: '/api/audit/view?incident=e7019832-f5b4-4b78-b528-9929bf0ec839',
      },
    ],
    offer: {
      kind: 'form',
      postUrl: '/api/approvals/contain-178.16.52.203_1889',
      token: 'v1.1796322408743.VALyKm6wGoh4symA8_OAkMXHSC0fxGhU7HunWOZJUf8',
      planHash: PLAN.hash,
    },
    ...overrides,
  };
}

const flat = (page: string) => page.replace(/\s+/g, ' ');

describe('approval page', () => {
  it('posts the decision with the plan hash and the form token, from labelled controls', () => {
    const page = flat(renderApprovalPage(view()));

    expect(page).toMatch(
      /<form class="decision" method="post" action="\/api\/approvals\/contain-178\.16\.52\.203_1889"\s?>/,
    );
    expect(page).toContain(`<input type="hidden" name="planHash" value="${PLAN.hash}" />`);
    expect(page).toContain(
      '<input type="hidden" name="antiForgeryToken" value="v1.1796322408743.VALyKm6wGoh4symA8_OAkMXHSC0fxGhU7HunWOZJUf8" />',
    );
    expect(page).toContain('<label for="reason">Reason</label>');
    expect(page).toMatch(/<textarea id="reason" name="reason"/);
    expect(page).toMatch(
      /<button class="approve" type="submit" name="approve" value="true">\s?Approve the block\s?<\/button>/,
    );
    expect(page).toMatch(
      /<button class="reject" type="submit" name="approve" value="false">\s?Reject the block\s?<\/button>/,
    );
  });

  it('shows the exact plan, its deadline and the evidence, escaped', () => {
    const page = flat(renderApprovalPage(view()));

    expect(page).toContain(
      '<time datetime="2026-11-30T14:11:41.228Z">2026-11-30T14:11:41.228Z</time> (UTC)',
    );
    expect(page).toContain(PLAN.hash);
    expect(page).toMatch(/<td class="num">\s?103\s?<\/td>/);
    expect(page).toContain('c2r-deny-178.16.52.203-1889');
    expect(page).toContain('&quot;x.exe&quot; &lt;script&gt;alert(1)&lt;/script&gt; &amp; more');
    expect(page).toContain('not explained &lt;by&gt; any exclusion scenario');
    expect(page).not.toContain('<script>');
  });

  it('replaces the form with the sentence that says why no decision is taken', () => {
    const page = flat(
      renderApprovalPage(
        view({
          offer: {
            kind: 'closed',
            message:
              'The deadline for a decision passed at 2026-11-30T14:11:41.228Z; the configured timeout policy applies instead.',
          },
        }),
      ),
    );

    expect(page).not.toContain('<form');
    expect(page).toContain(
      'The deadline for a decision passed at 2026-11-30T14:11:41.228Z; the configured timeout policy applies instead.',
    );
  });

  it('says when the last decision was not counted, and the result once there is one', () => {
    const page = flat(
      renderApprovalPage(
        view({
          lastRefusal: 'intern@contoso.com is not on the approver list.',
          resultSummary: 'Blocked in 2 NSGs.',
        }),
      ),
    );

    expect(page).toContain(
      'The last decision was not counted:</strong> intern@contoso.com is not on the approver list.',
    );
    expect(page).toContain('<strong>Result:</strong> Blocked in 2 NSGs.');
  });

  it('says so when no plan and no incident are recorded', () => {
    const { plan: _plan, ...rest } = view();
    const page = flat(renderApprovalPage({ ...rest, incidents: [] }));

    expect(page).toContain('No plan has been made for this containment.');
    expect(page).toContain('No incident has been recorded for this containment.');
  });
});
