import type { HistoryEvent } from './history';
import {
  delivered,
  executionCompleted,
  HistoryEventType,
  orchestratorCompleted,
  orchestratorStarted,
  taskScheduled,
  timerCreated,
} from './history';
import type { InstanceState, OpenTask, RetryState } from './instanceStore';
import type { ActionNode } from './orchestratorActions';
import { findNondeterminism } from './orchestratorActions';
import type { EpisodeOutcome } from './replayEpisode';
import { LONG_RUNNING_TIMER_INTERVAL_MS, MAXIMUM_SHORT_TIMER_MS } from './replayEpisode';

/**
 * Folds one episode into the instance: the first inbox event was delivered at `timestamp` and the
 * orchestrator answered with `outcome`. Task numbers follow the library's own rules
 * (TaskOrchestrationExecutor.trackOpenTask): new actions are numbered depth first; a failed retry
 * attempt takes a number for its retry timer and the timer one for the next attempt
 * (RetryableTask); each part of a long timer takes one (LongTimerTask). Event waits take none.
 */
export function applyEpisode(
  current: InstanceState,
  outcome: EpisodeOutcome,
  timestamp: string,
): InstanceState {
  const [event, ...undelivered] = current.inbox;
  if (event === undefined) {
    throw new RangeError(`instance ${current.instanceId} has no event to deliver`);
  }

  const history: HistoryEvent[] = [
    ...current.history,
    orchestratorStarted(timestamp),
    delivered(event, timestamp),
  ];
  const failure = failureOf(current, outcome);
  if (failure !== undefined) {
    return {
      ...current,
      runtimeStatus: 'Failed',
      customStatus: outcome.customStatus ?? current.customStatus,
      output: failure,
      error: failure,
      history: [
        ...history,
        executionCompleted('Failed', failure, timestamp),
        orchestratorCompleted(timestamp),
      ],
      inbox: [],
      openTasks: {},
      lastUpdatedTime: timestamp,
    };
  }
  if (outcome.status === 'failed') {
    throw new RangeError('unreachable: a failed outcome is a failure');
  }

  const numbering = new TaskNumbering(current, timestamp);
  numbering.deliver(event.EventType, event.TaskScheduledId ?? event.TimerId);
  const newNodes = outcome.nodes.slice(current.actions.length);
  for (const node of newNodes) {
    numbering.schedule(node);
  }
  for (const node of outcome.nodes) {
    if (node.recorded.kind === 'CreateTimer' && node.isCanceled) {
      numbering.cancelTimer(node.sameAs ?? node.position);
    }
  }

  const completed = outcome.status === 'completed';
  return {
    ...current,
    runtimeStatus: completed ? 'Completed' : 'Running',
    customStatus: outcome.customStatus,
    output: completed ? outcome.output : undefined,
    history: [
      ...history,
      ...numbering.history,
      ...(completed ? [executionCompleted('Completed', outcome.output, timestamp)] : []),
      orchestratorCompleted(timestamp),
    ],
    inbox: completed ? [] : undelivered,
    actions: [...current.actions, ...newNodes.map((node) => node.recorded)],
    actionTaskNumbers: numbering.actionTaskNumbers,
    nextTaskNumber: numbering.next,
    openTasks: completed ? {} : numbering.openTasks,
    lastUpdatedTime: timestamp,
  };
}

function failureOf(current: InstanceState, outcome: EpisodeOutcome): string | undefined {
  const nodes = outcome.nodes;
  const unsupported = nodes?.find((node) => !node.supported);
  if (unsupported !== undefined) {
    return (
      `unsupported action ${unsupported.recorded.kind} in the offline host ` +
      `(orchestrator '${current.name}', action position ${unsupported.position})`
    );
  }

  const drift = nodes === undefined ? undefined : findNondeterminism(current.actions, nodes);
  if (drift !== undefined) {
    return `non-deterministic orchestrator '${current.name}': ${drift}`;
  }

  return outcome.status === 'failed' ? outcome.error : undefined;
}

/**
 * DTFx RetryInterceptor: the delay after attempt n (from 1) is first * backoff^(n-1), capped at the
 * maximum interval. A retry timeout is not applied (#3): the library would wait forever for the
 * timer that DTFx then skips.
 */
export function retryDelayMs(retry: RetryState): number {
  const policy = retry.policy;
  const delay =
    policy.firstRetryIntervalInMilliseconds *
    (policy.backoffCoefficient ?? 1) ** (retry.attempt - 1);

  return policy.maxRetryIntervalInMilliseconds === undefined
    ? delay
    : Math.min(delay, policy.maxRetryIntervalInMilliseconds);
}

class TaskNumbering {
  readonly history: HistoryEvent[] = [];
  readonly openTasks: Record<string, OpenTask>;
  readonly actionTaskNumbers: Record<string, number>;
  next: number;
  private readonly now: number;

  constructor(
    current: InstanceState,
    private readonly timestamp: string,
  ) {
    this.openTasks = { ...current.openTasks };
    this.actionTaskNumbers = { ...current.actionTaskNumbers };
    this.next = current.nextTaskNumber;
    this.now = new Date(timestamp).getTime();
  }

  /** What the library does with a completion before the orchestrator code resumes. */
  deliver(eventType: number, taskNumber: number | undefined): void {
    if (taskNumber === undefined) {
      return;
    }
    const task = this.openTasks[taskNumber];
    delete this.openTasks[taskNumber];
    if (task === undefined) {
      return;
    }

    if (eventType === HistoryEventType.TaskFailed && task.kind === 'activity' && task.retry) {
      this.addRetryTimer(task.position, task.retry);
    } else if (eventType === HistoryEventType.TimerFired && task.kind === 'retry-timer') {
      if (task.retry.attempt < task.retry.policy.maxNumberOfAttempts) {
        this.addActivity(task.position, task.retry.activityName, task.retry.activityInput, {
          ...task.retry,
          attempt: task.retry.attempt + 1,
        });
      }
    } else if (eventType === HistoryEventType.TimerFired && task.kind === 'timer') {
      const finalFireAt = task.finalFireAt;
      if (finalFireAt !== undefined && new Date(finalFireAt).getTime() > this.now) {
        this.addTimer(task.position, finalFireAt);
      }
    }
  }

  schedule(node: ActionNode): void {
    if (node.sameAs !== undefined) {
      return;
    }

    const name = node.recorded.name ?? '';
    switch (node.recorded.kind) {
      case 'CallActivity':
        this.addActivity(node.position, name, node.input, undefined);
        break;
      case 'CallActivityWithRetry': {
        const policy = node.retryPolicy;
        const retry =
          policy === undefined
            ? undefined
            : { policy, attempt: 1, activityName: name, activityInput: node.input };
        this.addActivity(node.position, name, node.input, retry);
        break;
      }
      case 'CreateTimer':
        this.addTimer(node.position, node.recorded.fireAt ?? this.timestamp);
        break;
      default:
        break;
    }
  }

  cancelTimer(position: number): void {
    for (const [number, task] of Object.entries(this.openTasks)) {
      if (task.kind === 'timer' && task.position === position && task.state === 'scheduled') {
        delete this.openTasks[number];
      }
    }
  }

  private take(position: number): number {
    const number = this.next;
    this.next += 1;
    this.actionTaskNumbers[String(position)] ??= number;

    return number;
  }

  private addActivity(
    position: number,
    name: string,
    input: unknown,
    retry: RetryState | undefined,
  ): void {
    const number = this.take(position);
    this.openTasks[number] = {
      kind: 'activity',
      state: 'scheduled',
      position,
      name,
      input,
      ...(retry === undefined ? {} : { retry }),
    };
    this.history.push(taskScheduled(number, name, input, this.timestamp));
  }

  private addRetryTimer(position: number, retry: RetryState): void {
    const number = this.take(position);
    const fireAt = new Date(this.now + retryDelayMs(retry)).toISOString();
    this.openTasks[number] = { kind: 'retry-timer', state: 'scheduled', position, fireAt, retry };
    this.history.push(timerCreated(number, fireAt, this.timestamp));
  }

  /**
   * LongTimerTask: while the final time is more than the maximum short timer away, the next part
   * ends one long-running interval from now; the last part ends at the final time.
   */
  private addTimer(position: number, finalFireAt: string): void {
    const number = this.take(position);
    const final = new Date(finalFireAt).getTime();
    const long = final - this.now > MAXIMUM_SHORT_TIMER_MS;
    const fireAt = long
      ? new Date(this.now + LONG_RUNNING_TIMER_INTERVAL_MS).toISOString()
      : new Date(final).toISOString();
    this.openTasks[number] = {
      kind: 'timer',
      state: 'scheduled',
      position,
      fireAt,
      ...(long ? { finalFireAt: new Date(final).toISOString() } : {}),
    };
    this.history.push(timerCreated(number, fireAt, this.timestamp));
  }
}
