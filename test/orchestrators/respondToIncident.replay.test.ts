import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import * as df from 'durable-functions';
import type { OrchestrationContext, Task } from 'durable-functions';

import { LOAD_INDICATOR_FEED } from '../../activities/loadIndicatorFeed';
import type { HistoryEvent } from '../../local/host/history';
import type { InstanceState } from '../../local/host/instanceStore';
import {
  RESPOND_TO_INCIDENT,
  respondToIncident,
  type IncidentResponse,
} from '../../orchestrators/respondToIncident';
import { transientRetry } from '../../orchestrators/retryPolicies';
import { containmentInstanceId, incidentInstanceId } from '../../shared/domain/containment';
import {
  auditRecords,
  clockAfterCreation,
  incidentDocument,
  instanceFiles,
  labIncident,
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
} from '../support/lab';

const CONTAINMENT = containmentInstanceId('178.16.52.203:1889');
const GOLDEN = join(__dirname, 'fixtures', 'benign-history.json');

/** DTFx event type names (DurableTask.Core EventType), for a fixture a person can read. */
const EVENT_TYPES: Record<number, string> = {
  0: 'ExecutionStarted',
  1: 'ExecutionCompleted',
  4: 'TaskScheduled',
  5: 'TaskCompleted',
  6: 'TaskFailed',
  10: 'TimerCreated',
  11: 'TimerFired',
  12: 'OrchestratorStarted',
  13: 'OrchestratorCompleted',
  15: 'EventRaised',
};

function outline(history: readonly HistoryEvent[]): string[] {
  return history.map((event) => {
    const type = EVENT_TYPES[event.EventType] ?? String(event.EventType);
    const task = event.EventId >= 0 ? ` #${event.EventId}` : '';
    const completes = event.TaskScheduledId === undefined ? '' : ` #${event.TaskScheduledId}`;
    return `${type}${task}${completes}${event.Name === undefined ? '' : ` ${event.Name}`}`;
  });
}

const directories: string[] = [];

async function stateDirectory(): Promise<string> {
  const directory = await temporaryDirectory('replay');
  directories.push(directory);
  return directory;
}

afterEach(async () => {
  await Promise.all(directories.splice(0).map(removeDirectory));
});

describe('respondToIncident replay', () => {
  it('replays the benign path through exactly the recorded history events (golden)', async () => {
    const body = await labIncident('benign');
    const directory = await stateDirectory();
    const responder = await openLabResponder({
      stateDirectory: directory,
      clock: clockAfterCreation(body),
    });

    const instanceId = await respond(responder, body);

    const golden = JSON.parse(await readFile(GOLDEN, 'utf8')) as string[];
    expect(outline(responder.host.getHistory(instanceId))).toEqual(golden);
  });

  it('fails the waiting incident loudly when its orchestrator changed between episodes', async () => {
    const body = await labIncident('malicious');
    const directory = await stateDirectory();
    const clock = clockAfterCreation(body);
    const before = await openLabResponder({ stateDirectory: directory, clock });
    const instanceId = await respond(before, body);
    expect((await before.host.getStatus(instanceId))?.runtimeStatus).toBe('Running');

    const after = await openLabResponder({ stateDirectory: directory, clock });
    await after.host.load(() => df.app.orchestration(RESPOND_TO_INCIDENT, feedFirst));
    const decision = await submitDecision(after, CONTAINMENT, { approve: true });
    await after.host.runUntilIdle();

    expect(decision.accepted).toBe(true);
    const status = await after.host.getStatus(instanceId);
    expect(status?.runtimeStatus).toBe('Failed');
    expect(status?.output).toBe(
      "non-deterministic orchestrator 'respondToIncident': at action position 0 the history has " +
        "CallActivityWithRetry 'readIncident' but the replay produced CallActivityWithRetry " +
        "'loadIndicatorFeed'",
    );
    const incident = await incidentDocument(directory, body.object.name);
    expect(incident.comments).toHaveLength(1);
    expect(incident.properties.labels).toEqual([]);
  });

  it('neither loses nor repeats a rule, comment or audit record when the host stops after every step', async () => {
    const reference = await approvedRun(await stateDirectory(), 'uninterrupted');
    const crashed = await approvedRun(await stateDirectory(), 'reopen-after-each-step');
    expect(reference.result).toMatchObject({ outcome: 'blocked', chainOk: true });
    expect(reference.result.comments).toHaveLength(2);

    expect(crashed.steps).toBeGreaterThan(30);
    expect(crashed.result).toEqual(reference.result);
  });

  it('runs an activity again whose completion was lost in a crash, with the same effects once', async () => {
    const reference = await approvedRun(await stateDirectory(), 'uninterrupted');
    const crashed = await approvedRun(await stateDirectory(), 'lose-each-completion-once');

    expect(crashed.repeatedActivities).toBe(crashed.result.activities);
    expect(crashed.repeatedActivities).toBeGreaterThan(10);
    expect(crashed.result).toEqual(reference.result);
  });
});

/**
 * The next version of the orchestrator, as a careless change would ship it: it reads the feed
 * before the incident. Any instance in flight has the old order in its history.
 */
function* feedFirst(context: OrchestrationContext): Generator<Task, IncidentResponse, unknown> {
  yield context.df.callActivityWithRetry(LOAD_INDICATOR_FEED, transientRetry, { allowlist: [] });
  return yield* respondToIncident(context);
}

type RunMode = 'uninterrupted' | 'reopen-after-each-step' | 'lose-each-completion-once';

interface RunResult {
  readonly outcome: string | undefined;
  readonly rules: Record<string, unknown[]>;
  readonly comments: string[];
  readonly audit: Record<string, string[]>;
  readonly chainOk: boolean;
  /** Activity completions in both instances' histories. */
  readonly activities: number;
}

/**
 * Times differ by a few virtual milliseconds between runs, and each analyst submission has a key
 * of its own (one per attempt, not per step); everything else must match.
 */
function withoutTimes(text: string): string {
  return text
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>')
    .replace(/\/submission\/.*$/, '/submission/<attempt>');
}

/**
 * The approved path on the malicious incident. `reopen-after-each-step` drops the host after
 * every unit of work and opens a new one on the same state directory; `lose-each-completion-once`
 * also throws away each activity's recorded completion once, as a crash between the activity's
 * effects and the save of its result would, so every activity runs twice.
 */
async function approvedRun(
  directory: string,
  mode: RunMode,
): Promise<{ result: RunResult; steps: number; repeatedActivities: number }> {
  const body = await labIncident('malicious');
  const clock = clockAfterCreation(body);
  const open = () => openLabResponder({ stateDirectory: directory, clock });
  let steps = 0;
  let repeatedActivities = 0;

  if (mode === 'uninterrupted') {
    const responder = await open();
    await respond(responder, body);
    await submitDecision(responder, CONTAINMENT, { approve: true });
    await responder.host.runUntilIdle();
  } else {
    await startResponse(await open(), body);
    const lost = new Set<string>();
    let decided = false;
    for (;;) {
      const responder = await open();
      const before = await instanceFiles(directory);
      if (await responder.host.step()) {
        steps += 1;
        if (mode === 'lose-each-completion-once') {
          repeatedActivities += await loseNewCompletion(directory, before, lost);
        }
        continue;
      }
      if (decided) break;
      const decision = await submitDecision(responder, CONTAINMENT, { approve: true });
      expect(decision.accepted).toBe(true);
      decided = true;
    }
  }

  return { result: await collect(directory, body.object.name), steps, repeatedActivities };
}

/** Restores the one instance document whose activity completion the last step saved. */
async function loseNewCompletion(
  directory: string,
  before: Map<string, string>,
  lost: Set<string>,
): Promise<number> {
  const after = await instanceFiles(directory);
  for (const [file, text] of after) {
    const previous = before.get(file);
    if (previous === undefined || previous === text) continue;
    const was = JSON.parse(previous) as InstanceState;
    const now = JSON.parse(text) as InstanceState;
    const known = new Set(was.inbox.map((event) => event.TaskScheduledId));
    const completion = now.inbox.find(
      (event) =>
        (event.EventType === 5 || event.EventType === 6) && !known.has(event.TaskScheduledId),
    );
    const key = `${now.instanceId}#${now.createdTime}#${completion?.TaskScheduledId}`;
    if (completion === undefined || lost.has(key)) continue;

    lost.add(key);
    await writeFile(join(directory, 'host', 'instances', file), previous);
    return 1;
  }
  return 0;
}

async function collect(directory: string, incidentName: string): Promise<RunResult> {
  const rules: Record<string, unknown[]> = {};
  for (const nsg of NSG_NAMES) {
    rules[nsg] = productRules(await nsgRules(directory, nsg), await seedNsgRules(nsg)).map(
      (rule) => JSON.parse(withoutTimes(JSON.stringify({ ...rule, etag: undefined }))) as unknown,
    );
  }
  const audit: Record<string, string[]> = {};
  const records = await auditRecords(directory);
  for (const record of records) {
    (audit[record.partition] ??= []).push(
      `${record.sequence} ${record.action} ${withoutTimes(record.idempotencyKey)}`,
    );
  }
  const responder = await openLabResponder({
    stateDirectory: directory,
    clock: clockAfterCreation(await labIncident('malicious')),
  });
  const output = (await responder.host.getStatus(incidentInstanceId(incidentName)))?.output as
    IncidentResponse | undefined;

  return {
    outcome: output?.outcome,
    rules,
    comments: (await incidentDocument(directory, incidentName)).comments.map((c) => c.name),
    audit,
    chainOk: (await responder.ports.audit.verify()).ok,
    activities: [incidentInstanceId(incidentName), CONTAINMENT]
      .flatMap((id) => responder.host.getHistory(id))
      .filter((event) => event.EventType === 5).length,
  };
}
