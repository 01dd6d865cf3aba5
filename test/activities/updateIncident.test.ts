import {
  updateIncident,
  type UpdateIncidentInput,
  type UpdateIncidentOutput,
} from '../../activities/updateIncident';
import { KILL_SWITCH_REFUSAL } from '../../shared/ports/responderPorts';
import { startAzuriteTable, type AzuriteTable } from '../contract/support/azurite';
import {
  referenceIncident,
  startAzureActivityWorld,
  type AzureActivityWorld,
} from './support/azureActivityPorts';

const NOW = '2026-11-30T10:12:00.000Z';
const CLOSE: UpdateIncidentInput['change'] = {
  close: {
    classification: 'BenignPositive',
    classificationReason: 'SuspiciousButExpected',
    classificationComment: 'every finding is explained by a known benign activity',
  },
};

let azurite: AzuriteTable;
let world: AzureActivityWorld;
const incident = referenceIncident();

beforeAll(async () => {
  azurite = await startAzuriteTable();
});

afterAll(async () => {
  await azurite.stop();
});

beforeEach(async () => {
  world = await startAzureActivityWorld(azurite, () => new Date(NOW));
  incident.add(world.sentinel);
});

afterEach(async () => {
  await world.close();
});

async function update(change: UpdateIncidentInput['change']): Promise<UpdateIncidentOutput> {
  const input: UpdateIncidentInput = {
    incidentArmId: incident.armId,
    change,
    reason: 'every finding is explained by a known benign activity',
    audit: { partition: 'incident-1', actor: 'system:respondToIncident', idempotencyKey: 'i/u' },
  };
  return (await updateIncident(world.ports).handler(input, {})) as UpdateIncidentOutput;
}

function status(): unknown {
  return world.sentinel.incident(incident.armId)?.resource.properties.status;
}

describe('updateIncident on the Sentinel adapter', () => {
  it('closes the incident when no switch is on', async () => {
    const after = await update(CLOSE);

    expect(after.status).toBe('Closed');
    expect(status()).toBe('Closed');
  });

  it('leaves the incident open under the live kill switch and records the change it refused', async () => {
    world.switches.killSwitch = true;

    const after = await update(CLOSE);

    expect(after).toEqual(
      expect.objectContaining({ status: 'Active', refusal: KILL_SWITCH_REFUSAL }),
    );
    expect(status()).toBe('Active');
    expect(world.sentinel.counters.puts).toBe(0);
    const [record] = await world.records();
    expect([record?.action, record?.outcome, record?.reason, record?.after]).toEqual([
      'incident.closed',
      'refused',
      KILL_SWITCH_REFUSAL,
      { wouldApply: CLOSE, because: 'every finding is explained by a known benign activity' },
    ]);
  });

  it('only records a severity and label change in a dry run turned on in the process', async () => {
    world.switches.dryRun = true;

    await update({ severity: 'High', addLabels: ['C2-Blocked'] });

    expect(world.sentinel.counters.puts).toBe(0);
    expect((await world.records()).map((r) => [r.action, r.outcome])).toEqual([
      ['incident.updated', 'dry-run'],
    ]);
  });
});
