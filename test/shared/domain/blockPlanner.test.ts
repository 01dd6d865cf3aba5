import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import fc from 'fast-check';

import { allowCoversTraffic } from '../../../shared/domain/allowRuleCoverage';
import { securityGroupFromArm } from '../../../shared/domain/armSecurityGroup';
import type { BlockPlan, PlanningResult } from '../../../shared/domain/blockPlan';
import {
  blockingProblem,
  blockPlanHash,
  planBlock,
  replanSecurityGroup,
  planFromApproval,
} from '../../../shared/domain/blockPlanner';
import type { BlockPlanningInput, BlockSettings } from '../../../shared/domain/blockPlanner';
import type { AssessedIndicator } from '../../../shared/domain/indicator';
import type { SecurityGroup, SecurityRule } from '../../../shared/domain/securityGroup';

const NOW = '2026-12-02T18:00:00.000Z';
const SETTINGS: BlockSettings = {
  priorityBand: { lowest: 100, highest: 4096 },
  timeToLiveMs: 7 * 24 * 3600 * 1000,
};

function labGroup(name: 'fin' | 'app'): SecurityGroup {
  const path = join(__dirname, '../../../samples/nsgs', `nsg-${name}-subnet.json`);
  return securityGroupFromArm(JSON.parse(readFileSync(path, 'utf8')));
}

function indicator(address: string, port: number, blockable = true): AssessedIndicator {
  const family = address.includes(':') ? 'IPv6' : 'IPv4';
  return {
    address,
    port,
    family,
    key: family === 'IPv6' ? `[${address}]:${port}` : `${address}:${port}`,
    blockability: blockable ? { blockable } : { blockable, reason: 'private address' },
  };
}

function group(rules: SecurityRule[], name = 'nsg-test'): SecurityGroup {
  return {
    id: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/${name}`,
    name,
    rules,
  };
}

function outbound(name: string, priority: number, extra: Partial<SecurityRule> = {}): SecurityRule {
  return {
    name,
    priority,
    direction: 'Outbound',
    access: 'Allow',
    protocol: '*',
    sourceAddressPrefix: '*',
    sourcePortRange: '*',
    destinationAddressPrefix: 'Internet',
    destinationPortRange: '*',
    ...extra,
  };
}

function plan(overrides: Partial<BlockPlanningInput> = {}): PlanningResult {
  return planBlock({
    indicators: [indicator('178.16.52.203', 1889)],
    groups: [labGroup('fin'), labGroup('app')],
    settings: SETTINGS,
    now: NOW,
    incidentNumbers: [4127],
    ...overrides,
  });
}

function okPlan(result: PlanningResult): BlockPlan {
  if (!result.ok) throw new Error(`expected a plan, got ${result.code}: ${result.reason}`);
  return result.plan;
}

function priorityIn(result: BlockPlan, nsgName: string): number | undefined {
  return result.rules.find((rule) => rule.nsgName === nsgName)?.rule.priority;
}

describe('planBlock on the lab NSGs', () => {
  it('takes 103 in nsg-fin-subnet and 106 in nsg-app-subnet for 178.16.52.203:1889', () => {
    const result = okPlan(plan());

    expect(priorityIn(result, 'nsg-fin-subnet')).toBe(103);
    expect(priorityIn(result, 'nsg-app-subnet')).toBe(106);
    expect(result.rules.map((rule) => rule.state)).toEqual(['new', 'new']);
  });

  it('writes an Outbound Tcp deny from any source to the /32 on the indicator port', () => {
    const [first] = okPlan(plan()).rules;

    expect(first?.rule).toEqual({
      name: 'c2r-deny-178.16.52.203-1889',
      priority: 106,
      direction: 'Outbound',
      access: 'Deny',
      protocol: 'Tcp',
      description: 'c2r block 178.16.52.203:1889; incident 4127; expires 2026-12-09T18:00:00.000Z',
      sourceAddressPrefix: '*',
      sourcePortRange: '*',
      destinationAddressPrefix: '178.16.52.203/32',
      destinationPortRange: '1889',
    });
  });

  it('places the deny before the vendor high-ports allow that would let 1889 out', () => {
    const app = labGroup('app');
    const result = okPlan(plan());
    const vendor = app.rules.find((rule) => rule.name === 'Allow-Vendor-HighPorts-Out');

    expect(vendor?.priority).toBe(2000);
    expect(priorityIn(result, 'nsg-app-subnet')).toBeLessThan(2000);
  });

  it('would fail with max(existing)+1: 4001 sorts after the allow-all and 4097 is out of range', () => {
    const fin = labGroup('fin');
    const app = labGroup('app');
    const maxPlusOne = (nsg: SecurityGroup): number =>
      Math.max(
        ...nsg.rules.filter((rule) => rule.direction === 'Outbound').map((rule) => rule.priority),
      ) + 1;
    const naive = (nsg: SecurityGroup): BlockPlan['rules'][number] => {
      const planned = okPlan(plan()).rules.find((rule) => rule.nsgId === nsg.id);
      if (!planned) throw new Error('no rule');
      return { ...planned, rule: { ...planned.rule, priority: maxPlusOne(nsg) } };
    };
    const withNaive = (nsg: SecurityGroup): SecurityGroup => ({
      ...nsg,
      rules: [...nsg.rules, naive(nsg).rule],
    });

    expect(maxPlusOne(fin)).toBe(4001);
    expect(blockingProblem(withNaive(fin), naive(fin))).toMatch(
      /after the Allow rule Allow-Internet-Out \(4000\)/,
    );
    expect(maxPlusOne(app)).toBe(4097);
    expect(blockingProblem(withNaive(app), naive(app))).toMatch(
      /after the Allow rule Allow-Vendor-HighPorts-Out/,
    );
  });

  it('leaves every existing rule unchanged and only adds its own', () => {
    const fin = labGroup('fin');
    const result = okPlan(plan());

    expect(result.rules.every((rule) => rule.rule.name.startsWith('c2r-'))).toBe(true);
    expect(
      result.rules.some((rule) => fin.rules.some((existing) => existing.name === rule.rule.name)),
    ).toBe(false);
  });

  it('never takes an Outbound priority another rule holds, but may reuse one held Inbound', () => {
    const fin = labGroup('fin');
    const inbound103 = fin.rules.find(
      (rule) => rule.direction === 'Inbound' && rule.priority === 103,
    );

    expect(inbound103?.name).toBe('AzPolicy-Deny-MgmtPorts-In');
    expect(priorityIn(okPlan(plan()), 'nsg-fin-subnet')).toBe(103);
  });
});

describe('planBlock priorities', () => {
  it('stays inside a configured narrower band', () => {
    const result = okPlan(
      plan({ settings: { ...SETTINGS, priorityBand: { lowest: 150, highest: 199 } } }),
    );

    expect(priorityIn(result, 'nsg-fin-subnet')).toBe(150);
    expect(priorityIn(result, 'nsg-app-subnet')).toBe(150);
  });

  it('refuses when every priority of the band is taken', () => {
    const taken = [100, 101, 102].map((p) => outbound(`Foreign-${p}`, p, { access: 'Deny' }));
    const result = plan({
      groups: [group(taken)],
      settings: { ...SETTINGS, priorityBand: { lowest: 100, highest: 102 } },
    });

    expect(result).toEqual({
      ok: false,
      code: 'no-free-priority',
      reason: 'nsg-test has no free Outbound priority between 100 and 102 for 178.16.52.203:1889.',
    });
  });

  it('refuses when the only free priorities sort after a covering allow', () => {
    const rules = [outbound('Deny-A', 100, { access: 'Deny' }), outbound('Allow-All-Out', 101)];
    const result = plan({ groups: [group(rules)] });

    expect(result.ok).toBe(false);
    expect(!result.ok && result.code).toBe('no-free-priority');
    expect(!result.ok && result.reason).toContain('before the Allow rule Allow-All-Out (101)');
  });

  it('ignores an allow for another protocol, another port or the virtual network', () => {
    const rules = [
      outbound('Udp-Out', 100, { protocol: 'Udp' }),
      outbound('Https-Out', 101, { destinationPortRange: '443' }),
      outbound('Vnet-Out', 102, { destinationAddressPrefix: 'VirtualNetwork' }),
      outbound('Other-Net-Out', 103, { destinationAddressPrefix: '178.16.52.0/25' }),
    ];
    const result = okPlan(
      plan({
        groups: [group(rules)],
        settings: { ...SETTINGS, priorityBand: { lowest: 100, highest: 200 } },
      }),
    );

    expect(result.rules[0]?.rule.priority).toBe(104);
  });

  it('treats a service tag it cannot resolve as covering, to be safe', () => {
    const rules = [
      outbound('Deny-A', 100, { access: 'Deny' }),
      outbound('Cloud-Out', 101, {
        destinationAddressPrefix: 'AzureCloud',
        destinationPortRange: '1000-2000',
      }),
      outbound('Deny-B', 102, { access: 'Deny' }),
    ];
    const result = plan({ groups: [group(rules)] });

    expect(!result.ok && result.reason).toContain('Cloud-Out (101)');
  });

  it('gives each indicator its own free priority in the same NSG', () => {
    const result = okPlan(
      plan({
        groups: [labGroup('app')],
        indicators: [indicator('178.16.52.203', 1889), indicator('154.18.238.18', 8848)],
      }),
    );

    expect(result.rules.map((rule) => [rule.rule.name, rule.rule.priority])).toEqual([
      ['c2r-deny-154.18.238.18-8848', 106],
      ['c2r-deny-178.16.52.203-1889', 108],
    ]);
  });
});

describe('planBlock indicators', () => {
  it('plans an IPv6 indicator as a /128 with colons spelt as underscores in the name', () => {
    const result = okPlan(
      plan({ indicators: [indicator('2001:db8:4::1f', 443)], groups: [labGroup('fin')] }),
    );

    expect(result.rules[0]?.rule.name).toBe('c2r-deny-2001_db8_4__1f-443');
    expect(result.rules[0]?.rule.destinationAddressPrefix).toBe('2001:db8:4::1f/128');
    expect(result.rules[0]?.rule.priority).toBe(103);
  });

  it('keeps IPv4 and IPv6 indicators in separate rules', () => {
    const result = okPlan(
      plan({
        indicators: [indicator('2001:db8:4::1f', 1889), indicator('178.16.52.203', 1889)],
        groups: [labGroup('fin')],
      }),
    );

    expect(result.rules.map((rule) => rule.rule.destinationAddressPrefix)).toEqual([
      '178.16.52.203/32',
      '2001:db8:4::1f/128',
    ]);
  });

  it('refuses to plan anything for indicators that are not blockable', () => {
    const result = plan({ indicators: [indicator('10.40.8.17', 1889, false)] });

    expect(result).toEqual({
      ok: false,
      code: 'no-blockable-indicator',
      reason: 'No indicator may be blocked (10.40.8.17:1889: private address).',
    });
  });

  it('leaves a non-blockable indicator out of a plan for a blockable one', () => {
    const result = okPlan(
      plan({
        indicators: [indicator('10.40.8.17', 1889, false), indicator('178.16.52.203', 1889)],
      }),
    );

    expect(result.indicators).toEqual(['178.16.52.203:1889']);
    expect(result.rules.map((rule) => rule.indicator)).toEqual([
      '178.16.52.203:1889',
      '178.16.52.203:1889',
    ]);
  });
});

describe('planBlock idempotence', () => {
  it('keeps an equal rule of ours as present instead of adding a second one', () => {
    const first = okPlan(plan());
    const fin = labGroup('fin');
    const applied = {
      ...fin,
      rules: [...fin.rules, first.rules.find((r) => r.nsgId === fin.id)!.rule],
    };
    const second = okPlan(
      plan({ groups: [applied], incidentNumbers: [4130], now: '2026-12-03T09:00:00.000Z' }),
    );

    expect(second.rules).toHaveLength(1);
    expect(second.rules[0]?.state).toBe('present');
    expect(second.rules[0]?.rule.priority).toBe(103);
    expect(second.rules[0]?.rule.description).toContain('incident 4127');
  });

  it('rewrites our rule when an allow placed before it would let the traffic out', () => {
    const ours = okPlan(plan({ groups: [labGroup('fin')] })).rules[0]!.rule;
    const moved = { ...ours, priority: 300 };
    const nsg = group([outbound('Allow-Partner-Out', 200), moved]);
    const again = okPlan(plan({ groups: [nsg] }));

    expect(again.rules[0]?.state).toBe('new');
    expect(again.rules[0]?.rule.priority).toBe(100);
  });
});

describe('planBlock limits', () => {
  const filler = (count: number, prefixesEach = 1): SecurityRule[] =>
    Array.from({ length: count }, (_, index) =>
      outbound(`Filler-${index}`, 200 + index, {
        access: 'Deny',
        destinationAddressPrefix: undefined,
        destinationAddressPrefixes: Array.from(
          { length: prefixesEach },
          (_, n) => `198.51.${index % 250}.${n}/32`,
        ),
      }),
    );

  it('refuses an NSG that already holds 1,000 rules before anything is written', () => {
    const result = plan({ groups: [group(filler(1000))] });

    expect(!result.ok && result.code).toBe('rule-limit');
    expect(!result.ok && result.reason).toBe(
      'nsg-test would hold 1001 rules; an NSG holds at most 1000. Nothing was written.',
    );
  });

  it('accepts the 1,000th rule', () => {
    const result = plan({ groups: [group(filler(999))] });

    expect(result.ok).toBe(true);
  });

  it('refuses when destination prefixes would exceed 4,000', () => {
    const result = plan({ groups: [group(filler(40, 100))] });

    expect(!result.ok && result.code).toBe('prefix-limit');
    expect(!result.ok && result.reason).toContain('4001 destination address prefixes');
  });

  it('refuses the whole plan when any one NSG would break a limit', () => {
    const result = plan({ groups: [labGroup('fin'), group(filler(1000))] });

    expect(result.ok).toBe(false);
  });
});

describe('plan hash', () => {
  it('is the same for the same input given in another order', () => {
    const a = okPlan(
      plan({
        indicators: [indicator('178.16.52.203', 1889), indicator('154.18.238.18', 8848)],
        incidentNumbers: [4127, 4093],
      }),
    );
    const b = okPlan(
      plan({
        indicators: [indicator('154.18.238.18', 8848), indicator('178.16.52.203', 1889)],
        groups: [labGroup('app'), labGroup('fin')],
        incidentNumbers: [4093, 4127],
      }),
    );

    expect(b.hash).toBe(a.hash);
    expect(b).toEqual(a);
  });

  it('changes with the expiry, the destination and the NSGs', () => {
    const base = okPlan(plan());

    expect(okPlan(plan({ now: '2026-12-02T18:00:01.000Z' })).hash).not.toBe(base.hash);
    expect(okPlan(plan({ indicators: [indicator('178.16.52.203', 1890)] })).hash).not.toBe(
      base.hash,
    );
    expect(okPlan(plan({ groups: [labGroup('fin')] })).hash).not.toBe(base.hash);
  });

  it('does not depend on the priorities or on the incidents that joined', () => {
    const base = okPlan(plan());
    const moved = base.rules.map((rule) => ({ ...rule, rule: { ...rule.rule, priority: 150 } }));

    expect(blockPlanHash({ ...base, rules: moved })).toBe(base.hash);
    expect(okPlan(plan({ incidentNumbers: [4127, 4200] })).hash).toBe(base.hash);
  });
});

describe('replanSecurityGroup', () => {
  it('keeps the approved priority while it is still free', () => {
    const approved = okPlan(plan()).rules;
    const fin = labGroup('fin');
    const result = replanSecurityGroup(fin, approved, SETTINGS);

    expect(result.ok && result.rules.map((rule) => rule.rule.priority)).toEqual([103]);
  });

  it('moves to the next free priority when the approved one was taken meanwhile', () => {
    const approved = okPlan(plan()).rules;
    const fin = labGroup('fin');
    const taken = {
      ...fin,
      rules: [...fin.rules, outbound('Foreign-103', 103, { access: 'Deny' })],
    };
    const result = replanSecurityGroup(taken, approved, SETTINGS);

    expect(
      result.ok && result.rules.map((rule) => [rule.rule.priority, rule.rule.description]),
    ).toEqual([[104, approved.find((rule) => rule.nsgId === fin.id)?.rule.description]]);
  });

  it('refuses when a new allow leaves no priority before it', () => {
    const approved = okPlan(plan()).rules;
    const fin = labGroup('fin');
    const squeezed = { ...fin, rules: [...fin.rules, outbound('Allow-New-Out', 103)] };
    const result = replanSecurityGroup(squeezed, approved, SETTINGS);

    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain('Allow-New-Out (103)');
  });
});

describe('planBlock invariants', () => {
  const TRAFFIC = {
    address: '178.16.52.203',
    family: 'IPv4',
    port: 1889,
    protocol: 'Tcp',
  } as const;

  const ruleArbitrary = fc.record({
    priority: fc.integer({ min: 100, max: 170 }),
    direction: fc.constantFrom<'Inbound' | 'Outbound'>('Inbound', 'Outbound'),
    access: fc.constantFrom<'Allow' | 'Deny'>('Allow', 'Deny'),
    protocol: fc.constantFrom<'Tcp' | 'Udp' | '*'>('Tcp', 'Udp', '*'),
    destinationAddressPrefix: fc.constantFrom(
      '*',
      'Internet',
      'VirtualNetwork',
      '178.16.0.0/16',
      '10.0.0.0/8',
      'AzureCloud',
    ),
    destinationPortRange: fc.constantFrom('*', '1889', '443', '1024-65535', '1-1000'),
  });

  it('never takes a held Outbound priority, stays in the band and sorts before every covering allow', () => {
    fc.assert(
      fc.property(
        fc.array(ruleArbitrary, { maxLength: 120 }),
        fc.integer({ min: 100, max: 130 }),
        (drafts, lowest) => {
          const seen = new Set<string>();
          const rules = drafts
            .filter((draft) => {
              const key = `${draft.direction}/${draft.priority}`;
              if (seen.has(key)) return false;
              seen.add(key);
              return true;
            })
            .map((draft, index) => ({ name: `Foreign-${index}`, ...draft }));
          const nsg = group(rules);
          const band = { lowest, highest: lowest + 50 };
          const result = plan({ groups: [nsg], settings: { ...SETTINGS, priorityBand: band } });
          if (!result.ok) {
            const ceiling = Math.min(
              ...rules
                .filter((rule) => allowCoversTraffic(rule, TRAFFIC))
                .map((rule) => rule.priority),
            );
            const held = new Set(
              rules.filter((rule) => rule.direction === 'Outbound').map((rule) => rule.priority),
            );
            const usable = Array.from({ length: 51 }, (_, n) => band.lowest + n).filter(
              (priority) => priority < ceiling && !held.has(priority),
            );
            expect(result.code).toBe('no-free-priority');
            expect(usable).toEqual([]);
            return;
          }

          const [planned] = result.plan.rules;
          if (!planned) throw new Error('a successful plan holds a rule');
          const priority = planned.rule.priority;
          expect(priority).toBeGreaterThanOrEqual(band.lowest);
          expect(priority).toBeLessThanOrEqual(band.highest);
          expect(
            rules.some((rule) => rule.direction === 'Outbound' && rule.priority === priority),
          ).toBe(false);
          expect(
            blockingProblem({ ...nsg, rules: [...rules, planned.rule] }, planned),
          ).toBeUndefined();
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('planFromApproval', () => {
  it('counts the time to live from the approval and rehashes the plan', () => {
    const planned = okPlan(plan());
    const approvedAt = '2026-12-10T09:00:00.000Z';

    const applied = planFromApproval(planned, approvedAt, SETTINGS.timeToLiveMs);

    expect(applied.expiresAt).toBe(
      new Date(Date.parse(approvedAt) + SETTINGS.timeToLiveMs).toISOString(),
    );
    expect(applied.hash).toBe(blockPlanHash(applied));
    expect(applied.hash).not.toBe(planned.hash);
    for (const rule of applied.rules) {
      expect(rule.rule.description).toContain(`expires ${applied.expiresAt}`);
      expect(rule.rule.priority).toBe(
        planned.rules.find((p) => p.nsgId === rule.nsgId)?.rule.priority,
      );
    }
  });

  it('refuses a time that is not ISO', () => {
    expect(() => planFromApproval(okPlan(plan()), 'yesterday', SETTINGS.timeToLiveMs)).toThrow(
      RangeError,
    );
  });
});
