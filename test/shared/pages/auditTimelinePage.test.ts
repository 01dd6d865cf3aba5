import type { AuditRecord } from '../../../shared/domain/auditRecord';
import {
  renderAuditTimelinePage,
  type AuditTimelineView,
} from '../../../shared/pages/auditTimelinePage';

const RECORD: AuditRecord = {
  partition: 'contain-178.16.52.203_1889',
  sequence: 6,
  time: '2026-11-30T10:11:41.231Z',
  actor: 'soc.analyst@contoso.com',
  action: 'block.applied',
  outcome: 'succeeded',
  target: '/subscriptions/x/.../securityRules/c2r-deny-178.16.52.203-1889',
  reason: 'approved <because> & so',
  after: { name: 'c2r-deny-178.16.52.203-1889', access: 'Deny' },
  idempotencyKey: 'k',
  previousHash: 'p',
  hash: 'h',
};

function view(overrides: Partial<AuditTimelineView> = {}): AuditTimelineView {
  return {
    localUse: false,
    incidentId: 'e7019832-f5b4-4b78-b528-9929bf0ec839',
    records: [RECORD],
    truncated: false,
    verification: { ok: true, records: 13, partitions: 2, problems: [] },
    csvUrl: '/api/audit?incident=e7019832&limit=1000&format=csv',
    jsonUrl: '/api/audit?incident=e7019832&limit=1000&format=json',
    ...overrides,
  };
}

const flat = (page: string) => page.replace(/\s+/g, ' ');

describe('audit timeline page', () => {
  it('puts the verified chain first, then each record with time, actor, action, target and outcome', () => {
    const page = flat(renderAuditTimelinePage(view()));

    expect(page.indexOf('Hash chain verified:')).toBeLessThan(page.indexOf('block.applied'));
    expect(page).toContain(
      '13 records in 2 partitions link up, match their hashes and end at the record each partition last wrote: none was edited, removed or cut off.',
    );
    expect(page).toContain(
      'whoever can rewrite the whole audit store can write a consistent false history',
    );
    expect(page).toContain(
      '<time datetime="2026-11-30T10:11:41.231Z">2026-11-30T10:11:41.231Z</time>',
    );
    expect(page).toContain('<strong>block.applied</strong>');
    expect(page).toContain('<span class="outcome">succeeded</span>');
    expect(page).toMatch(/<dd>\s?soc\.analyst@contoso\.com\s?<\/dd>/);
    expect(page).toContain('approved &lt;because&gt; &amp; so');
    expect(page).toContain('contain-178.16.52.203_1889 #6');
  });

  it('keeps before and after behind a disclosure', () => {
    const page = flat(renderAuditTimelinePage(view()));

    expect(page).toMatch(/<details>\s?<summary>Show after<\/summary>/);
    expect(page).toContain('&quot;access&quot;: &quot;Deny&quot;');
  });

  it('names every problem of a broken chain', () => {
    const page = flat(
      renderAuditTimelinePage(
        view({
          verification: {
            ok: false,
            records: 12,
            partitions: 2,
            problems: ['contain-178.16.52.203_1889 #4: the hash does not match the record'],
          },
        }),
      ),
    );

    expect(page).toContain('Hash chain broken:');
    expect(page).toContain(
      '<li>contain-178.16.52.203_1889 #4: the hash does not match the record</li>',
    );
  });

  it('links the CSV and JSON downloads of the same records, and says when the page shows only part', () => {
    const page = flat(renderAuditTimelinePage(view({ truncated: true })));

    expect(page).toContain('href="/api/audit?incident=e7019832&amp;limit=1000&amp;format=csv"');
    expect(page).toContain('href="/api/audit?incident=e7019832&amp;limit=1000&amp;format=json"');
    expect(page).toContain('Only the first 1 records are shown here; the downloads hold them all.');
  });
});
