/**
 * The offline host: runs the app's registered Durable orchestrators and activities through
 * durable-functions' own replay engine, with each instance's history on disk.
 *
 * ```ts
 * const host = await OfflineHost.open({ stateDir: '.c2-responder', clock, logger });
 * await host.load(() => require('../../app/registerFunctions'));  // df.app.orchestration/activity
 * await host.start('respondToIncident', 'incident-42', input);      // OrchestrationClient port
 * await host.runUntilIdle();            // every pending event; leaves future timers and awaited events
 * await host.raiseEvent('contain-1.2.3.4_443', 'ApprovalDecision', decision);
 * await host.runUntil(async () => (await host.getStatus(id))?.runtimeStatus === 'Completed');
 * await host.advanceBy(ms);             // virtual clock only: fires due timers instantly
 * ```
 *
 * - `load` installs the `@azure/functions-core` stand-in before it calls the loader, so the app
 *   registers exactly as in Azure; code that registered earlier was dropped by `@azure/functions`.
 * - `start` refuses an id whose instance is Pending or Running (Azure would replace it);
 *   a Completed or Failed instance is replaced. `raiseEvent` to a finished instance is ignored.
 * - Activities may call the client (start, raise event, status) while they run: the calls are
 *   queued and processed after the activity returns. Activities run one at a time, at least once:
 *   one that was running when the process stopped runs again when a new host resumes.
 * - One host per state directory at a time (#3); writes are atomic against a process crash.
 * - Only instances whose orchestrator is loaded are driven; others wait untouched.
 */
import { InvocationContext } from '@azure/functions';

import type { InstanceStatus, OrchestrationClient } from '../../shared/ports/orchestrationClient';
import { applyEpisode } from './applyEpisode';
import type { HostClock } from './clock';
import { RealClock, VirtualClock } from './clock';
import type { RegisteredFunction } from './functionsCoreStandIn';
import { installFunctionsCoreStandIn, registeredFunctions } from './functionsCoreStandIn';
import type { HistoryEvent, PendingEvent } from './history';
import {
  delivered,
  eventRaised,
  executionStarted,
  orchestratorStarted,
  taskCompleted,
  taskFailed,
  timerFired,
} from './history';
import type { InstanceState, OpenTask } from './instanceStore';
import { InstanceStore } from './instanceStore';
import { OfflineHostError } from './offlineHostError';
import type { EpisodeOutcome } from './replayEpisode';
import { replayEpisode } from './replayEpisode';

export type HostLogLevel = 'debug' | 'info' | 'warn' | 'error';
export type HostLogger = (level: HostLogLevel, message: string) => void;

export interface OfflineHostOptions {
  readonly stateDir: string;
  /** Defaults to the wall clock; tests pass a VirtualClock. */
  readonly clock?: HostClock;
  /** Nothing is printed without one. */
  readonly logger?: HostLogger;
}

export interface IdleReport {
  /** When the next durable timer is due, if any is pending. */
  readonly nextTimerAt?: Date;
}

type ActivityTask = Extract<OpenTask, { kind: 'activity' }>;

const TERMINAL = new Set(['Completed', 'Failed']);

export class OfflineHost implements OrchestrationClient {
  private readonly instances = new Map<string, InstanceState>();
  private readonly functions = new Map<string, RegisteredFunction>();
  private readonly saving = new Map<string, Promise<void>>();
  private driving = false;

  private constructor(
    private readonly store: InstanceStore,
    readonly clock: HostClock,
    private readonly logger: HostLogger | undefined,
  ) {}

  static async open(options: OfflineHostOptions): Promise<OfflineHost> {
    const store = new InstanceStore(options.stateDir);
    const host = new OfflineHost(store, options.clock ?? new RealClock(), options.logger);

    for (const state of await store.loadAll()) {
      host.instances.set(state.instanceId, state);
    }
    return host;
  }

  /** Calls `loader` (which requires the app's registration module) with the stand-in in place. */
  async load(loader: () => unknown): Promise<RegisteredFunction[]> {
    installFunctionsCoreStandIn();
    await loader();

    const registry = registeredFunctions();
    if (registry.size === 0) {
      throw new OfflineHostError(
        'no-registrations',
        'the loader registered no functions: load the app through host.load() so that ' +
          '@azure/functions finds its @azure/functions-core stand-in; registrations made ' +
          'before it was installed were dropped',
      );
    }
    for (const [name, registration] of registry) {
      this.functions.set(name, registration);
    }
    return [...registry.values()];
  }

  /** Everything the app registered, HTTP and timer functions included (the host runs none of those). */
  registrations(): RegisteredFunction[] {
    return [...this.functions.values()];
  }

  /** The client for activities and the command line: the host itself, methods bound. */
  get client(): OrchestrationClient {
    return {
      start: (orchestrator, instanceId, input) => this.start(orchestrator, instanceId, input),
      raiseEvent: (instanceId, eventName, data) => this.raiseEvent(instanceId, eventName, data),
      getStatus: (instanceId) => this.getStatus(instanceId),
    };
  }

  async start(orchestrator: string, instanceId: string, input: unknown): Promise<void> {
    if (instanceId.length === 0) {
      throw new OfflineHostError('invalid-argument', 'an instance id must not be empty');
    }
    if (this.functions.get(orchestrator)?.kind !== 'orchestration') {
      throw new OfflineHostError(
        'unknown-function',
        `no orchestration named '${orchestrator}' is registered in the offline host`,
      );
    }
    const existing = this.instances.get(instanceId);
    if (existing !== undefined && !TERMINAL.has(existing.runtimeStatus)) {
      throw new OfflineHostError(
        'instance-exists',
        `instance ${instanceId} is ${existing.runtimeStatus}: check its status before starting ` +
          'it again (Azure would silently replace it)',
      );
    }

    const now = this.clock.now().toISOString();
    const copy = jsonCopy(input);
    await this.update({
      instanceId,
      name: orchestrator,
      input: copy,
      runtimeStatus: 'Pending',
      createdTime: now,
      lastUpdatedTime: now,
      history: [],
      inbox: [executionStarted(orchestrator, copy)],
      actions: [],
      actionTaskNumbers: {},
      nextTaskNumber: 0,
      openTasks: {},
    });
    this.log('info', `started ${orchestrator} instance ${instanceId}`);
  }

  /** Queued for delivery at least once; an unknown instance is an error, a finished one ignores it. */
  async raiseEvent(instanceId: string, eventName: string, data: unknown): Promise<void> {
    const state = this.instances.get(instanceId);
    if (state === undefined) {
      throw new OfflineHostError('instance-not-found', `no instance ${instanceId}`);
    }
    if (TERMINAL.has(state.runtimeStatus)) {
      return;
    }

    await this.update({ ...state, inbox: [...state.inbox, eventRaised(eventName, data)] });
  }

  async getStatus(instanceId: string): Promise<InstanceStatus | undefined> {
    const state = this.instances.get(instanceId);

    return state === undefined ? undefined : statusOf(state);
  }

  listInstances(): InstanceStatus[] {
    return [...this.instances.values()].map(statusOf);
  }

  /** The full instance document (a copy), for the command line and for tests. */
  inspect(instanceId: string): InstanceState | undefined {
    const state = this.instances.get(instanceId);

    return state === undefined ? undefined : structuredClone(state);
  }

  getHistory(instanceId: string): HistoryEvent[] {
    return this.inspect(instanceId)?.history ?? [];
  }

  /**
   * One unit of work: deliver one event to one instance (an episode), or run one activity, or
   * fire one due timer. False when there is nothing to do now.
   */
  async step(): Promise<boolean> {
    return this.exclusively(() => this.stepOnce());
  }

  async runUntilIdle(): Promise<IdleReport> {
    return this.exclusively(async () => {
      while (await this.stepOnce()) {
        // each step persists its own result
      }
      const nextTimerAt = this.nextTimerAt();
      return nextTimerAt === undefined ? {} : { nextTimerAt };
    });
  }

  /**
   * Runs until `condition` holds, sleeping on the clock until each next timer; false when nothing
   * can make progress any more or the next timer lies past `deadline`.
   */
  async runUntil(
    condition: () => boolean | Promise<boolean>,
    options: { readonly deadline?: Date } = {},
  ): Promise<boolean> {
    for (;;) {
      const { nextTimerAt } = await this.runUntilIdle();
      if (await condition()) {
        return true;
      }
      if (nextTimerAt === undefined) {
        return false;
      }
      if (options.deadline !== undefined && nextTimerAt > options.deadline) {
        return false;
      }
      await this.clock.sleepUntil(nextTimerAt);
    }
  }

  /** Virtual clock only: moves time to `time`, firing every timer due on the way at its own time. */
  async advanceTo(time: Date | string): Promise<IdleReport> {
    const clock = this.virtualClock();
    const target = new Date(time);

    await this.runUntilIdle();
    for (;;) {
      const next = this.nextTimerAt();
      if (next === undefined || next > target) {
        break;
      }
      clock.advanceTo(next);
      await this.runUntilIdle();
    }
    clock.advanceTo(target);
    return this.runUntilIdle();
  }

  async advanceBy(ms: number): Promise<IdleReport> {
    return this.advanceTo(new Date(this.virtualClock().now().getTime() + ms));
  }

  nextTimerAt(): Date | undefined {
    let earliest: string | undefined;
    for (const state of this.drivenInstances()) {
      for (const task of Object.values(state.openTasks)) {
        if (task.kind !== 'activity' && task.state === 'scheduled') {
          earliest = earliest === undefined || task.fireAt < earliest ? task.fireAt : earliest;
        }
      }
    }

    return earliest === undefined ? undefined : new Date(earliest);
  }

  private async exclusively<T>(work: () => Promise<T>): Promise<T> {
    if (this.driving) {
      throw new OfflineHostError(
        'invalid-argument',
        'the host is already running: an activity must not drive the host; its client calls ' +
          'are processed after it returns',
      );
    }

    this.driving = true;
    try {
      return await work();
    } finally {
      this.driving = false;
    }
  }

  private async stepOnce(): Promise<boolean> {
    const instances = [...this.drivenInstances()];

    const withEvent = instances.find((state) => state.inbox.length > 0);
    if (withEvent !== undefined) {
      await this.runEpisode(withEvent.instanceId);
      return true;
    }

    for (const state of instances) {
      const activity = firstActivity(state);
      if (activity !== undefined) {
        await this.runActivity(state.instanceId, activity.number, activity.task);
        return true;
      }
    }

    const now = this.clock.now().toISOString();
    let due: { instanceId: string; number: string; fireAt: string } | undefined;
    for (const state of instances) {
      for (const [number, task] of Object.entries(state.openTasks)) {
        if (task.kind !== 'activity' && task.state === 'scheduled' && task.fireAt <= now) {
          if (due === undefined || task.fireAt < due.fireAt) {
            due = { instanceId: state.instanceId, number, fireAt: task.fireAt };
          }
        }
      }
    }
    if (due !== undefined) {
      await this.fireTimer(due.instanceId, due.number);
      return true;
    }

    return false;
  }

  private *drivenInstances(): Iterable<InstanceState> {
    for (const state of this.instances.values()) {
      if (
        !TERMINAL.has(state.runtimeStatus) &&
        this.functions.get(state.name)?.kind === 'orchestration'
      ) {
        yield state;
      }
    }
  }

  private async runEpisode(instanceId: string): Promise<void> {
    const snapshot = this.instanceOrThrow(instanceId);
    const event = snapshot.inbox[0] as PendingEvent;
    const orchestrator = this.functions.get(snapshot.name) as RegisteredFunction;
    const timestamp = await this.episodeTime(snapshot);

    const outcome: EpisodeOutcome = await replayEpisode({
      orchestrator,
      instanceId,
      input: snapshot.input,
      history: [...snapshot.history, orchestratorStarted(timestamp), delivered(event, timestamp)],
      playedCount: snapshot.history.length,
      invocationId: `${instanceId}:${snapshot.history.length}`,
      log: (level, ...args) => this.logFromFunction(orchestrator.name, level, args),
    });

    const settled = applyEpisode(this.instanceOrThrow(instanceId), outcome, timestamp);
    await this.update(settled);
    if (settled.runtimeStatus === 'Failed') {
      this.log('warn', `instance ${instanceId} failed: ${settled.error ?? ''}`);
    }
  }

  /** Each episode starts strictly later than the last one of its instance. */
  private async episodeTime(state: InstanceState): Promise<string> {
    const last = state.history.at(-1)?.Timestamp ?? state.createdTime;
    const earliest = new Date(last).getTime() + 1;
    if (this.clock.now().getTime() < earliest) {
      await this.clock.sleepUntil(new Date(earliest));
    }

    return new Date(Math.max(this.clock.now().getTime(), earliest)).toISOString();
  }

  private async runActivity(instanceId: string, number: string, task: ActivityTask): Promise<void> {
    const createdTime = this.instanceOrThrow(instanceId).createdTime;
    const registration = this.functions.get(task.name);
    const context = new InvocationContext({
      functionName: task.name,
      invocationId: `${instanceId}:${number}`,
      logHandler: (level, ...args) => this.logFromFunction(task.name, level, args),
      options: {
        trigger: { type: 'activityTrigger', name: 'input' },
        extraInputs: registration === undefined ? [] : extraInputsOf(registration),
      },
    });

    let completion: PendingEvent;
    if (registration?.kind !== 'activity') {
      completion = taskFailed(
        Number(number),
        `Activity function '${task.name}' failed: no activity of that name is registered in the offline host`,
        '{}',
      );
    } else {
      try {
        const result = await registration.handler(jsonCopy(task.input), context);
        completion = taskCompleted(Number(number), jsonCopy(result));
      } catch (thrown) {
        const error = thrown instanceof Error ? thrown : new Error(String(thrown));
        completion = taskFailed(
          Number(number),
          `Activity function '${task.name}' failed: ${error.message}`,
          JSON.stringify({ name: error.name, message: error.message, code: codeOf(error) }),
        );
      }
    }

    // The instance may have finished or been replaced while the activity ran.
    const current = this.instances.get(instanceId);
    const open = current?.openTasks[number];
    if (
      current === undefined ||
      current.createdTime !== createdTime ||
      open?.state !== 'scheduled'
    ) {
      return;
    }
    await this.update({
      ...current,
      openTasks: { ...current.openTasks, [number]: { ...open, state: 'completed' } },
      inbox: [...current.inbox, completion],
    });
  }

  private async fireTimer(instanceId: string, number: string): Promise<void> {
    const state = this.instanceOrThrow(instanceId);
    const task = state.openTasks[number];
    if (task === undefined || task.kind === 'activity') {
      return;
    }

    await this.update({
      ...state,
      openTasks: { ...state.openTasks, [number]: { ...task, state: 'completed' } },
      inbox: [...state.inbox, timerFired(Number(number), task.fireAt)],
    });
  }

  private async update(state: InstanceState): Promise<void> {
    this.instances.set(state.instanceId, state);
    await this.persist(state.instanceId);
  }

  /** Saves run one after another per instance and each writes the latest state. */
  private persist(instanceId: string): Promise<void> {
    const previous = this.saving.get(instanceId) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(async () => {
        const state = this.instances.get(instanceId);
        if (state !== undefined) {
          await this.store.save(state);
        }
      });
    this.saving.set(instanceId, next);

    return next;
  }

  private instanceOrThrow(instanceId: string): InstanceState {
    const state = this.instances.get(instanceId);
    if (state === undefined) {
      throw new OfflineHostError('instance-not-found', `no instance ${instanceId}`);
    }

    return state;
  }

  private virtualClock(): VirtualClock {
    if (!(this.clock instanceof VirtualClock)) {
      throw new OfflineHostError(
        'invalid-argument',
        'only a host on a virtual clock can be advanced; a real clock fires timers when due',
      );
    }

    return this.clock;
  }

  private log(level: HostLogLevel, message: string): void {
    this.logger?.(level, message);
  }

  private logFromFunction(functionName: string, level: string, args: readonly unknown[]): void {
    const mapped: HostLogLevel =
      level === 'error' || level === 'critical'
        ? 'error'
        : level === 'warning'
          ? 'warn'
          : level === 'information'
            ? 'info'
            : 'debug';
    this.log(mapped, `[${functionName}] ${args.map(String).join(' ')}`);
  }
}

function statusOf(state: InstanceState): InstanceStatus {
  return {
    instanceId: state.instanceId,
    name: state.name,
    runtimeStatus: state.runtimeStatus,
    input: structuredClone(state.input),
    output: structuredClone(state.output),
    customStatus: structuredClone(state.customStatus),
    createdTime: state.createdTime,
    lastUpdatedTime: state.lastUpdatedTime,
  };
}

function firstActivity(state: InstanceState): { number: string; task: ActivityTask } | undefined {
  for (const [number, task] of Object.entries(state.openTasks)) {
    if (task.kind === 'activity' && task.state === 'scheduled') {
      return { number, task };
    }
  }

  return undefined;
}

function extraInputsOf(registration: RegisteredFunction): { name: string; type: string }[] {
  return Object.entries(registration.metadata.bindings)
    .filter(([, binding]) => binding.direction === 'in' && !binding.type.endsWith('Trigger'))
    .map(([name, binding]) => ({ name, type: binding.type }));
}

function codeOf(error: Error): string | undefined {
  const code = (error as { code?: unknown }).code;

  return typeof code === 'string' ? code : undefined;
}

/** Payloads cross the Durable boundary as JSON in Azure; the same here. */
function jsonCopy(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}
