import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { decideContainment } from '../../local/cli/approveCommand';
import type { VirtualClock } from '../../local/host/clock';
import { BUNDLED, openLocalResponder, type LocalResponder } from '../../local/localResponder';
import { readLocalConfiguration } from '../../local/localSettings';
import type { ContainmentStatus } from '../../orchestrators/containIndicator';
import type { IncidentResponse } from '../../orchestrators/respondToIncident';
import { containmentInstanceId, incidentInstanceId } from '../../shared/domain/containment';
import { KILL_SWITCH_REFUSAL, type SafetySwitches } from '../../shared/ports/responderPorts';
import {
  auditRecords,
  clockAfterCreation,
  incidentDocument,
  LAB_APPROVER,
  labIncident,
  nsgRules,
  productRules,
  removeDirectory,
  respond,
  seedNsgRules,
  silentStream,
  temporaryDirectory,
  type TriggerBody,
} from '../support/lab';

const INDICATOR = '178.16.52.203:1889';
const CONTAINMENT = containmentInstanceId(INDICATOR);

let stateDirectory: string;
let body: TriggerBody;
let clock: VirtualClock;

beforeEach(async () => {
  stateDirectory = await temporaryDirectory('c2r-safety-');
  body = await labIncident('malicious');
  clock = clockAfterCreation(body);
});

afterEach(async () => {
  await removeDirectory(stateDirectory);
});

function open(
  options: {
    settings?: Record<string, string>;
    safety?: SafetySwitches;
    iocsFile?: string;
  } = {},
): Promise<LocalResponder> {
  return openLocalResponder({
    stateDirectory,
    configuration: readLocalConfiguration(options.settings ?? {}, stateDirectory),
    clock,
    notices: silentStream(),
    ...(options.safety ? { safety: options.safety } : {}),
    ...(options.iocsFile ? { iocsFile: options.iocsFile } : {}),
  });
}

async function ourRulesCount(): Promise<number> {
  let count = 0;
  for (const nsg of ['nsg-fin-subnet', 'nsg-app-subnet'] as const) {
    count += productRules(await nsgRules(stateDirectory, nsg), await seedNsgRules(nsg)).length;
  }
  return count;
}

async function containment(responder: LocalResponder): Promise<ContainmentStatus> {
  return (await responder.host.getStatus(CONTAINMENT))?.customStatus as ContainmentStatus;
}

async function incidentOutput(responder: LocalResponder): Promise<IncidentResponse> {
  return (await responder.host.getStatus(incidentInstanceId(body.object.name)))
    ?.output as IncidentResponse;
}

/** What applyBlock records for one rule it wrote. */
async function recordRulesWritten(responder: LocalResponder, count: number, at: Date) {
  for (let n = 0; n < count; n += 1) {
    await responder.ports.audit.append({
      partition: 'contain-203.0.113.9_443',
      time: at.toISOString(),
      actor: LAB_APPROVER,
      action: 'block.applied',
      outcome: 'succeeded',
      target: `/nsg/other/securityRules/rule-${n}`,
      details: { state: 'written' },
      idempotencyKey: `earlier/apply/rule-${n}`,
    });
  }
}

describe('kill switch read live by the activities', () => {
  it('refuses an approved plan when the switch was turned on while the containment waited', async () => {
    let killed = false;
    const responder = await open({ safety: { killSwitch: () => killed, dryRun: () => false } });
    await respond(responder, body);
    expect((await containment(responder)).stage).toBe('awaiting-approval');

    killed = true;
    const decision = await decideContainment(responder, CONTAINMENT, {
      approver: LAB_APPROVER,
      approve: true,
    });
    const output = await incidentOutput(responder);

    expect(decision.accepted).toBe(true);
    expect(output.outcome).toBe('left-open');
    expect(output.containments).toEqual([
      expect.objectContaining({ outcome: 'refused', summary: KILL_SWITCH_REFUSAL }),
    ]);
    expect(await ourRulesCount()).toBe(0);
  });

  it('ends a waiting containment that times out under the switch with its escalation audited and the incident untouched', async () => {
    let killed = false;
    const responder = await open({ safety: { killSwitch: () => killed, dryRun: () => false } });
    await respond(responder, body);
    const labelsBefore = (await incidentDocument(stateDirectory, body.object.name)).properties
      .labels;

    killed = true;
    await responder.host.advanceBy(5 * 60 * 60 * 1000);
    const output = await incidentOutput(responder);
    const records = await auditRecords(stateDirectory);

    expect(output.outcome).toBe('escalated');
    expect((await incidentDocument(stateDirectory, body.object.name)).properties.labels).toEqual(
      labelsBefore,
    );
    expect(
      records
        .filter((r) => r.action === 'incident.updated')
        .map((r) => [r.outcome, r.reason, r.after]),
    ).toEqual([
      [
        'refused',
        KILL_SWITCH_REFUSAL,
        {
          wouldApply: { severity: 'High', addLabels: ['C2-Approval-Expired'] },
          because: 'no analyst decided before the approval deadline',
        },
      ],
    ]);
  });
});

describe('kill switch on a benign incident', () => {
  it('leaves the incident open and says so, instead of reporting it closed', async () => {
    const benign = await labIncident('benign');
    const responder = await open({ settings: { C2R_KILL_SWITCH: 'true' } });

    await respond(responder, benign);
    const output = (await responder.host.getStatus(incidentInstanceId(benign.object.name)))
      ?.output as IncidentResponse;
    const closing = (await auditRecords(stateDirectory)).find(
      (r) => r.action === 'incident.closed',
    );

    expect(output.verdict.kind).toBe('benign');
    expect(output.outcome).toBe('left-open');
    expect((await incidentDocument(stateDirectory, benign.object.name)).properties.status).not.toBe(
      'Closed',
    );
    expect([closing?.outcome, closing?.reason]).toEqual(['refused', KILL_SWITCH_REFUSAL]);
  });
});

describe('dry run turned on in the process while a containment waits', () => {
  it('records the approved plan as a dry run and writes no rule', async () => {
    let dry = false;
    const responder = await open({ safety: { killSwitch: () => false, dryRun: () => dry } });
    await respond(responder, body);

    dry = true;
    await decideContainment(responder, CONTAINMENT, { approver: LAB_APPROVER, approve: true });
    const output = await incidentOutput(responder);

    expect(output.containments[0]).toEqual(
      expect.objectContaining({ outcome: 'blocked', dryRun: true }),
    );
    expect(output.containments[0]?.summary).toMatch(/^Dry run: would have blocked/);
    expect(await ourRulesCount()).toBe(0);
  });
});

describe('new rules per hour', () => {
  it('refuses at planning time when the hour is already spent', async () => {
    const responder = await open({ settings: { C2R_MAX_NEW_RULES_PER_HOUR: '20' } });
    await recordRulesWritten(responder, 19, new Date(clock.now().getTime() - 30 * 60 * 1000));

    await respond(responder, body);
    const output = await incidentOutput(responder);

    expect(output.containments[0]).toEqual(
      expect.objectContaining({
        outcome: 'refused',
        summary: `The plan for ${INDICATOR} adds 2 NSG rule(s), but 19 rule(s) were written in the last hour and at most 20 are allowed per hour (C2R_MAX_NEW_RULES_PER_HOUR); the plan is refused whole, not trimmed.`,
      }),
    );
  });

  it('does not count rules written more than an hour ago', async () => {
    const responder = await open({ settings: { C2R_MAX_NEW_RULES_PER_HOUR: '20' } });
    await recordRulesWritten(responder, 19, new Date(clock.now().getTime() - 61 * 60 * 1000));

    await respond(responder, body);

    expect((await containment(responder)).stage).toBe('awaiting-approval');
  });

  it('counts again before the first write: rules written while the plan waited refuse it, and nothing is written', async () => {
    const responder = await open({ settings: { C2R_MAX_NEW_RULES_PER_HOUR: '20' } });
    await respond(responder, body);
    expect((await containment(responder)).stage).toBe('awaiting-approval');

    await recordRulesWritten(responder, 19, clock.now());
    await decideContainment(responder, CONTAINMENT, { approver: LAB_APPROVER, approve: true });
    const output = await incidentOutput(responder);
    const refusal = (await auditRecords(stateDirectory)).find(
      (r) => r.action === 'block.failed' && r.outcome === 'refused',
    );

    expect(output.containments[0]?.outcome).toBe('refused');
    expect(output.containments[0]?.summary).toBe(refusal?.reason);
    expect(refusal?.details).toEqual(expect.objectContaining({ code: 'rules-per-hour' }));
    expect(await ourRulesCount()).toBe(0);
  });

  it('counts the rules the product itself wrote', async () => {
    const first = await open({ settings: { C2R_MAX_NEW_RULES_PER_HOUR: '3' } });
    await respond(first, body);
    await decideContainment(first, CONTAINMENT, { approver: LAB_APPROVER, approve: true });
    expect(await ourRulesCount()).toBe(2);

    const second = await labIncident('malicious');
    const copy = JSON.parse(
      JSON.stringify(second).split(body.object.name).join('0d9c6a1e-1111-4222-8333-444455556666'),
    ) as TriggerBody;
    // Lifted by hand, so that the second plan adds its rules again rather than finding them.
    for (const nsgId of first.configuration.response.nsgIds) {
      await first.ports.securityGroups.deleteRule(nsgId, 'c2r-deny-178.16.52.203-1889');
    }
    await respond(first, copy);
    const output = (await first.host.getStatus(incidentInstanceId(copy.object.name)))
      ?.output as IncidentResponse;

    expect(output.containments[0]?.summary).toBe(
      `The plan for ${INDICATOR} adds 2 NSG rule(s), but 2 rule(s) were written in the last hour and at most 3 are allowed per hour (C2R_MAX_NEW_RULES_PER_HOUR); the plan is refused whole, not trimmed.`,
    );
  });
});

describe('compromised legitimate hosts', () => {
  async function compromisedFeed(): Promise<string> {
    const feed = JSON.parse(await readFile(BUNDLED.iocs, 'utf8')) as {
      data: Record<string, unknown>[];
    };
    const path = join(stateDirectory, 'compromised-feed.json');
    const data = feed.data.map((entry) =>
      entry.ioc === INDICATOR ? { ...entry, is_compromised: true } : entry,
    );
    await writeFile(path, JSON.stringify({ ...feed, data }));
    return path;
  }

  it('shows the note with the plan and refuses an approval without a reason in the same words', async () => {
    const note = `ThreatFox marks ${INDICATOR} as a compromised legitimate host: blocking it also cuts off its legitimate service, so an approval needs a reason that acknowledges this.`;
    const responder = await open({ iocsFile: await compromisedFeed() });
    await respond(responder, body);

    const bare = await decideContainment(responder, CONTAINMENT, {
      approver: LAB_APPROVER,
      approve: true,
    });

    expect((await containment(responder)).approvalNote).toBe(note);
    expect(bare).toEqual({
      accepted: false,
      code: 'refused',
      rule: 'missing-reason',
      message: note,
    });
    const refused = (await auditRecords(stateDirectory)).filter(
      (r) => r.action === 'approval.refused',
    );
    expect(refused.map((r) => r.reason)).toEqual([note]);
    expect(await ourRulesCount()).toBe(0);
  });

  it('blocks once the approval carries a reason', async () => {
    const responder = await open({ iocsFile: await compromisedFeed() });
    await respond(responder, body);

    const decision = await decideContainment(responder, CONTAINMENT, {
      approver: LAB_APPROVER,
      approve: true,
      reason: 'compromised WordPress host; its owner is told, the block is worth it',
    });

    expect(decision.accepted).toBe(true);
    expect((await incidentOutput(responder)).outcome).toBe('blocked');
    expect(await ourRulesCount()).toBe(2);
  });
});
