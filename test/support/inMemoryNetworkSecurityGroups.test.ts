import type { SecurityRule } from '../../shared/domain/securityGroup';
import {
  FirewallBusyError,
  NotFoundError,
  PriorityTakenError,
  RuleLimitError,
} from '../../shared/ports/portErrors';
import { InMemoryNetworkSecurityGroups } from './inMemoryNetworkSecurityGroups';

const ID = 'nsg-id';

function rule(
  name: string,
  priority: number,
  direction: SecurityRule['direction'] = 'Outbound',
): SecurityRule {
  return {
    name,
    priority,
    direction,
    access: 'Deny',
    protocol: 'Tcp',
    destinationAddressPrefix: '*',
  };
}

function fake(rules: SecurityRule[] = []): InMemoryNetworkSecurityGroups {
  return new InMemoryNetworkSecurityGroups([{ id: ID, name: 'nsg', rules }]);
}

describe('InMemoryNetworkSecurityGroups', () => {
  it('refuses a priority held in the same direction and allows it in the other', async () => {
    const nsgs = fake([rule('A', 100)]);

    await expect(nsgs.putRule(ID, rule('B', 100))).rejects.toBeInstanceOf(PriorityTakenError);
    await expect(nsgs.putRule(ID, rule('C', 100, 'Inbound'))).resolves.toMatchObject({ name: 'C' });
  });

  it('replaces a rule written again under its name, even at its own priority', async () => {
    const nsgs = fake([rule('A', 100)]);

    await nsgs.putRule(ID, { ...rule('A', 100), protocol: 'Udp' });

    expect((await nsgs.get(ID)).rules).toEqual([{ ...rule('A', 100), protocol: 'Udp' }]);
  });

  it('refuses the 1,001st rule but accepts replacing one in a full NSG', async () => {
    const nsgs = fake(Array.from({ length: 1000 }, (_, index) => rule(`R${index}`, 100 + index)));

    await expect(nsgs.putRule(ID, rule('New', 3000))).rejects.toBeInstanceOf(RuleLimitError);
    await expect(nsgs.putRule(ID, rule('R0', 100))).resolves.toMatchObject({ name: 'R0' });
  });

  it('rejects priorities outside 100..4096 and invalid names', async () => {
    const nsgs = fake();

    await expect(nsgs.putRule(ID, rule('A', 4097))).rejects.toBeInstanceOf(RangeError);
    await expect(nsgs.putRule(ID, rule('bad:name', 200))).rejects.toBeInstanceOf(RangeError);
  });

  it('answers busy to a write while another is in progress', async () => {
    const nsgs = new InMemoryNetworkSecurityGroups([{ id: ID, name: 'nsg', rules: [] }], {
      writeDuration: () => new Promise((resolve) => setImmediate(resolve)),
    });

    const results = await Promise.allSettled([
      nsgs.putRule(ID, rule('A', 100)),
      nsgs.putRule(ID, rule('B', 101)),
    ]);

    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected']);
    expect(results[1]?.status === 'rejected' && results[1].reason).toBeInstanceOf(
      FirewallBusyError,
    );
  });

  it('deletes a missing rule without error and reports an unknown NSG', async () => {
    const nsgs = fake([rule('A', 100)]);

    await expect(nsgs.deleteRule(ID, 'Missing')).resolves.toBeUndefined();
    await expect(nsgs.get('other')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('hands out copies, so a caller cannot change the stored NSG', async () => {
    const nsgs = fake([rule('A', 100)]);
    const read = await nsgs.get(ID);
    (read.rules as SecurityRule[]).push(rule('B', 101));

    expect(nsgs.snapshot(ID).rules).toHaveLength(1);
  });
});
