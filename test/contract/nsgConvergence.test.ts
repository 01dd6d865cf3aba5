import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { createAzureNetworkSecurityGroups } from '../../shared/adapters/azure/azureNetworkSecurityGroups';
import { applyBlockPlan } from '../../shared/containment/applyBlockPlan';
import { createNsgWriteQueue } from '../../shared/containment/nsgWriteQueue';
import { planBlock } from '../../shared/domain/blockPlanner';
import type { BlockSettings } from '../../shared/domain/blockPlanner';
import type { AssessedIndicator } from '../../shared/domain/indicator';
import { startArmNetworkFake } from './fakes/armNetworkFake';
import type { ArmNetworkFake } from './fakes/armNetworkFake';
import { staticCredential } from './support/staticCredential';

const labNsg = JSON.parse(
  readFileSync(join(__dirname, '../../samples/nsgs/nsg-app-subnet.json'), 'utf8'),
) as { id: string; properties: { securityRules: { name: string; properties: never }[] } };
const NSG = labNsg.id;
const SETTINGS: BlockSettings = {
  priorityBand: { lowest: 100, highest: 4096 },
  timeToLiveMs: 7 * 24 * 3600 * 1000,
};
const NOW = '2026-12-03T09:00:00.000Z';
const INCIDENTS = 20;

function indicator(n: number): AssessedIndicator {
  const address = `198.51.100.${n + 10}`;
  const port = 4000 + n;
  return {
    address,
    port,
    family: 'IPv4',
    key: `${address}:${port}`,
    blockability: { blockable: true },
  };
}

/** Retry-After is 0 in the fake; a few milliseconds of jitter keep the writers from lockstep. */
const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms + Math.random() * 15));

let fake: ArmNetworkFake;

afterEach(async () => {
  await fake.close();
});

describe('concurrent containments against one NSG that takes one write at a time', () => {
  // One process queues its writes per NSG; instances of a scaled-out app do not share that queue,
  // so they meet the NSG's own one-write rule: 409 AnotherOperationInProgress reaches
  // applyBlockPlan at once, 429 RetryableErrorDueToAnotherOperation is first retried by the SDK.
  it.each([
    { layout: 'one process', busyStatus: 409 },
    { layout: 'one process per incident', busyStatus: 409 },
    { layout: 'one process per incident', busyStatus: 429 },
  ] as const)(
    'converges with $layout and busy answered $busyStatus: every rule present exactly once, no priority clash, no foreign rule lost',
    async ({ layout, busyStatus }) => {
      fake = await startArmNetworkFake({ pollsUntilDone: 2, retryAfterSeconds: 0, busyStatus });
      fake.addGroup(NSG, labNsg.properties.securityRules);

      const handleIncident = async (n: number) => {
        const nsgs = createAzureNetworkSecurityGroups({
          credential: staticCredential(),
          endpoint: fake.url,
          tlsOptions: { ca: fake.ca },
          retryOptions: { maxRetries: 2, retryDelayInMs: 5, maxRetryDelayInMs: 20 },
          pollIntervalMs: 5,
        });
        const planning = planBlock({
          indicators: [indicator(n)],
          groups: [await nsgs.get(NSG)],
          settings: SETTINGS,
          now: NOW,
          incidentNumbers: [1000 + n],
        });
        if (!planning.ok) throw new Error(planning.reason);

        return applyBlockPlan(nsgs, planning.plan, {
          settings: SETTINGS,
          now: NOW,
          sleep,
          maxAttempts: 200,
          ...(layout === 'one process' ? {} : { writeQueue: createNsgWriteQueue() }),
        });
      };

      const results = await Promise.all(
        Array.from({ length: INCIDENTS }, (_, n) => handleIncident(n)),
      );
      const rules = fake.rules(NSG);
      const outboundPriorities = rules
        .filter((rule) => rule.properties.direction === 'Outbound')
        .map((rule) => rule.properties.priority);
      const blockRules = rules.filter((rule) =>
        Array.from({ length: INCIDENTS }, (_, n) => indicator(n).address).includes(
          String(rule.properties.destinationAddressPrefix).replace('/32', ''),
        ),
      );
      console.log(
        `NSG convergence (${layout}, busy = ${busyStatus}): ${INCIDENTS} incidents, ${fake.counters.writes} write requests ` +
          `(${fake.counters.busy} answered busy, ${fake.counters.conflicts} priority conflicts), ` +
          `${fake.counters.polls} operation polls`,
      );

      expect(results.map((result) => result.ok)).toEqual(Array(INCIDENTS).fill(true));
      expect(blockRules).toHaveLength(INCIDENTS);
      expect(new Set(blockRules.map((rule) => rule.name)).size).toBe(INCIDENTS);
      expect(new Set(outboundPriorities).size).toBe(outboundPriorities.length);
      expect(blockRules.every((rule) => rule.properties.priority < 2000)).toBe(true);
      expect(rules.map((rule) => rule.name)).toEqual(
        expect.arrayContaining(labNsg.properties.securityRules.map((rule) => rule.name)),
      );
      expect(rules).toHaveLength(labNsg.properties.securityRules.length + INCIDENTS);
      expect(fake.counters.writes).toBeGreaterThanOrEqual(INCIDENTS);
    },
  );
});
