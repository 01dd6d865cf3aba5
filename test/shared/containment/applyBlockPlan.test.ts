import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { applyBlockPlan } from '../../../shared/containment/applyBlockPlan';
import type { BlockApplicationOptions } from '../../../shared/containment/applyBlockPlan';
import { createNsgWriteQueue, unqueuedWrites } from '../../../shared/containment/nsgWriteQueue';
import { securityGroupFromArm } from '../../../shared/domain/armSecurityGroup';
import type { BlockPlan } from '../../../shared/domain/blockPlan';
import { planBlock } from '../../../shared/domain/blockPlanner';
import type { BlockSettings } from '../../../shared/domain/blockPlanner';
import type { AssessedIndicator } from '../../../shared/domain/indicator';
import type { SecurityGroup, SecurityRule } from '../../../shared/domain/securityGroup';
import { FirewallBusyError } from '../../../shared/ports/portErrors';
import { InMemoryNetworkSecurityGroups } from '../../support/inMemoryNetworkSecurityGroups';

const NOW = '2026-12-02T18:00:00.000Z';
const SETTINGS: BlockSettings = {
  priorityBand: { lowest: 100, highest: 4096 },
  timeToLiveMs: 7 * 86_400_000,
};

function labGroup(name: 'fin' | 'app'): SecurityGroup {
  const path = join(__dirname, '../../../samples/nsgs', `nsg-${name}-subnet.json`);
  return securityGroupFromArm(JSON.parse(readFileSync(path, 'utf8')));
}

const FIN = labGroup('fin');
const APP = labGroup('app');

function indicator(address: string, port: number): AssessedIndicator {
  return {
    address,
    port,
    family: 'IPv4',
    key: `${address}:${port}`,
    blockability: { blockable: true },
  };
}

function planFor(
  groups: readonly SecurityGroup[],
  indicators = [indicator('178.16.52.203', 1889)],
): BlockPlan {
  const result = planBlock({
    indicators,
    groups,
    settings: SETTINGS,
    now: NOW,
    incidentNumbers: [4127],
  });
  if (!result.ok) throw new Error(result.reason);
  return result.plan;
}

function options(sleeps: number[] = [], maxAttempts = 5): BlockApplicationOptions {
  return {
    settings: SETTINGS,
    now: NOW,
    maxAttempts,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  };
}

function foreignDeny(name: string, priority: number): SecurityRule {
  return {
    name,
    priority,
    direction: 'Outbound',
    access: 'Deny',
    protocol: '*',
    sourceAddressPrefix: '*',
    sourcePortRange: '*',
    destinationAddressPrefix: '192.0.2.1/32',
    destinationPortRange: '*',
  };
}

function rulesOf(fake: InMemoryNetworkSecurityGroups, nsg: SecurityGroup): SecurityRule[] {
  return [...fake.snapshot(nsg.id).rules];
}

describe('applyBlockPlan', () => {
  it('writes the lab plan at 103 and 106, verifies it, and leaves every other rule as it was', async () => {
    const fake = new InMemoryNetworkSecurityGroups([FIN, APP]);
    const application = await applyBlockPlan(fake, planFor([FIN, APP]), options());

    expect(application.ok).toBe(true);
    expect(application.verification).toEqual({ ok: true, problems: [] });
    expect(
      application.rules.map((rule) => [
        rule.nsgName,
        rule.outcome,
        rule.priority,
        rule.attempts,
        rule.writes,
      ]),
    ).toEqual([
      ['nsg-app-subnet', 'written', 106, 1, 1],
      ['nsg-fin-subnet', 'written', 103, 1, 1],
    ]);
    for (const nsg of [FIN, APP]) {
      const after = rulesOf(fake, nsg);
      expect(after.filter((rule) => !rule.name.startsWith('c2r-'))).toEqual(nsg.rules);
      expect(after.filter((rule) => rule.name.startsWith('c2r-'))).toHaveLength(1);
    }
  });

  it('writes nothing when the plan is applied a second time', async () => {
    const fake = new InMemoryNetworkSecurityGroups([FIN, APP]);
    const plan = planFor([FIN, APP]);
    await applyBlockPlan(fake, plan, options());
    const putsBefore = fake.countCalls('put');

    const again = await applyBlockPlan(fake, plan, options());

    expect(fake.countCalls('put')).toBe(putsBefore);
    expect(again.ok).toBe(true);
    expect(again.rules.map((rule) => [rule.outcome, rule.writes])).toEqual([
      ['present', 0],
      ['present', 0],
    ]);
  });

  it('waits for Retry-After while the NSG is busy and then writes once', async () => {
    const fake = new InMemoryNetworkSecurityGroups([FIN], { busyRetryAfterMs: 7000 });
    fake.failNextWrites(FIN.id, 2);
    const sleeps: number[] = [];

    const application = await applyBlockPlan(fake, planFor([FIN]), options(sleeps));

    expect(sleeps).toEqual([7000, 7000]);
    expect(application.rules[0]).toMatchObject({
      outcome: 'written',
      priority: 103,
      attempts: 3,
      writes: 1,
    });
    expect(rulesOf(fake, FIN).filter((rule) => rule.name.startsWith('c2r-'))).toHaveLength(1);
  });

  it('moves to the next free priority when another writer takes the planned one meanwhile', async () => {
    const fake = new InMemoryNetworkSecurityGroups([FIN]);
    fake.onBeforeWrite((nsgs, write) => {
      nsgs.onBeforeWrite(undefined);
      nsgs.addRule(write.nsgId, foreignDeny('Hand-Made-Deny', 103));
    });

    const application = await applyBlockPlan(fake, planFor([FIN]), options());

    expect(application.ok).toBe(true);
    expect(application.rules[0]).toMatchObject({
      approvedPriority: 103,
      priority: 104,
      attempts: 2,
      writes: 1,
    });
    expect(rulesOf(fake, FIN).find((rule) => rule.name === 'Hand-Made-Deny')?.priority).toBe(103);
  });

  it('refuses to write after an Allow that appeared meanwhile and still applies the other NSG', async () => {
    const plan = planFor([FIN, APP]);
    const fake = new InMemoryNetworkSecurityGroups([FIN, APP]);
    fake.addRule(FIN.id, {
      ...foreignDeny('Allow-New-Out', 103),
      access: 'Allow',
      destinationAddressPrefix: 'Internet',
    });

    const application = await applyBlockPlan(fake, plan, options());

    expect(application.ok).toBe(false);
    expect(application.failures).toEqual([
      {
        nsgId: FIN.id,
        code: 'no-free-priority',
        message:
          'nsg-fin-subnet has no free Outbound priority between 100 and 4096 that sorts before the Allow rule Allow-New-Out (103) for 178.16.52.203:1889.',
      },
    ]);
    expect(fake.countCalls('put', FIN.id)).toBe(0);
    expect(application.rules.map((rule) => [rule.nsgName, rule.outcome])).toEqual([
      ['nsg-app-subnet', 'written'],
      ['nsg-fin-subnet', 'failed'],
    ]);
    expect(application.verification.problems).toEqual([
      'c2r-deny-178.16.52.203-1889 is missing from nsg-fin-subnet.',
    ]);
  });

  it('gives up after the configured number of write rounds while the NSG stays busy', async () => {
    const fake = new InMemoryNetworkSecurityGroups([FIN]);
    fake.failNextWrites(FIN.id, 100);
    const sleeps: number[] = [];

    const application = await applyBlockPlan(fake, planFor([FIN]), options(sleeps, 3));

    expect(application.failures.map((failure) => failure.code)).toEqual(['attempts-exhausted']);
    expect(fake.countCalls('put')).toBe(3);
    expect(sleeps).toHaveLength(3);
    expect(application.rules[0]?.outcome).toBe('failed');
  });

  it('stops when the NSG filled up to 1,000 rules before the write', async () => {
    const fake = new InMemoryNetworkSecurityGroups([FIN]);
    fake.onBeforeWrite((nsgs, write) => {
      nsgs.onBeforeWrite(undefined);
      const free = 1000 - nsgs.snapshot(write.nsgId).rules.length;
      for (let index = 0; index < free; index += 1) {
        nsgs.addRule(write.nsgId, foreignDeny(`Filler-${index}`, 3000 + index));
      }
    });

    const application = await applyBlockPlan(fake, planFor([FIN]), options());

    expect(application.failures.map((failure) => failure.code)).toEqual(['rule-limit']);
    expect(rulesOf(fake, FIN)).toHaveLength(1000);
    expect(rulesOf(fake, FIN).some((rule) => rule.name.startsWith('c2r-'))).toBe(false);
  });

  it('reports an NSG that does not exist and still applies the others', async () => {
    const fake = new InMemoryNetworkSecurityGroups([APP]);

    const application = await applyBlockPlan(fake, planFor([FIN, APP]), options());

    expect(application.failures).toEqual([
      {
        nsgId: FIN.id,
        code: 'not-found',
        message: `The NSG ${FIN.id} does not exist; nothing was written to it.`,
      },
    ]);
    expect(application.rules.map((rule) => [rule.nsgName, rule.outcome])).toEqual([
      ['nsg-app-subnet', 'written'],
      ['nsg-fin-subnet', 'failed'],
    ]);
  });

  it('waits and reads again when reading the NSG is throttled', async () => {
    const fake = new InMemoryNetworkSecurityGroups([FIN]);
    const throttled: InMemoryNetworkSecurityGroups['get'] = fake.get.bind(fake);
    let refusals = 1;
    fake.get = async (nsgId) => {
      if (refusals-- > 0) throw new FirewallBusyError('throttled', 3000);
      return throttled(nsgId);
    };
    const sleeps: number[] = [];

    const application = await applyBlockPlan(fake, planFor([FIN]), options(sleeps));

    expect(sleeps).toEqual([3000]);
    expect(application.ok).toBe(true);
    expect(application.reads).toBe(3);
  });

  it('writes nothing for a plan changed after approval', async () => {
    const plan = planFor([FIN]);
    const [first] = plan.rules;
    if (!first) throw new Error('no rule');
    const changed: BlockPlan = {
      ...plan,
      rules: [{ ...first, rule: { ...first.rule, destinationAddressPrefix: '0.0.0.0/0' } }],
    };
    const fake = new InMemoryNetworkSecurityGroups([FIN]);

    const application = await applyBlockPlan(fake, changed, options());

    expect(application.failures.map((failure) => failure.code)).toEqual(['plan-tampered']);
    expect(fake.calls).toEqual([]);
  });

  it('writes nothing for a plan whose expiry has passed', async () => {
    const fake = new InMemoryNetworkSecurityGroups([FIN]);

    const application = await applyBlockPlan(fake, planFor([FIN]), {
      ...options(),
      now: '2026-12-10T00:00:00.000Z',
    });

    expect(application.failures.map((failure) => failure.code)).toEqual(['plan-expired']);
    expect(fake.calls).toEqual([]);
  });

  it('converges without a queue when twenty plans made from one snapshot are applied at once to an NSG that takes one write at a time', async () => {
    const yieldOnce = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
    const fake = new InMemoryNetworkSecurityGroups([APP], {
      writeDuration: yieldOnce,
      busyRetryAfterMs: 0,
    });
    const plans = Array.from({ length: 20 }, (_, index) =>
      planFor([APP], [indicator(`198.51.100.${index + 1}`, 4444)]),
    );
    const sleep = async (): Promise<void> => yieldOnce();

    expect(new Set(plans.map((plan) => plan.rules[0]?.rule.priority))).toEqual(new Set([106]));

    const applications = await Promise.all(
      plans.map((plan) =>
        applyBlockPlan(fake, plan, {
          ...options(),
          sleep,
          maxAttempts: 60,
          writeQueue: unqueuedWrites,
        }),
      ),
    );
    const after = rulesOf(fake, APP);
    const ours = after.filter((rule) => rule.name.startsWith('c2r-'));
    const outbound = after
      .filter((rule) => rule.direction === 'Outbound')
      .map((rule) => rule.priority);

    expect(applications.every((application) => application.ok)).toBe(true);
    expect(ours).toHaveLength(20);
    expect(new Set(ours.map((rule) => rule.name)).size).toBe(20);
    expect(new Set(outbound).size).toBe(outbound.length);
    expect(ours.every((rule) => rule.priority < 2000)).toBe(true);
    expect(after.filter((rule) => !rule.name.startsWith('c2r-'))).toEqual(APP.rules);
    expect(fake.countCalls('put')).toBeGreaterThanOrEqual(20);
  });

  it('sends exactly one write per rule when twenty plans share the in-process queue', async () => {
    const yieldOnce = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
    const fake = new InMemoryNetworkSecurityGroups([APP], { writeDuration: yieldOnce });
    const plans = Array.from({ length: 20 }, (_, index) =>
      planFor([APP], [indicator(`198.51.100.${index + 1}`, 4444)]),
    );
    const writeQueue = createNsgWriteQueue();

    const applications = await Promise.all(
      plans.map((plan) => applyBlockPlan(fake, plan, { ...options(), maxAttempts: 3, writeQueue })),
    );
    const ours = rulesOf(fake, APP).filter((rule) => rule.name.startsWith('c2r-'));

    expect(applications.every((application) => application.ok)).toBe(true);
    expect(fake.countCalls('put')).toBe(20);
    expect(ours.map((rule) => rule.priority).sort((a, b) => a - b)).toEqual([
      106, 108, 109, 111, 112, 113, 114, 115, 116, 117, 118, 119, 121, 122, 123, 124, 125, 126, 127,
      128,
    ]);
  });
});
