import { containmentInstanceId } from '../../shared/domain/containment';
import {
  APPROVER,
  APPROVER_GROUP,
  AZURE_ENVIRONMENT,
  createHarness,
  principalHeader,
  type Harness,
} from './triggerHarness';

const INSTANCE = containmentInstanceId('203.0.113.77:8808');
const PLAN_HASH = 'a3f9c1d2e4b5a6978877665544332211a3f9c1d2e4b5a6978877665544332211';
const DEADLINE = '2025-03-04T14:00:00.000Z';
const OUTSIDER = principalHeader({
  oid: '99999999-8888-4777-8666-555555555555',
  upn: 'intern@contoso.com',
});

function awaitingApproval(harness: Harness): void {
  harness.client.put(INSTANCE, {
    name: 'containIndicator',
    runtimeStatus: 'Running',
    customStatus: {
      stage: 'awaiting-approval',
      indicator: '203.0.113.77:8808',
      incidents: [
        { armId: 'x', name: 'e7019832-f5b4-4b78-b528-9929bf0ec839', number: 4127, instanceId: 'i' },
      ],
      plan: { hash: PLAN_HASH },
      deadline: DEADLINE,
    },
  });
}

function decide(harness: Harness, body: unknown, headers: Record<string, string> = APPROVER) {
  return harness.invoke('POST', `/api/approvals/${INSTANCE}`, {
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
  });
}

describe('POST /api/approvals/{instanceId}', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await createHarness();
    awaitingApproval(harness);
  });
  afterEach(() => harness.close());

  it('accepts an approver’s approval and hands it to the containment', async () => {
    const answer = await decide(harness, { approve: true, planHash: PLAN_HASH });

    expect(answer.status).toBe(202);
    expect(answer.json).toEqual({
      accepted: true,
      instanceId: INSTANCE,
      message: 'soc.analyst@contoso.com approved the block plan a3f9c1d2e4b5.',
    });
    expect(harness.client.delivered).toEqual([
      {
        instanceId: INSTANCE,
        eventName: 'ApprovalDecision',
        data: {
          by: {
            objectId: 'aa8f1d7e-0000-4000-8000-000000000001',
            userPrincipalName: 'soc.analyst@contoso.com',
          },
          planHash: PLAN_HASH,
          approve: true,
          at: '2025-03-04T10:00:00.000Z',
        },
      },
    ]);
    const records = await harness.auditRecords();
    expect(records.map((r) => [r.partition, r.action, r.outcome, r.actor])).toEqual([
      [INSTANCE, 'approval.submitted', 'succeeded', 'soc.analyst@contoso.com'],
    ]);
  });

  it('accepts a decision from a member of an approver group', async () => {
    const member = principalHeader({
      oid: '12121212-3434-4565-8787-909090909090',
      groups: ['x', APPROVER_GROUP],
    });

    const answer = await decide(harness, { approve: true, planHash: PLAN_HASH }, member);

    expect(answer.status).toBe(202);
    expect(harness.client.delivered).toHaveLength(1);
  });

  it('accepts the HTML form’s rejection with its reason', async () => {
    const answer = await harness.invoke('POST', `/api/approvals/${INSTANCE}`, {
      body: `approve=false&planHash=${PLAN_HASH}&reason=${encodeURIComponent('known pentest host')}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...APPROVER },
    });

    expect(answer.status).toBe(202);
    expect(harness.client.delivered[0]?.data).toMatchObject({
      approve: false,
      reason: 'known pentest host',
    });
  });

  it('refuses a person who is not an approver with 403 and audits it', async () => {
    const answer = await decide(harness, { approve: true, planHash: PLAN_HASH }, OUTSIDER);

    expect(answer.status).toBe(403);
    expect(answer.json).toMatchObject({ accepted: false, code: 'refused', rule: 'not-approver' });
    expect(answer.json.message).toBe(
      'intern@contoso.com is not on the approver list for this block, so the decision was not recorded.',
    );
    expect(harness.client.raised).toEqual([]);
    const records = await harness.auditRecords();
    expect(records.map((r) => [r.action, r.outcome, r.actor, r.details?.rule])).toEqual([
      ['approval.refused', 'refused', 'intern@contoso.com', 'not-approver'],
    ]);
  });

  it('refuses a decision on another plan than the one awaiting approval', async () => {
    const answer = await decide(harness, { approve: true, planHash: 'ffff' });

    expect(answer.status).toBe(403);
    expect(answer.json.rule).toBe('plan-changed');
    expect(harness.client.raised).toEqual([]);
  });

  it('refuses a rejection without a reason', async () => {
    const answer = await decide(harness, { approve: false, planHash: PLAN_HASH });

    expect(answer.status).toBe(403);
    expect(answer.json.rule).toBe('missing-reason');
    expect(harness.client.raised).toEqual([]);
  });

  it('answers 404 for an unknown containment', async () => {
    const answer = await harness.invoke('POST', '/api/approvals/contain-198.51.100.9_443', {
      body: JSON.stringify({ approve: true, planHash: PLAN_HASH }),
      headers: APPROVER,
    });

    expect(answer.status).toBe(404);
    expect(answer.json).toMatchObject({ accepted: false, code: 'unknown-instance' });
    expect(harness.client.raised).toEqual([]);
    const records = await harness.auditRecords();
    expect(records.map((r) => [r.partition, r.action])).toEqual([
      ['contain-198.51.100.9_443', 'approval.refused'],
    ]);
  });

  it('answers 404 for an id that no containment can have, without auditing it', async () => {
    const answer = await harness.invoke('POST', '/api/approvals/incident-e7019832', {
      body: JSON.stringify({ approve: true, planHash: PLAN_HASH }),
      headers: APPROVER,
    });

    expect(answer.status).toBe(404);
    expect(await harness.auditRecords()).toEqual([]);
  });

  it('answers 409 when the containment is no longer waiting for a decision', async () => {
    harness.client.put(INSTANCE, {
      name: 'containIndicator',
      runtimeStatus: 'Completed',
      customStatus: { stage: 'done', plan: { hash: PLAN_HASH }, outcome: 'blocked' },
    });

    const answer = await decide(harness, { approve: true, planHash: PLAN_HASH });

    expect(answer.status).toBe(409);
    expect(answer.json.code).toBe('not-awaiting');
    expect(harness.client.raised).toEqual([]);
  });

  it('answers 410 for a decision after the deadline', async () => {
    harness.now = new Date('2025-03-04T14:00:00.001Z');

    const answer = await decide(harness, { approve: true, planHash: PLAN_HASH });

    expect(answer.status).toBe(410);
    expect(answer.json).toMatchObject({ accepted: false, code: 'expired', rule: 'expired' });
    expect(harness.client.raised).toEqual([]);
  });

  it('counts a duplicate approval once: the second answers 409 once the containment moved on', async () => {
    harness.client.onEvent((event, client) =>
      client.put(event.instanceId, {
        name: 'containIndicator',
        runtimeStatus: 'Running',
        customStatus: { stage: 'blocking', plan: { hash: PLAN_HASH } },
      }),
    );

    const first = await decide(harness, { approve: true, planHash: PLAN_HASH });
    harness.now = new Date('2025-03-04T10:00:01.000Z');
    const second = await decide(harness, { approve: true, planHash: PLAN_HASH });

    expect([first.status, second.status]).toEqual([202, 409]);
    expect(harness.client.delivered).toHaveLength(1);
    const actions = (await harness.auditRecords()).map((r) => r.action);
    expect(actions).toEqual(['approval.submitted', 'approval.refused']);
  });

  it('refuses a caller without an identity with 401 and audits the attempt', async () => {
    const answer = await decide(harness, { approve: true, planHash: PLAN_HASH }, {});

    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({
      accepted: false,
      code: 'unauthorised',
      message: 'Sign in first: the request carries no authenticated identity.',
    });
    expect(harness.client.raised).toEqual([]);
    const records = await harness.auditRecords();
    expect(records.map((r) => [r.partition, r.action, r.actor, r.details?.code])).toEqual([
      [INSTANCE, 'approval.refused', 'unauthenticated', 'unauthorised'],
    ]);
  });

  it('ignores a principal header when App Service Authentication is off, even in a local run', async () => {
    for (const environment of [
      { ...AZURE_ENVIRONMENT, WEBSITE_AUTH_ENABLED: 'False' },
      { ...AZURE_ENVIRONMENT, C2R_MODE: 'local', WEBSITE_AUTH_ENABLED: '' },
    ]) {
      await harness.close();
      harness = await createHarness(environment);
      awaitingApproval(harness);

      const answer = await decide(harness, { approve: true, planHash: PLAN_HASH });

      expect(answer.status).toBe(401);
      expect(answer.json.message).toMatch(
        /^App Service Authentication is not enabled for this app/,
      );
      expect(harness.client.raised).toEqual([]);
    }
  });

  it('lists every problem of a bad decision in one 400 and audits it', async () => {
    const answer = await decide(harness, { approve: 'yes', reason: 7 });

    expect(answer.status).toBe(400);
    expect(answer.json.problems).toEqual([
      expect.stringMatching(/^approve: /),
      expect.stringMatching(/^planHash: /),
      expect.stringMatching(/^reason: /),
    ]);
    expect(harness.client.raised).toEqual([]);
    expect((await harness.auditRecords()).map((r) => [r.action, r.details?.code])).toEqual([
      ['approval.refused', 'invalid-input'],
    ]);
  });

  it('audits every refused attempt, one record each, in the containment’s partition', async () => {
    await decide(harness, { approve: true, planHash: PLAN_HASH }, OUTSIDER);
    await decide(harness, { approve: true, planHash: PLAN_HASH }, {});
    await decide(harness, { approve: true, planHash: 'other' });
    harness.now = new Date('2025-03-04T15:00:00.000Z');
    await decide(harness, { approve: true, planHash: PLAN_HASH });

    const records = await harness.auditRecords();
    expect(records.map((r) => [r.partition, r.action, r.outcome])).toEqual(
      Array.from({ length: 4 }, () => [INSTANCE, 'approval.refused', 'refused']),
    );
    expect((await harness.audit.verify(INSTANCE)).ok).toBe(true);
  });
});
