import { createHarness, NSG_FIN, ourBlock, ruleNames, type Harness } from './triggerHarness';

describe('expireBlocks timer', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await createHarness();
  });
  afterEach(() => harness.close());

  it('runs every 15 minutes and removes only the blocks past their time to live', async () => {
    await harness.securityGroups.putRule(
      NSG_FIN,
      ourBlock('203.0.113.77', 8808, 103, '2025-03-04T09:59:00.000Z'),
    );
    await harness.securityGroups.putRule(
      NSG_FIN,
      ourBlock('198.51.100.23', 443, 104, '2025-03-11T10:00:00.000Z'),
    );

    await harness.runTimer('expireBlocks');

    expect(harness.timers.get('expireBlocks')?.schedule).toBe('0 */15 * * * *');
    expect(await ruleNames(harness, NSG_FIN)).toEqual(['c2r-deny-198.51.100.23-443']);
    const records = await harness.auditRecords();
    expect(records.map((r) => [r.action, r.outcome, r.actor])).toEqual([
      ['block.expired', 'succeeded', 'system:expiry'],
    ]);
    expect(harness.logs).toEqual([
      'information: block expiry at 2025-03-04T10:00:00.000Z: 1 rule(s) removed.',
    ]);
  });
});
