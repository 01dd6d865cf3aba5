import { commentOnIncident, type CommentOnIncidentInput } from '../../activities/commentOnIncident';
import { KILL_SWITCH_REFUSAL } from '../../shared/ports/responderPorts';
import { startAzuriteTable, type AzuriteTable } from '../contract/support/azurite';
import {
  referenceIncident,
  startAzureActivityWorld,
  type AzureActivityWorld,
} from './support/azureActivityPorts';

const NOW = '2026-11-30T10:12:00.000Z';
const HTML = '<p><b>Malicious: traffic to the C2 endpoint</b></p>';

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

function comment(dryRun?: boolean, key = 'verdict'): Promise<unknown> {
  const input: CommentOnIncidentInput = {
    incidentArmId: incident.armId,
    commentId: `c2r-${key}-1`,
    html: HTML,
    audit: {
      partition: 'incident-1',
      actor: 'system:respondToIncident',
      idempotencyKey: `i/comment/${key}`,
    },
    ...(dryRun === undefined ? {} : { dryRun }),
  };
  return commentOnIncident(world.ports).handler(input, {});
}

function comments(): string[] {
  return [...(world.sentinel.incident(incident.armId)?.comments.values() ?? [])];
}

describe('commentOnIncident on the Sentinel adapter', () => {
  it('writes the comment when no switch is on', async () => {
    await comment();

    expect(comments()).toEqual([HTML]);
    expect((await world.records()).map((r) => r.outcome)).toEqual(['succeeded']);
  });

  it('writes nothing under the live kill switch and keeps the text in the refused record', async () => {
    world.switches.killSwitch = true;

    await comment();

    expect(comments()).toEqual([]);
    const [record] = await world.records();
    expect([record?.outcome, record?.reason, record?.after]).toEqual([
      'refused',
      KILL_SWITCH_REFUSAL,
      { commentId: 'c2r-verdict-1', characters: HTML.length, wouldWrite: HTML },
    ]);
  });

  it('records a dry run from the orchestration input or from the live process alike', async () => {
    await comment(true, 'verdict');
    world.switches.dryRun = true;
    await comment(false, 'containment');

    expect(comments()).toEqual([]);
    expect((await world.records()).map((r) => r.outcome)).toEqual(['dry-run', 'dry-run']);
    expect(world.sentinel.requests.filter((r) => r.method === 'PUT')).toEqual([]);
  });
});
