import {
  APPROVER,
  AZURE_ENVIRONMENT,
  createHarness,
  NSG_APP,
  NSG_FIN,
  ourBlock,
  principalHeader,
  ruleNames,
  type Harness,
} from './triggerHarness';

function unblock(harness: Harness, body: unknown, headers: Record<string, string> = APPROVER) {
  return harness.invoke('POST', '/api/blocks/unblock', { body: JSON.stringify(body), headers });
}

describe('POST /api/blocks/unblock', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await createHarness();
    await harness.securityGroups.putRule(
      NSG_FIN,
      ourBlock('203.0.113.77', 8808, 103, '2025-03-11T10:00:00.000Z'),
    );
    await harness.securityGroups.putRule(
      NSG_APP,
      ourBlock('203.0.113.77', 8808, 106, '2025-03-11T10:00:00.000Z'),
    );
    await harness.securityGroups.putRule(
      NSG_FIN,
      ourBlock('198.51.100.23', 443, 104, '2025-03-11T10:00:00.000Z'),
    );
  });
  afterEach(() => harness.close());

  it('removes an indicator’s rules from every NSG on an approver’s request, audited', async () => {
    const answer = await unblock(harness, {
      indicator: '203.0.113[.]77:8808',
      reason: 'the host was re-imaged',
    });

    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({
      accepted: true,
      outcome: 'done',
      indicator: '203.0.113.77:8808',
    });
    expect(await ruleNames(harness, NSG_FIN)).toEqual(['c2r-deny-198.51.100.23-443']);
    expect(await ruleNames(harness, NSG_APP)).toEqual([]);
    const records = await harness.auditRecords();
    expect(records.map((r) => [r.partition, r.action, r.outcome, r.actor, r.reason])).toEqual([
      [
        'system',
        'block.unblocked',
        'succeeded',
        'soc.analyst@contoso.com',
        'the host was re-imaged',
      ],
      [
        'system',
        'block.unblocked',
        'succeeded',
        'soc.analyst@contoso.com',
        'the host was re-imaged',
      ],
    ]);
  });

  it('refuses a person who is not an approver and leaves every rule in place', async () => {
    const outsider = principalHeader({
      oid: '99999999-8888-4777-8666-555555555555',
      upn: 'intern@contoso.com',
    });

    const answer = await unblock(
      harness,
      { indicator: '203.0.113.77:8808', reason: 'noise' },
      outsider,
    );

    expect(answer.status).toBe(403);
    expect(answer.json).toEqual({
      accepted: false,
      code: 'not-approver',
      message: 'intern@contoso.com is not on the approver list, so no block was lifted.',
    });
    expect(await ruleNames(harness, NSG_APP)).toEqual(['c2r-deny-203.0.113.77-8808']);
    const records = await harness.auditRecords();
    expect(records.map((r) => [r.action, r.outcome, r.actor])).toEqual([
      ['block.unblocked', 'refused', 'intern@contoso.com'],
    ]);
  });

  it('refuses a caller without an identity', async () => {
    const answer = await unblock(harness, { indicator: '203.0.113.77:8808', reason: 'x' }, {});

    expect(answer.status).toBe(401);
    expect(await ruleNames(harness, NSG_APP)).toEqual(['c2r-deny-203.0.113.77-8808']);
  });

  it('lists the problems of a bad request in one 400', async () => {
    const missing = await unblock(harness, { indicator: 7 });
    const notIndicator = await unblock(harness, { indicator: '203.0.113.77', reason: 'x' });

    expect(missing.status).toBe(400);
    expect(missing.json.problems).toEqual([
      expect.stringMatching(/^indicator: /),
      expect.stringMatching(/^reason: /),
    ]);
    expect(notIndicator.status).toBe(400);
    expect(notIndicator.json.problems).toEqual([expect.stringMatching(/^indicator: /)]);
  });

  it('says so when no block of ours matches', async () => {
    const answer = await unblock(harness, { indicator: '192.0.2.1:80', reason: 'x' });

    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ outcome: 'nothing-to-do', rules: [] });
  });

  it('changes nothing while the kill switch is on', async () => {
    await harness.close();
    harness = await createHarness({ ...AZURE_ENVIRONMENT, C2R_KILL_SWITCH: 'true' });
    await harness.securityGroups.putRule(
      NSG_APP,
      ourBlock('203.0.113.77', 8808, 106, '2025-03-11T10:00:00.000Z'),
    );

    const answer = await unblock(harness, { indicator: '203.0.113.77:8808', reason: 'x' });

    expect(answer.status).toBe(409);
    expect(answer.json).toMatchObject({ accepted: false, outcome: 'refused' });
    expect(await ruleNames(harness, NSG_APP)).toEqual(['c2r-deny-203.0.113.77-8808']);
  });
});
