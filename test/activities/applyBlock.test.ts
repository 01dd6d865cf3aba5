import { applyBlock, rulesWrittenSince, type ApplyBlockOutput } from '../../activities/applyBlock';
import { planContainment } from '../../activities/planContainment';
import type { ResponseSettings } from '../../shared/config/configuration';
import type { BlockPlan, PlanningResult } from '../../shared/domain/blockPlan';
import { KILL_SWITCH_REFUSAL } from '../../shared/ports/responderPorts';
import { startAzuriteTable, type AzuriteTable } from '../contract/support/azurite';
import {
  APPROVER,
  NSG_IDS,
  startAzureActivityWorld,
  type AzureActivityWorld,
} from './support/azureActivityPorts';

const NOW = '2026-11-30T10:12:00.000Z';
const PARTITION = 'contain-178.16.52.203_1889';

let azurite: AzuriteTable;
let world: AzureActivityWorld;

beforeAll(async () => {
  azurite = await startAzuriteTable();
});

afterAll(async () => {
  await azurite.stop();
});

beforeEach(async () => {
  world = await startAzureActivityWorld(azurite, () => new Date(NOW));
});

afterEach(async () => {
  await world.close();
});

async function approvedPlan(settings: ResponseSettings): Promise<BlockPlan> {
  const planning = (await planContainment(world.ports).handler(
    {
      indicator: {
        address: '178.16.52.203',
        port: 1889,
        family: 'IPv4',
        key: '178.16.52.203:1889',
        threatFox: { confidenceLevel: 75, tags: [] },
        blockability: { blockable: true },
      },
      settings,
      incidentNumbers: [4127],
      now: NOW,
      audit: { partition: PARTITION, actor: 'system:containIndicator', idempotencyKey: 'c/plan' },
    },
    {},
  )) as PlanningResult;
  if (!planning.ok) throw new Error(planning.reason);
  return planning.plan;
}

async function apply(plan: BlockPlan, settings: ResponseSettings): Promise<ApplyBlockOutput> {
  return (await applyBlock(world.ports).handler(
    {
      plan,
      settings,
      approvedBy: APPROVER,
      audit: { partition: PARTITION, actor: APPROVER, idempotencyKey: 'c/apply' },
    },
    {},
  )) as ApplyBlockOutput;
}

function ourRules(): string[] {
  return NSG_IDS.flatMap((id) =>
    world.arm
      .rules(id)
      .map((rule) => rule.name)
      .filter((name) => name.startsWith('c2r-')),
  );
}

describe('applyBlock on the Azure adapters', () => {
  it('writes and verifies the approved rules when no switch is on', async () => {
    const settings = world.settings();
    const plan = await approvedPlan(settings);

    const output = await apply(plan, settings);

    expect(output.verified).toBe(true);
    expect(output.refusal).toBeUndefined();
    expect(ourRules()).toEqual(['c2r-deny-178.16.52.203-1889', 'c2r-deny-178.16.52.203-1889']);
    expect(await rulesWrittenSince(world.ports.audit, NOW)).toBe(2);
  });

  it('refuses before the first write when the kill switch was turned on after the plan was approved', async () => {
    const settings = world.settings();
    const plan = await approvedPlan(settings);

    world.switches.killSwitch = true;
    const output = await apply(plan, settings);

    expect(output).toEqual({ plan, verified: false, refusal: KILL_SWITCH_REFUSAL });
    expect(world.arm.counters.writes).toBe(0);
    expect(ourRules()).toEqual([]);
    const refusal = (await world.records()).find((r) => r.action === 'block.failed');
    expect([refusal?.outcome, refusal?.reason]).toEqual(['refused', KILL_SWITCH_REFUSAL]);
  });

  it('records a dry run turned on in the process, though the orchestration started without it', async () => {
    const settings = world.settings();
    const plan = await approvedPlan(settings);

    world.switches.dryRun = true;
    const output = await apply(plan, settings);

    expect(output).toEqual({ plan, verified: true, dryRun: true });
    expect(world.arm.counters.writes).toBe(0);
    const record = (await world.records()).find((r) => r.action === 'block.applied');
    expect([record?.outcome, record?.after]).toEqual(['dry-run', plan]);
  });

  it('refuses when other plans spent the hourly budget while this one waited for approval', async () => {
    const settings = world.settings({ C2R_MAX_NEW_RULES_PER_HOUR: '2' });
    const plan = await approvedPlan(settings);
    await world.ports.audit.append({
      partition: 'contain-203.0.113.9_443',
      time: '2026-11-30T10:00:00.000Z',
      actor: APPROVER,
      action: 'block.applied',
      outcome: 'succeeded',
      details: { state: 'written' },
      idempotencyKey: 'other/apply/rule',
    });

    const output = await apply(plan, settings);

    expect(output.refusal).toBe(
      'The plan for 178.16.52.203:1889 adds 2 NSG rule(s), but 1 rule(s) were written in the last hour and at most 2 are allowed per hour (C2R_MAX_NEW_RULES_PER_HOUR); the plan is refused whole, not trimmed.',
    );
    expect(world.arm.counters.writes).toBe(0);
  });

  it('does not count its own first attempt against the budget when the activity is retried', async () => {
    const settings = world.settings({ C2R_MAX_NEW_RULES_PER_HOUR: '2' });
    const plan = await approvedPlan(settings);
    await apply(plan, settings);

    const retried = await apply(plan, settings);

    expect(retried.refusal).toBeUndefined();
    expect(retried.verified).toBe(true);
    expect(ourRules()).toHaveLength(2);
  });
});
