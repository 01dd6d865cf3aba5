/**
 * A storm of incidents (issue 3, "Evidence"): 1,000 malicious incidents on the three lab
 * indicators through the offline host and the real orchestrators, approved as they come, against
 * the two lab NSGs. Asserts three approvals in all, one rule per indicator per NSG and a verifying
 * audit chain; then does the same work by calling the activities one after another without
 * orchestration, and prints the ratio orchestrated/direct. Target: at most 2. Last line:
 * `ratio=<number>`.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import type { ActivityFunction } from '../activities/activityHandler';
import type { CommentOnIncidentInput } from '../activities/commentOnIncident';
import type { LoadIndicatorFeedOutput } from '../activities/loadIndicatorFeed';
import type { PlanContainmentInput } from '../activities/planContainment';
import type { ReadIncidentOutput } from '../activities/readIncident';
import type { RequestApprovalInput } from '../activities/requestApproval';
import type { RunHuntInput, RunHuntOutput } from '../activities/runHunt';
import type { UpdateIncidentInput } from '../activities/updateIncident';
import type { ApplyBlockInput } from '../activities/applyBlock';
import { ACTIVITIES } from '../app/registerResponder';
import { VirtualClock } from '../local/host/clock';
import { BUNDLED, openLocalResponder, type LocalResponder } from '../local/localResponder';
import { readLocalConfiguration } from '../local/localSettings';
import {
  RESPOND_TO_INCIDENT,
  type IncidentResponse,
  type RespondToIncidentInput,
} from '../orchestrators/respondToIncident';
import { submitApproval } from '../shared/containment/submitApproval';
import type { AuditEntry } from '../shared/domain/auditRecord';
import type { PlanningResult } from '../shared/domain/blockPlan';
import { commentId } from '../shared/domain/commentId';
import { containmentInstanceId, incidentInstanceId } from '../shared/domain/containment';
import { huntWindow } from '../shared/domain/huntWindow';
import { matchIndicators } from '../shared/domain/indicatorMatch';
import { reachVerdict } from '../shared/domain/verdictRules';

const INCIDENTS = Number(process.argv[2] ?? 1000);
/** Incidents that arrive together before the host runs: a storm, so later ones join. */
const BURST = 10;
const APPROVER = 'soc.analyst@contoso.com';
const INDICATORS = [
  { address: '178.16.52.203', port: 1889 },
  { address: '154.18.238.18', port: 8848 },
  { address: '104.194.157.45', port: 7001 },
] as const;
const NSGS = ['nsg-fin-subnet', 'nsg-app-subnet'] as const;

interface TriggerBody {
  readonly object: { readonly id: string; readonly name: string };
}

const silent = new Writable({ write: (_chunk, _encoding, done) => done() });

/**
 * The lab's beaconing rows to 178.16.52.203:1889 (the masquerading svchost.exe and the firewall
 * sessions), repeated for the other two indicators, so that every indicator is malicious.
 */
async function generateLogs(directory: string): Promise<void> {
  await mkdir(directory, { recursive: true });
  for (const table of ['DeviceNetworkEvents', 'CommonSecurityLog']) {
    const lines = (await readFile(join(BUNDLED.logs, `${table}.csv`), 'utf8')).split('\n');
    const rows = lines.slice(1).filter((line) => line.includes('178.16.52.203'));
    const copies = INDICATORS.flatMap(({ address, port }) =>
      rows.map((row) => row.split('178.16.52.203').join(address).split(',1889,').join(`,${port},`)),
    );
    await writeFile(join(directory, `${table}.csv`), `${[lines[0], ...copies].join('\n')}\n`);
  }
}

/** The malicious lab incident under a new GUID and number, on the given indicator. */
function variant(template: string, index: number): TriggerBody {
  const indicator = INDICATORS[index % INDICATORS.length] ?? INDICATORS[0];
  const name = `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`;
  const body = JSON.parse(
    template
      .split('e7019832-f5b4-4b78-b528-9929bf0ec839')
      .join(name)
      .split('178.16.52.203')
      .join(indicator.address)
      .replace('"incidentNumber": 4127', `"incidentNumber": ${10_000 + index}`),
  ) as {
    object: {
      properties: { alerts: { properties: { additionalData: Record<string, string> } }[] };
    };
  };
  for (const alert of body.object.properties.alerts) {
    alert.properties.additionalData['Custom Details'] = JSON.stringify({
      C2IP: [indicator.address],
      C2Port: [String(indicator.port)],
    });
  }
  return body as unknown as TriggerBody;
}

async function openResponder(stateDirectory: string, logs: string): Promise<LocalResponder> {
  return openLocalResponder({
    stateDirectory,
    logsDirectory: logs,
    configuration: readLocalConfiguration({}, stateDirectory),
    clock: new VirtualClock('2026-11-30T10:11:41.000Z'),
    notices: silent,
  });
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;
}

async function checkOutcome(responder: LocalResponder, stateDirectory: string): Promise<void> {
  const records = (await readFile(join(stateDirectory, 'audit.jsonl'), 'utf8'))
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as AuditEntry);
  const approvals = records.filter((record) => record.action === 'approval.requested').length;
  const decided = records.filter((record) => record.action === 'approval.decided').length;
  if (approvals !== 3 || decided !== 3) {
    throw new Error(`expected 3 approvals requested and decided, got ${approvals} and ${decided}`);
  }
  for (const nsg of NSGS) {
    const document = JSON.parse(
      await readFile(join(stateDirectory, 'nsgs', `${nsg}.json`), 'utf8'),
    ) as { properties: { securityRules: { name: string }[] } };
    for (const { address, port } of INDICATORS) {
      const rules = document.properties.securityRules.filter(
        (rule) => rule.name === `c2r-deny-${address}-${port}`,
      );
      if (rules.length !== 1) {
        throw new Error(`${nsg} holds ${rules.length} rules for ${address}:${port}, not 1`);
      }
    }
  }
  const chain = await responder.ports.audit.verify();
  if (!chain.ok) throw new Error(`the audit chain does not verify: ${chain.problems.join('; ')}`);
}

/** Through the offline host: bursts of incidents, each waiting containment approved at once. */
async function orchestrated(template: string, logs: string, stateDirectory: string) {
  const responder = await openResponder(stateDirectory, logs);
  const latencies: number[] = [];
  const started = process.hrtime.bigint();
  /** Reading statuses after every step is the bench's own cost, not the host's: left out. */
  let pollingNs = 0n;

  for (let first = 0; first < INCIDENTS; first += BURST) {
    const pending = new Map<string, { begin: bigint; pollingBefore: bigint }>();
    for (let index = first; index < Math.min(first + BURST, INCIDENTS); index += 1) {
      const body = variant(template, index);
      const begin = process.hrtime.bigint();
      await responder.incidents.ingest(body);
      const instanceId = incidentInstanceId(body.object.name);
      await responder.host.start(RESPOND_TO_INCIDENT, instanceId, {
        incidentArmId: body.object.id,
        incidentName: body.object.name,
        settings: responder.configuration.response,
      } satisfies RespondToIncidentInput);
      pending.set(instanceId, { begin, pollingBefore: pollingNs });
    }
    while (pending.size > 0) {
      if (!(await responder.host.step())) {
        const approved = await approveWaiting(responder);
        if (approved === 0) throw new Error(`stuck with ${pending.size} incidents unfinished`);
        continue;
      }
      const polling = process.hrtime.bigint();
      for (const [instanceId, { begin, pollingBefore }] of pending) {
        const status = await responder.host.getStatus(instanceId);
        if (status?.runtimeStatus === 'Failed') throw new Error(`${instanceId} failed`);
        if (status?.runtimeStatus !== 'Completed') continue;
        if ((status.output as IncidentResponse).outcome !== 'blocked') {
          throw new Error(`${instanceId} ended ${(status.output as IncidentResponse).outcome}`);
        }
        latencies.push(Number(polling - begin - (pollingNs - pollingBefore)) / 1e6);
        pending.delete(instanceId);
      }
      pollingNs += process.hrtime.bigint() - polling;
    }
  }

  const ms = Number(process.hrtime.bigint() - started - pollingNs) / 1e6;
  await checkOutcome(responder, stateDirectory);
  return { ms, pollingMs: Number(pollingNs) / 1e6, latencies: latencies.sort((a, b) => a - b) };
}

async function approveWaiting(responder: LocalResponder): Promise<number> {
  let approved = 0;
  for (const { address, port } of INDICATORS) {
    const instanceId = containmentInstanceId(`${address}:${port}`);
    const status = await responder.host.getStatus(instanceId);
    const custom = status?.customStatus as { stage?: string; plan?: { hash: string } } | undefined;
    if (status?.runtimeStatus !== 'Running' || custom?.stage !== 'awaiting-approval') continue;
    const result = await submitApproval(responder.host.client, responder.ports.audit, {
      instanceId,
      approvers: responder.configuration.response.approvers,
      decision: {
        by: { userPrincipalName: APPROVER },
        planHash: custom.plan?.hash ?? '',
        approve: true,
        at: responder.host.clock.now().toISOString(),
      },
    });
    if (!result.accepted) throw new Error(result.message);
    approved += 1;
  }
  return approved;
}

/**
 * The same activities with the same inputs, called one after another in a plain loop: what the
 * orchestrators cost is the difference. The approval is taken as given, as the storm approves at
 * once.
 */
async function direct(template: string, logs: string, stateDirectory: string) {
  const responder = await openResponder(stateDirectory, logs);
  const settings = responder.configuration.response;
  const activity = new Map<string, ActivityFunction>(
    ACTIVITIES.map((define) => {
      const defined = define(responder.ports);
      return [defined.name, defined.handler];
    }),
  );
  const call = async <T>(name: string, input: unknown): Promise<T> =>
    (await (activity.get(name) as ActivityFunction)(input, undefined)) as T;
  const now = () => responder.host.clock.now().toISOString();
  const started = process.hrtime.bigint();

  for (let index = 0; index < INCIDENTS; index += 1) {
    const body = variant(template, index);
    await responder.incidents.ingest(body);
    const instanceId = incidentInstanceId(body.object.name);
    const partition = body.object.name;
    const audit = (step: string) => ({
      partition,
      actor: 'system:respondToIncident',
      instanceId,
      idempotencyKey: `${instanceId}/${step}`,
    });
    const incident = await call<ReadIncidentOutput>('readIncident', {
      incidentArmId: body.object.id,
    });
    const feed = await call<LoadIndicatorFeedOutput>('loadIndicatorFeed', {
      allowlist: settings.allowlist,
    });
    const match = matchIndicators(incident, feed.indicators);
    await call('recordAudit', {
      ...audit('1'),
      time: now(),
      action: 'indicators.matched',
      outcome: 'succeeded',
    } satisfies AuditEntry);
    const window = huntWindow(incident, { lookbackMs: settings.lookbackMs });
    const hunts = await Promise.all(
      (['CommonSecurityLog', 'DeviceNetworkEvents'] as const).map((table) =>
        call<RunHuntOutput>('runHunt', {
          table,
          indicators: match.indicators,
          window,
          sampleSize: 20,
        } satisfies RunHuntInput),
      ),
    );
    const verdict = reachVerdict(hunts);
    await call('recordAudit', {
      ...audit('2'),
      time: now(),
      action: 'verdict.reached',
      outcome: 'succeeded',
      details: { verdict: verdict.kind, findings: verdict.findings },
    } satisfies AuditEntry);
    await call('commentOnIncident', {
      incidentArmId: incident.armId,
      commentId: commentId(instanceId, 'verdict'),
      html: verdict.reasons.join('<br>'),
      audit: audit('comment/verdict'),
    } satisfies CommentOnIncidentInput);

    for (const indicator of match.indicators.filter((i) => i.blockability.blockable)) {
      const containment = containmentInstanceId(indicator.key);
      const containmentAudit = (step: string) => ({
        partition: containment,
        actor: 'system:containIndicator',
        instanceId: containment,
        idempotencyKey: `${containment}/${step}`,
      });
      const planning = await call<PlanningResult>('planContainment', {
        indicator,
        settings,
        incidentNumbers: [incident.number],
        now: now(),
        audit: containmentAudit(`plan/${incident.number}`),
      } satisfies PlanContainmentInput);
      if (!planning.ok) throw new Error(planning.reason);
      if (planning.plan.rules.some((rule) => rule.state !== 'present')) {
        await call('requestApproval', {
          indicator: indicator.key,
          plan: planning.plan,
          deadline: new Date(Date.parse(now()) + settings.approvalTimeoutMs).toISOString(),
          approvalUrl: `${settings.publicBaseUrl}/api/approvals/${containment}`,
          incidentNumbers: [incident.number],
          audit: containmentAudit('approval-requested'),
        } satisfies RequestApprovalInput);
        await call('recordAudit', {
          ...containmentAudit('decided'),
          actor: APPROVER,
          time: now(),
          action: 'approval.decided',
          outcome: 'succeeded',
        } satisfies AuditEntry);
        await call('applyBlock', {
          plan: planning.plan,
          settings,
          approvedBy: APPROVER,
          audit: containmentAudit('apply'),
        } satisfies ApplyBlockInput);
      }
      await call('commentOnIncident', {
        incidentArmId: incident.armId,
        commentId: commentId(instanceId, `containment/${indicator.key}`),
        html: `Blocked ${indicator.key}.`,
        audit: audit(`comment/containment/${indicator.key}`),
      } satisfies CommentOnIncidentInput);
    }
    await call('updateIncident', {
      incidentArmId: incident.armId,
      change: { severity: 'High', addLabels: ['C2-Blocked'] },
      reason: 'the C2 endpoint was blocked after an analyst approved',
      audit: audit('update/blocked'),
    } satisfies UpdateIncidentInput);
  }

  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  await checkOutcome(responder, stateDirectory);
  return { ms };
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'c2r-storm-'));
  try {
    const logs = join(root, 'logs');
    await generateLogs(logs);
    const template = await readFile(join(BUNDLED.incidents, 'malicious.json'), 'utf8');

    const host = await orchestrated(template, logs, join(root, 'orchestrated'));
    const plain = await direct(template, logs, join(root, 'direct'));
    const perSecond = (ms: number) => ((INCIDENTS / ms) * 1000).toFixed(1);

    console.log(
      `incidents: ${INCIDENTS} on ${INDICATORS.length} indicators, bursts of ${BURST}, 2 NSGs`,
    );
    console.log(
      `orchestrated (offline host): ${host.ms.toFixed(0)} ms, ${perSecond(host.ms)} incidents/s, ` +
        `p50 ${percentile(host.latencies, 50).toFixed(1)} ms, p95 ${percentile(host.latencies, 95).toFixed(1)} ms per incident (${host.pollingMs.toFixed(0)} ms of status polling left out)`,
    );
    console.log(
      `direct (activities in a plain loop): ${plain.ms.toFixed(0)} ms, ${perSecond(plain.ms)} incidents/s`,
    );
    console.log('checked: 3 approvals, one rule per indicator per NSG, audit chain verifies');
    const ratio = host.ms / plain.ms;
    console.log(`target: at most 2x the direct loop: ${ratio <= 2 ? 'met' : 'NOT met'}`);
    console.log(`ratio=${ratio.toFixed(2)}`);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
