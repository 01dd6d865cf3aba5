import { containmentInstanceId } from '../../shared/domain/containment';
import {
  APPROVER,
  AZURE_ENVIRONMENT,
  createHarness,
  principalHeader,
  type Harness,
} from './triggerHarness';

const INSTANCE = containmentInstanceId('203.0.113.77:8808');
const PLAN_HASH = 'a3f9c1d2e4b5a6978877665544332211a3f9c1d2e4b5a6978877665544332211';
const INCIDENT = 'e7019832-f5b4-4b78-b528-9929bf0ec839';

function awaitingApproval(harness: Harness): void {
  harness.client.put(INSTANCE, {
    name: 'containIndicator',
    runtimeStatus: 'Running',
    customStatus: {
      stage: 'awaiting-approval',
      indicator: '203.0.113.77:8808',
      incidents: [{ armId: 'x', name: INCIDENT, number: 4127, instanceId: 'i' }],
      plan: {
        hash: PLAN_HASH,
        rules: [],
        indicators: [],
        expiresAt: '2025-03-11T10:00:00.000Z',
        incidentNumbers: [4127],
      },
      deadline: '2025-03-04T14:00:00.000Z',
    },
  });
}

const flat = (text: string) => text.replace(/\s+/g, ' ');

describe('GET /api/approvals/{instanceId}', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await createHarness();
    awaitingApproval(harness);
  });
  afterEach(() => harness.close());

  it('answers a page that no one may frame or cache, with no script allowed', async () => {
    const answer = await harness.invoke('GET', `/api/approvals/${INSTANCE}`, { headers: APPROVER });

    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.headers.get('x-frame-options')).toBe('DENY');
    expect(answer.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(flat(answer.text)).toContain('Block 203.0.113.77:8808?');
  });

  it('offers no form when the app has no anti-forgery key, and says so', async () => {
    const answer = await harness.invoke('GET', `/api/approvals/${INSTANCE}`, { headers: APPROVER });

    expect(answer.text).not.toContain('<form');
    expect(flat(answer.text)).toContain(
      'Decisions from this page are switched off because the app has no anti-forgery key',
    );
  });

  it('asks a caller without an identity to sign in, as a page', async () => {
    const answer = await harness.invoke('GET', `/api/approvals/${INSTANCE}`);

    expect(answer.status).toBe(401);
    expect(flat(answer.text)).toContain(
      'Sign in first: the request carries no authenticated identity.',
    );
  });

  it('says in a sentence that an unknown containment does not exist', async () => {
    const answer = await harness.invoke(
      'GET',
      `/api/approvals/${containmentInstanceId('198.51.100.1:80')}`,
      {
        headers: APPROVER,
      },
    );

    expect(answer.status).toBe(404);
    expect(flat(answer.text)).toContain('No containment contain-198.51.100.1_80 exists.');
  });

  it('shows a caller who is not an approver the plan without the form', async () => {
    const outsider = principalHeader({
      oid: '99999999-8888-4777-8666-555555555555',
      upn: 'intern@contoso.com',
    });

    const answer = await harness.invoke('GET', `/api/approvals/${INSTANCE}`, { headers: outsider });

    expect(flat(answer.text)).toContain(
      'intern@contoso.com is not on the approver list for blocks',
    );
  });

  it('says the deadline passed once it has', async () => {
    harness.now = new Date('2025-03-04T14:00:00.000Z');

    const answer = await harness.invoke('GET', `/api/approvals/${INSTANCE}`, { headers: APPROVER });

    expect(flat(answer.text)).toContain(
      'The deadline for a decision passed at 2025-03-04T14:00:00.000Z; the configured timeout policy applies instead.',
    );
  });
});

describe('POST /api/approvals/{instanceId} as a form, without an anti-forgery key', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await createHarness(AZURE_ENVIRONMENT);
    awaitingApproval(harness);
  });
  afterEach(() => harness.close());

  it('refuses a form the browser says came from another site, as a page, and audits it', async () => {
    const answer = await harness.invoke('POST', `/api/approvals/${INSTANCE}`, {
      body: `approve=true&planHash=${PLAN_HASH}`,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'https://evil.example',
        ...APPROVER,
      },
    });

    expect(answer.status).toBe(403);
    expect(flat(answer.text)).toContain('Decision not recorded.');
    expect(flat(answer.text)).toContain(
      'The decision was posted from another site, so it is not recorded.',
    );
    expect(harness.client.delivered).toEqual([]);
    expect((await harness.auditRecords()).at(-1)).toMatchObject({
      action: 'approval.refused',
      details: { code: 'forged-token' },
    });
  });
});

describe('GET /api/audit/view', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await createHarness();
  });
  afterEach(() => harness.close());

  it('shows the incident’s records with the chain verified and the downloads', async () => {
    await harness.audit.append({
      partition: INCIDENT,
      time: '2025-03-04T10:00:00.000Z',
      actor: 'system:respondToIncident',
      action: 'verdict.reached',
      outcome: 'succeeded',
      incidentId: INCIDENT,
      reason: 'malicious <because>',
      idempotencyKey: 'k1',
    });

    const answer = await harness.invoke('GET', `/api/audit/view?incident=${INCIDENT}`, {
      headers: APPROVER,
    });

    const page = flat(answer.text);
    expect(answer.status).toBe(200);
    expect(page).toContain(
      'Hash chain verified:</strong> 1 records in 1 partitions link up, match their hashes',
    );
    expect(page).toContain('<strong>verdict.reached</strong>');
    expect(page).toContain('malicious &lt;because&gt;');
    expect(page).toContain(`href="/api/audit?incident=${INCIDENT}&amp;limit=1000&amp;format=csv"`);
  });

  it('asks which incident when none is named', async () => {
    const answer = await harness.invoke('GET', '/api/audit/view', { headers: APPROVER });

    expect(answer.status).toBe(400);
    expect(flat(answer.text)).toContain(
      'Name the incident: /api/audit/view?incident=&lt;incident GUID&gt;.',
    );
  });
});
