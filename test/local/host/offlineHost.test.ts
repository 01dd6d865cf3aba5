import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { VirtualClock } from '../../../local/host/clock';
import type { HistoryEvent } from '../../../local/host/history';
import { OfflineHost } from '../../../local/host/offlineHost';
import {
  activityCalls,
  flakyFailures,
  hang,
  registerToyApp,
  registerVersionOne,
  registerVersionTwo,
  useClient,
} from './fixtures/toyApp';

const START = '2026-01-01T00:00:00.000Z';
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

let stateDir: string;

beforeEach(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'offline-host-'));
  activityCalls.length = 0;
  flakyFailures.clear();
  hang.next = false;
});

afterEach(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

async function openHost(
  register: () => void = registerToyApp,
  clock = new VirtualClock(START),
): Promise<OfflineHost> {
  const host = await OfflineHost.open({ stateDir, clock });
  await host.load(register);
  useClient(host.client);
  return host;
}

const EVENT_NAMES: Record<number, string> = {
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

/** One line per event: the golden form that pins the library's numbering rules. */
function outline(history: readonly HistoryEvent[]): string[] {
  return history.map((event) => {
    const name = EVENT_NAMES[event.EventType] ?? String(event.EventType);
    const number = event.EventId >= 0 ? `#${event.EventId}` : '';
    const target =
      event.TaskScheduledId !== undefined
        ? `#${event.TaskScheduledId}`
        : event.TimerId !== undefined
          ? `#${event.TimerId}`
          : '';
    const fireAt = event.FireAt === undefined ? '' : ` @${offset(event.FireAt)}`;
    const label = event.Name ?? event.OrchestrationStatus;
    return `${name}${number}${target}${label === undefined ? '' : ` ${label}`}${fireAt}`;
  });
}

function offset(time: string): string {
  const ms = new Date(time).getTime() - new Date(START).getTime();
  return ms % DAY === 0 ? `+${ms / DAY}d` : `+${ms}ms`;
}

async function runtimeStatusOf(host: OfflineHost, instanceId: string): Promise<string | undefined> {
  return (await host.getStatus(instanceId))?.runtimeStatus;
}

async function finished(host: OfflineHost, instanceId: string): Promise<boolean> {
  const status = await runtimeStatusOf(host, instanceId);
  return status === 'Completed' || status === 'Failed';
}

describe('OfflineHost', () => {
  it('runs an activity sequence and records the DTFx history event by event', async () => {
    const host = await openHost();

    await host.start('sequence', 'seq-1', 'world');
    await host.runUntilIdle();

    const status = await host.getStatus('seq-1');
    expect(status).toMatchObject({
      runtimeStatus: 'Completed',
      output: 'HELLO WORLD',
      customStatus: { stage: 'done' },
    });
    expect(activityCalls).toEqual(['greet:"world"', 'shout:"hello world"']);
    expect(outline(host.getHistory('seq-1'))).toEqual([
      'OrchestratorStarted',
      'ExecutionStarted sequence',
      'TaskScheduled#0 greet',
      'OrchestratorCompleted',
      'OrchestratorStarted',
      'TaskCompleted#0',
      'TaskScheduled#1 shout',
      'OrchestratorCompleted',
      'OrchestratorStarted',
      'TaskCompleted#1',
      'ExecutionCompleted Completed',
      'OrchestratorCompleted',
    ]);
    const history = host.getHistory('seq-1');
    expect(history[1]?.Input).toBe('"world"');
    expect(history[5]?.Result).toBe('"hello world"');
    const starts = history.filter((event) => event.EventType === 12).map((e) => e.Timestamp);
    expect(starts).toEqual([
      '2026-01-01T00:00:00.001Z',
      '2026-01-01T00:00:00.002Z',
      '2026-01-01T00:00:00.003Z',
    ]);
  });

  it('fans out with Task.all and numbers the children depth first', async () => {
    const host = await openHost();

    await host.start('fanOut', 'fan-1', [1, 2, 3]);
    await host.runUntilIdle();

    expect(await host.getStatus('fan-1')).toMatchObject({
      runtimeStatus: 'Completed',
      output: { sum: 12, tail: 'hello after' },
    });
    const state = host.inspect('fan-1');
    expect(state?.actions.map((action) => action.kind)).toEqual([
      'WhenAll',
      'CallActivity',
      'CallActivity',
      'CallActivity',
      'CallActivity',
    ]);
    expect(state?.actionTaskNumbers).toEqual({ '1': 0, '2': 1, '3': 2, '4': 3 });
    expect(activityCalls).toEqual([
      'double:{"value":1}',
      'double:{"value":2}',
      'double:{"value":3}',
      'greet:"after"',
    ]);
  });

  it('completes on the event and cancels the timer when the event wins Task.any', async () => {
    const host = await openHost();

    await host.start('eventOrTimer', 'race-1', undefined);
    await host.runUntilIdle();
    expect(await runtimeStatusOf(host, 'race-1')).toBe('Running');
    expect(host.nextTimerAt()?.toISOString()).toBe('2026-01-01T01:00:00.001Z');

    await host.raiseEvent('race-1', 'Decision', 'approve');
    await host.runUntilIdle();
    await host.advanceBy(2 * HOUR);

    expect(await host.getStatus('race-1')).toMatchObject({
      runtimeStatus: 'Completed',
      output: { decided: 'approve' },
    });
    expect(host.nextTimerAt()).toBeUndefined();
    expect(outline(host.getHistory('race-1'))).toEqual([
      'OrchestratorStarted',
      'ExecutionStarted eventOrTimer',
      'TimerCreated#0 @+3600001ms',
      'OrchestratorCompleted',
      'OrchestratorStarted',
      'EventRaised Decision',
      'ExecutionCompleted Completed',
      'OrchestratorCompleted',
    ]);
  });

  it('completes on the timer when it fires first and ignores a late event', async () => {
    const host = await openHost();

    await host.start('eventOrTimer', 'race-2', undefined);
    await host.advanceBy(2 * HOUR);
    await host.raiseEvent('race-2', 'Decision', 'too late');
    await host.runUntilIdle();

    expect(await host.getStatus('race-2')).toMatchObject({
      runtimeStatus: 'Completed',
      output: { decided: 'timed-out' },
    });
    expect(outline(host.getHistory('race-2')).slice(4)).toEqual([
      'OrchestratorStarted',
      'TimerFired#0 @+3600001ms',
      'ExecutionCompleted Completed',
      'OrchestratorCompleted',
    ]);
  });

  it('retries a failing activity with backoff capped at the maximum interval, then succeeds', async () => {
    flakyFailures.set('k', 2);
    const host = await openHost();

    await host.start('retrying', 'retry-1', 'k');
    const done = await host.runUntil(() => finished(host, 'retry-1'));

    expect(done).toBe(true);
    expect(await host.getStatus('retry-1')).toMatchObject({
      runtimeStatus: 'Completed',
      output: { result: 'ok k', after: 'hello after retry' },
    });
    expect(activityCalls).toEqual(['flaky:k', 'flaky:k', 'flaky:k', 'greet:"after retry"']);
    const lines = outline(host.getHistory('retry-1')).filter(
      (line) => !line.startsWith('Orchestrator'),
    );
    expect(lines).toEqual([
      'ExecutionStarted retrying',
      'TaskScheduled#0 flaky',
      'TaskFailed#0',
      'TimerCreated#1 @+1002ms',
      'TimerFired#1 @+1002ms',
      'TaskScheduled#2 flaky',
      'TaskFailed#2',
      'TimerCreated#3 @+2503ms',
      'TimerFired#3 @+2503ms',
      'TaskScheduled#4 flaky',
      'TaskCompleted#4',
      'TaskScheduled#5 greet',
      'TaskCompleted#5',
      'ExecutionCompleted Completed',
    ]);
  });

  it('fails the task once every attempt is used, after the last retry timer', async () => {
    flakyFailures.set('k', 5);
    const host = await openHost();

    await host.start('retrying', 'retry-2', 'k');
    await host.runUntil(() => finished(host, 'retry-2'));

    expect(await host.getStatus('retry-2')).toMatchObject({
      runtimeStatus: 'Completed',
      output: { failed: "Activity function 'flaky' failed: flaky k failed" },
    });
    expect(activityCalls).toEqual(['flaky:k', 'flaky:k', 'flaky:k']);
    const timers = outline(host.getHistory('retry-2')).filter((l) => l.startsWith('TimerFired'));
    expect(timers).toHaveLength(3);
    const failure = host.getHistory('retry-2').find((event) => event.EventType === 6);
    expect(JSON.parse(failure?.Details ?? '{}')).toEqual({
      name: 'Error',
      message: 'flaky k failed',
      code: 'transient',
    });
  });

  it('keeps task numbers aligned when a retry runs beside another activity', async () => {
    flakyFailures.set('beside', 1);
    const host = await openHost();

    await host.start('retryBesideActivity', 'beside-1', undefined);
    await host.runUntil(() => finished(host, 'beside-1'));

    expect(await host.getStatus('beside-1')).toMatchObject({
      runtimeStatus: 'Completed',
      output: ['ok beside', 'hello beside', 'TAIL'],
    });
    expect(host.inspect('beside-1')?.actionTaskNumbers).toEqual({ '1': 0, '2': 1, '3': 4 });
  });

  it('splits a ten-day timer into parts of at most six days, as the library expects', async () => {
    const host = await openHost();

    await host.start('longTimer', 'long-1', undefined);
    await host.runUntil(() => finished(host, 'long-1'));

    const status = await host.getStatus('long-1');
    expect(status?.runtimeStatus).toBe('Completed');
    expect(status?.output).toEqual({
      woke: 'hello after ten days',
      at: expect.stringMatching(/^2026-01-11T00:00:00\.00\dZ$/),
    });
    const timers = outline(host.getHistory('long-1')).filter((l) => l.startsWith('Timer'));
    expect(timers).toEqual([
      'TimerCreated#0 @+259200001ms',
      'TimerFired#0 @+259200001ms',
      'TimerCreated#1 @+518400001ms',
      'TimerFired#1 @+518400001ms',
      'TimerCreated#2 @+864000001ms',
      'TimerFired#2 @+864000001ms',
    ]);
  });

  it('delivers an event raised before the orchestrator waits for it', async () => {
    const host = await openHost();

    await host.start('waitForGo', 'early-1', { n: 1 });
    await host.raiseEvent('early-1', 'Go', 7);
    await host.runUntilIdle();

    expect(await host.getStatus('early-1')).toMatchObject({
      runtimeStatus: 'Completed',
      output: { go: 7, input: { n: 1 } },
    });
    expect(outline(host.getHistory('early-1')).slice(4, 6)).toEqual([
      'OrchestratorStarted',
      'EventRaised Go',
    ]);
  });

  it('fails an orchestrator that changed between episodes with a determinism error', async () => {
    const first = await openHost(registerVersionOne);
    await first.start('versioned', 'ver-1', undefined);
    await first.runUntilIdle();
    expect(await runtimeStatusOf(first, 'ver-1')).toBe('Running');

    const second = await openHost(registerVersionTwo);
    await second.raiseEvent('ver-1', 'Go', 1);
    await second.runUntilIdle();

    const status = await second.getStatus('ver-1');
    expect(status?.runtimeStatus).toBe('Failed');
    expect(status?.output).toBe(
      "non-deterministic orchestrator 'versioned': at action position 0 the history has " +
        "CallActivity 'greet' but the replay produced CallActivity 'shout'",
    );
    expect(activityCalls).toEqual(['greet:"one"']);
  });

  it('fails with a clear error on an action the offline host does not support', async () => {
    const host = await openHost();

    await host.start('subOrchestrating', 'sub-1', undefined);
    await host.runUntilIdle();

    const status = await host.getStatus('sub-1');
    expect(status?.runtimeStatus).toBe('Failed');
    expect(status?.output).toBe(
      "unsupported action CallSubOrchestrator in the offline host (orchestrator 'subOrchestrating', action position 1)",
    );
  });

  it('fails the instance with the message an orchestrator throws', async () => {
    const host = await openHost();

    await host.start('failing', 'fail-1', undefined);
    await host.runUntilIdle();

    expect(await host.getStatus('fail-1')).toMatchObject({
      runtimeStatus: 'Failed',
      output: "Orchestrator function 'failing' failed: the orchestrator gave up",
    });
    expect(outline(host.getHistory('fail-1')).slice(-2)).toEqual([
      'ExecutionCompleted Failed',
      'OrchestratorCompleted',
    ]);
  });

  it('refuses to start over a running instance and replaces a completed one', async () => {
    const host = await openHost();
    await host.start('eventOrTimer', 'same', undefined);
    await host.runUntilIdle();

    await expect(host.start('eventOrTimer', 'same', undefined)).rejects.toMatchObject({
      code: 'instance-exists',
    });

    await host.raiseEvent('same', 'Decision', 'first');
    await host.runUntilIdle();
    await host.start('sequence', 'same', 'again');
    await host.runUntilIdle();
    expect(await host.getStatus('same')).toMatchObject({
      name: 'sequence',
      runtimeStatus: 'Completed',
      output: 'HELLO AGAIN',
    });
  });

  it('refuses unknown orchestrations and events for unknown instances', async () => {
    const host = await openHost();

    await expect(host.start('noSuchThing', 'x', undefined)).rejects.toMatchObject({
      code: 'unknown-function',
    });
    await expect(host.raiseEvent('nobody', 'Go', 1)).rejects.toMatchObject({
      code: 'instance-not-found',
    });
    expect(await host.getStatus('nobody')).toBeUndefined();
  });

  it('lets an activity start another orchestration and raise its event through the client', async () => {
    const host = await openHost();

    await host.start('parent', 'parent-1', undefined);
    await host.runUntilIdle();

    expect(await host.getStatus('parent-1')).toMatchObject({
      runtimeStatus: 'Completed',
      output: { childStatus: 'Pending' },
    });
    expect(await host.getStatus('child-1')).toMatchObject({
      runtimeStatus: 'Completed',
      output: { go: 42, input: { from: 'parent' } },
    });
  });

  it('resumes on a new host after every single step without losing or repeating work', async () => {
    flakyFailures.set('beside', 1);
    const reference = await openHost();
    await reference.start('retryBesideActivity', 'crash-1', undefined);
    await reference.start('waitForGo', 'crash-2', 'x');
    await reference.raiseEvent('crash-2', 'Go', 3);
    await reference.runUntil(
      async () => (await finished(reference, 'crash-1')) && finished(reference, 'crash-2'),
    );
    const expectedCalls = [...activityCalls];
    const expected1 = reference.inspect('crash-1');
    const expected2 = reference.inspect('crash-2');

    await rm(stateDir, { recursive: true, force: true });
    activityCalls.length = 0;
    flakyFailures.set('beside', 1);
    const clock = new VirtualClock(START);
    const starter = await openHost(registerToyApp, clock);
    await starter.start('retryBesideActivity', 'crash-1', undefined);
    await starter.start('waitForGo', 'crash-2', 'x');
    await starter.raiseEvent('crash-2', 'Go', 3);
    let steps = 0;
    for (;;) {
      const host = await openHost(registerToyApp, clock);
      if (!(await host.step())) {
        const next = host.nextTimerAt();
        if (next === undefined) {
          break;
        }
        clock.advanceTo(next);
      }
      steps += 1;
    }

    expect(steps).toBeGreaterThan(10);
    expect(activityCalls).toEqual(expectedCalls);
    const resumed = await OfflineHost.open({ stateDir, clock });
    expect(resumed.inspect('crash-1')).toEqual(expected1);
    expect(resumed.inspect('crash-2')).toEqual(expected2);
  });

  it('runs an activity again after the process stopped while it ran (at least once)', async () => {
    const first = await openHost();
    await first.start('waitForGo', 'hang-1', undefined);
    await first.step();
    hang.next = true;
    void first.step();
    await new Promise((resolve) => setImmediate(resolve));
    expect(activityCalls).toEqual(['slow:"before waiting"']);

    const second = await openHost();
    await second.raiseEvent('hang-1', 'Go', 5);
    await second.runUntilIdle();

    expect(activityCalls).toEqual(['slow:"before waiting"', 'slow:"before waiting"']);
    expect(await second.getStatus('hang-1')).toMatchObject({
      runtimeStatus: 'Completed',
      output: { go: 5 },
    });
  });

  it('refuses to be driven again while it runs, as from inside an activity', async () => {
    const host = await openHost();
    await host.start('sequence', 'busy-1', 'x');

    const running = host.runUntilIdle();
    await expect(host.runUntilIdle()).rejects.toMatchObject({ code: 'invalid-argument' });
    await running;
    expect(await runtimeStatusOf(host, 'busy-1')).toBe('Completed');
  });

  it('leaves instances of orchestrators it has not loaded untouched', async () => {
    const host = await openHost();
    await host.start('sequence', 'other-1', 'x');

    const bare = await OfflineHost.open({ stateDir, clock: new VirtualClock(START) });
    const report = await bare.runUntilIdle();

    expect(report).toEqual({});
    expect(await runtimeStatusOf(bare, 'other-1')).toBe('Pending');
    expect(bare.listInstances().map((status) => status.instanceId)).toEqual(['other-1']);
  });
});
