import type { LocalResponder } from '../../local/localResponder';
import type { IncidentResponse } from '../../orchestrators/respondToIncident';
import { unblockIndicator } from '../../shared/containment/liftBlocks';
import { containmentInstanceId, incidentInstanceId } from '../../shared/domain/containment';
import {
  auditRecords,
  clockAfterCreation,
  incidentDocument,
  incidentVariant,
  labIncident,
  LAB_APPROVER,
  NSG_NAMES,
  nsgRules,
  openLabResponder,
  productRules,
  removeDirectory,
  respond,
  seedNsgRules,
  startResponse,
  submitDecision,
  temporaryDirectory,
  type TriggerBody,
} from '../support/lab';

const CONTAINMENT = containmentInstanceId('178.16.52.203:1889');

let stateDirectory: string;

beforeEach(async () => {
  stateDirectory = await temporaryDirectory('contain');
});

afterEach(async () => {
  await removeDirectory(stateDirectory);
});

async function outputOf(responder: LocalResponder, body: TriggerBody): Promise<IncidentResponse> {
  const status = await responder.host.getStatus(incidentInstanceId(body.object.name));
  expect(status?.runtimeStatus).toBe('Completed');
  return status?.output as IncidentResponse;
}

async function expectOneRulePerNsg(): Promise<void> {
  for (const nsg of NSG_NAMES) {
    const ours = productRules(await nsgRules(stateDirectory, nsg), await seedNsgRules(nsg));
    expect(ours.map((rule) => rule.name)).toEqual(['c2r-deny-178.16.52.203-1889']);
  }
}

describe('containIndicator on the lab', () => {
  it('lets a second incident join the waiting containment so one approval decides both', async () => {
    const first = await labIncident('malicious');
    const second = incidentVariant(first, { number: 4131 });
    const responder = await openLabResponder({
      stateDirectory,
      clock: clockAfterCreation(first),
    });
    await respond(responder, first);
    await respond(responder, second);

    const waiting = (await responder.host.getStatus(CONTAINMENT))?.customStatus as {
      stage: string;
      incidents: { number: number }[];
    };
    expect(waiting.stage).toBe('awaiting-approval');
    expect(waiting.incidents.map((incident) => incident.number)).toEqual([4127, 4131]);
    const decision = await submitDecision(responder, CONTAINMENT, { approve: true });
    await responder.host.runUntilIdle();

    expect(decision.accepted).toBe(true);
    for (const body of [first, second]) {
      expect((await outputOf(responder, body)).outcome).toBe('blocked');
      const incident = await incidentDocument(stateDirectory, body.object.name);
      expect(incident.properties.severity).toBe('High');
      expect(incident.properties.labels.map((label) => label.labelName)).toEqual(['C2-Blocked']);
      expect(incident.comments).toHaveLength(2);
      expect(incident.comments[1]?.properties.message).toMatch(/Blocked 178\.16\.52\.203:1889/);
    }
    const records = await auditRecords(stateDirectory);
    expect(records.filter((record) => record.action === 'approval.requested')).toHaveLength(1);
    expect(records.filter((record) => record.action === 'approval.decided')).toHaveLength(1);
    expect(
      records.filter((r) => r.action === 'containment.joined').map((r) => r.incidentNumber),
    ).toEqual([4131]);
    await expectOneRulePerNsg();
    expect(await responder.ports.audit.verify()).toMatchObject({ ok: true, problems: [] });
  });

  it('reports an indicator already blocked without asking for a new approval', async () => {
    const first = await labIncident('malicious');
    const later = incidentVariant(first, { number: 4140 });
    const responder = await openLabResponder({
      stateDirectory,
      clock: clockAfterCreation(first),
    });
    await respond(responder, first);
    await submitDecision(responder, CONTAINMENT, { approve: true });
    await responder.host.runUntilIdle();
    const requestsBefore = (await auditRecords(stateDirectory)).filter(
      (record) => record.action === 'approval.requested',
    );

    await respond(responder, later);

    const output = await outputOf(responder, later);
    expect(output.outcome).toBe('blocked');
    expect(output.containments.map((containment) => containment.outcome)).toEqual([
      'already-blocked',
    ]);
    const records = await auditRecords(stateDirectory);
    expect(records.filter((record) => record.action === 'approval.requested')).toEqual(
      requestsBefore,
    );
    expect(requestsBefore).toHaveLength(1);
    await expectOneRulePerNsg();
    const incident = await incidentDocument(stateDirectory, later.object.name);
    expect(incident.properties.labels.map((label) => label.labelName)).toEqual(['C2-Blocked']);
    expect(incident.comments[1]?.properties.message).toMatch(/already blocked/);
  });

  it('refuses a second start of the same incident while its response runs', async () => {
    const body = await labIncident('malicious');
    const responder = await openLabResponder({ stateDirectory, clock: clockAfterCreation(body) });
    await respond(responder, body);

    await expect(startResponse(responder, body)).rejects.toMatchObject({
      code: 'instance-exists',
    });
    expect(
      responder.host
        .listInstances()
        .map((instance) => instance.instanceId)
        .sort(),
    ).toEqual([CONTAINMENT, incidentInstanceId(body.object.name)].sort());
  });

  it('audits every step of a second containment of an indicator that was unblocked', async () => {
    const first = await labIncident('malicious');
    const again = incidentVariant(first, { number: 4150 });
    const responder = await openLabResponder({ stateDirectory, clock: clockAfterCreation(first) });
    await respond(responder, first);
    await submitDecision(responder, CONTAINMENT, { approve: true });
    await responder.host.runUntilIdle();
    const unblock = await unblockIndicator(
      responder.ports.securityGroups,
      responder.ports.audit,
      responder.configuration.response,
      {
        indicatorKey: '178.16.52.203:1889',
        actor: LAB_APPROVER,
        reason: 'false alarm, lifted',
        clock: responder.host.clock,
      },
    );
    expect(unblock.outcome).toBe('done');

    await respond(responder, again);
    await submitDecision(responder, CONTAINMENT, { approve: true });
    await responder.host.runUntilIdle();

    expect((await outputOf(responder, again)).outcome).toBe('blocked');
    await expectOneRulePerNsg();
    const containment = (await auditRecords(stateDirectory)).filter(
      (record) => record.partition === CONTAINMENT,
    );
    const count = (action: string) => containment.filter((r) => r.action === action).length;
    expect({
      started: count('containment.started'),
      planned: count('plan.created'),
      requested: count('approval.requested'),
      decided: count('approval.decided'),
      applied: count('block.applied'),
      verified: count('block.verified'),
    }).toEqual({ started: 2, planned: 2, requested: 2, decided: 2, applied: 4, verified: 2 });
    expect(
      containment.filter((r) => r.action === 'approval.requested').map((r) => r.incidentNumber),
    ).toEqual([4127, 4150]);
    expect(await responder.ports.audit.verify()).toMatchObject({ ok: true, problems: [] });
  });
});
