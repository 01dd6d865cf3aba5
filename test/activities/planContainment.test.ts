import { planContainment, type PlanContainmentInput } from '../../activities/planContainment';
import type { PlanningResult } from '../../shared/domain/blockPlan';
import type { AssessedIndicator } from '../../shared/domain/indicator';
import { KILL_SWITCH_REFUSAL } from '../../shared/ports/responderPorts';
import { startAzuriteTable, type AzuriteTable } from '../contract/support/azurite';
import { startAzureActivityWorld, type AzureActivityWorld } from './support/azureActivityPorts';

const NOW = '2026-11-30T10:12:00.000Z';
const INDICATOR: AssessedIndicator = {
  address: '178.16.52.203',
  port: 1889,
  family: 'IPv4',
  key: '178.16.52.203:1889',
  threatFox: { confidenceLevel: 75, tags: ['DCRat'] },
  blockability: { blockable: true },
};

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

function input(
  settings: Record<string, string> = {},
  indicator: AssessedIndicator = INDICATOR,
): PlanContainmentInput {
  return {
    indicator,
    settings: world.settings(settings),
    incidentNumbers: [4127],
    now: NOW,
    audit: {
      partition: 'contain-178.16.52.203_1889',
      actor: 'system:containIndicator',
      instanceId: 'contain-178.16.52.203_1889',
      idempotencyKey: 'contain-178.16.52.203_1889/plan',
    },
  };
}

async function plan(given: PlanContainmentInput): Promise<PlanningResult> {
  return (await planContainment(world.ports).handler(given, {})) as PlanningResult;
}

describe('planContainment on the Azure adapters', () => {
  it('plans one deny rule per NSG read from Microsoft.Network when every limit holds', async () => {
    const result = await plan(input());

    expect(result.ok && result.plan.rules.map((rule) => [rule.nsgName, rule.state])).toEqual([
      ['nsg-app', 'new'],
      ['nsg-fin', 'new'],
    ]);
    expect((await world.records()).map((r) => `${r.action}:${r.outcome}`)).toEqual([
      'plan.created:succeeded',
    ]);
  });

  it('refuses under the live kill switch without reading an NSG, and audits it in the same sentence', async () => {
    world.switches.killSwitch = true;

    const result = await plan(input());

    expect(result).toEqual({ ok: false, code: 'kill-switch', reason: KILL_SWITCH_REFUSAL });
    expect(world.arm.requests).toEqual([]);
    expect((await world.records()).map((r) => [r.action, r.outcome, r.reason])).toEqual([
      ['plan.refused', 'refused', KILL_SWITCH_REFUSAL],
    ]);
  });

  it('refuses a plan past the rules per incident, whole, and writes nothing', async () => {
    const result = await plan(input({ C2R_MAX_RULES_PER_INCIDENT: '1' }));

    expect(result.ok).toBe(false);
    expect(!result.ok && result.code).toBe('blast-radius');
    const [record] = await world.records();
    expect(record?.reason).toBe(!result.ok && result.reason);
    expect(record?.details).toEqual({ code: 'blast-radius', limit: 'rules-per-incident' });
    expect(world.arm.counters.writes).toBe(0);
  });

  it('refuses an indicator below the minimum confidence before reading an NSG', async () => {
    const result = await plan(
      input({ C2R_MIN_CONFIDENCE: '90' }, { ...INDICATOR, threatFox: { tags: [] } }),
    );

    expect(result).toEqual(
      expect.objectContaining({
        ok: false,
        code: 'blast-radius',
        reason:
          '178.16.52.203:1889 has no ThreatFox confidence, and blocking needs at least 90 (C2R_MIN_CONFIDENCE); the plan is refused.',
      }),
    );
    expect(world.arm.requests).toEqual([]);
  });

  it('counts the rules written in the last hour from the Table audit log', async () => {
    for (let n = 0; n < 3; n += 1) {
      await world.ports.audit.append({
        partition: 'contain-203.0.113.9_443',
        time: '2026-11-30T09:30:00.000Z',
        actor: 'soc.analyst@contoso.com',
        action: 'block.applied',
        outcome: 'succeeded',
        details: { state: 'written' },
        idempotencyKey: `earlier/${n}`,
      });
    }

    const result = await plan(input({ C2R_MAX_NEW_RULES_PER_HOUR: '4' }));

    expect(!result.ok && result.reason).toBe(
      'The plan for 178.16.52.203:1889 adds 2 NSG rule(s), but 3 rule(s) were written in the last hour and at most 4 are allowed per hour (C2R_MAX_NEW_RULES_PER_HOUR); the plan is refused whole, not trimmed.',
    );
  });
});
