import { removeBlocks } from '../../../shared/containment/removeBlocks';
import type { RemovalOptions } from '../../../shared/containment/removeBlocks';
import type { SecurityGroup, SecurityRule } from '../../../shared/domain/securityGroup';
import { InMemoryNetworkSecurityGroups } from '../../support/inMemoryNetworkSecurityGroups';

function deny(name: string, priority: number): SecurityRule {
  return {
    name,
    priority,
    direction: 'Outbound',
    access: 'Deny',
    protocol: 'Tcp',
    destinationAddressPrefix: '178.16.52.203/32',
    destinationPortRange: '1889',
  };
}

const OURS = deny('c2r-deny-178.16.52.203-1889', 103);
const FOREIGN = deny('SOC-Deny-DCRat-45.225.135.22-Out', 107);
const NSG: SecurityGroup = { id: 'nsg-fin-id', name: 'nsg-fin-subnet', rules: [OURS, FOREIGN] };

function options(sleeps: number[] = [], maxAttempts = 3): RemovalOptions {
  return {
    maxAttempts,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  };
}

describe('removeBlocks', () => {
  it('deletes our rule and reports it as it was before', async () => {
    const fake = new InMemoryNetworkSecurityGroups([NSG]);

    const removal = await removeBlocks(fake, NSG.id, [OURS.name], options());

    expect(removal).toEqual({
      nsgId: NSG.id,
      nsgName: 'nsg-fin-subnet',
      ok: true,
      rules: [{ ruleName: OURS.name, outcome: 'removed', attempts: 1, before: OURS }],
    });
    expect(fake.snapshot(NSG.id).rules).toEqual([FOREIGN]);
  });

  it('refuses to delete a foreign rule even when asked to', async () => {
    const fake = new InMemoryNetworkSecurityGroups([NSG]);

    const removal = await removeBlocks(fake, NSG.id, [FOREIGN.name], options());

    expect(removal.rules).toEqual([
      { ruleName: FOREIGN.name, outcome: 'refused-foreign', attempts: 0 },
    ]);
    expect(fake.countCalls('delete')).toBe(0);
    expect(fake.snapshot(NSG.id).rules).toEqual([OURS, FOREIGN]);
  });

  it('treats a rule that is already gone as done', async () => {
    const fake = new InMemoryNetworkSecurityGroups([NSG]);

    const removal = await removeBlocks(fake, NSG.id, ['c2r-deny-154.18.238.18-8848'], options());

    expect(removal.ok).toBe(true);
    expect(removal.rules[0]?.outcome).toBe('absent');
  });

  it('retries a delete while the NSG is busy', async () => {
    const fake = new InMemoryNetworkSecurityGroups([NSG], { busyRetryAfterMs: 2000 });
    fake.failNextWrites(NSG.id, 2);
    const sleeps: number[] = [];

    const removal = await removeBlocks(fake, NSG.id, [OURS.name], options(sleeps));

    expect(sleeps).toEqual([2000, 2000]);
    expect(removal.rules[0]).toMatchObject({ outcome: 'removed', attempts: 3 });
    expect(fake.snapshot(NSG.id).rules).toEqual([FOREIGN]);
  });

  it('reports a failure when the NSG stays busy', async () => {
    const fake = new InMemoryNetworkSecurityGroups([NSG]);
    fake.failNextWrites(NSG.id, 10);

    const removal = await removeBlocks(fake, NSG.id, [OURS.name], options([], 2));

    expect(removal.ok).toBe(false);
    expect(removal.rules[0]).toMatchObject({ outcome: 'failed', attempts: 2 });
    expect(fake.snapshot(NSG.id).rules).toEqual([OURS, FOREIGN]);
  });
});
