import { InvocationContext } from '@azure/functions';
import { z } from 'zod';

import type { RegisteredFunction } from './functionsCoreStandIn';
import type { HistoryEvent } from './history';
import type { ActionNode } from './orchestratorActions';
import { flattenActions } from './orchestratorActions';

/**
 * Timer limits the extension passes with replay schema V3, as .NET TimeSpan strings (Azure Storage
 * backend defaults). The library turns a timer longer than the maximum short timer into a chain of
 * timers of the long-running interval (LongTimerTask).
 */
export const MAXIMUM_SHORT_TIMER = '6.00:00:00';
export const LONG_RUNNING_TIMER_INTERVAL = '3.00:00:00';
export const MAXIMUM_SHORT_TIMER_MS = 6 * 24 * 60 * 60 * 1000;
export const LONG_RUNNING_TIMER_INTERVAL_MS = 3 * 24 * 60 * 60 * 1000;
const DEFAULT_HTTP_ASYNC_SLEEP_MS = 30000;

/** ReplaySchema V2 and V3 in durable-functions lib/src/orchestrations/ReplaySchema.js. */
const UPPER_SCHEMA_VERSION = 1;
const UPPER_SCHEMA_VERSION_NEW = 2;

/** OrchestrationFailureError appends the orchestrator state to its message after this label. */
const OUT_OF_PROC_DATA_MARKER = '$OutOfProcData$:';

const orchestratorStateSchema = z.object({
  isDone: z.boolean(),
  actions: z.array(z.array(z.unknown())),
  output: z.unknown().optional(),
  customStatus: z.unknown().optional(),
  error: z.string().optional(),
});

export type EpisodeOutcome =
  | {
      readonly status: 'running' | 'completed';
      readonly nodes: ActionNode[];
      readonly output: unknown;
      readonly customStatus: unknown;
    }
  | {
      readonly status: 'failed';
      /** Undefined when the failure carried no orchestrator state. */
      readonly nodes: ActionNode[] | undefined;
      readonly error: string;
      readonly customStatus: unknown;
    };

export interface EpisodeRequest {
  readonly orchestrator: RegisteredFunction;
  readonly instanceId: string;
  readonly input: unknown;
  /** Every event so far, then the new OrchestratorStarted and the one new event. */
  readonly history: readonly HistoryEvent[];
  /** How many events of `history` earlier episodes already delivered. */
  readonly playedCount: number;
  readonly invocationId: string;
  readonly log: (level: string, ...args: unknown[]) => void;
}

/**
 * Runs one episode through the registered handler, as the extension does: a fresh invocation
 * context and a fresh JSON copy of the trigger (the library caches its state on `context.df` and
 * turns `Timestamp` strings into Dates in place).
 */
export async function replayEpisode(request: EpisodeRequest): Promise<EpisodeOutcome> {
  const trigger = JSON.parse(
    JSON.stringify({
      history: request.history.map((event, index) => ({
        ...event,
        IsPlayed: index < request.playedCount,
      })),
      input: request.input,
      instanceId: request.instanceId,
      isReplaying: request.playedCount > 0,
      parentInstanceId: null,
      upperSchemaVersion: UPPER_SCHEMA_VERSION,
      upperSchemaVersionNew: UPPER_SCHEMA_VERSION_NEW,
      longRunningTimerIntervalDuration: LONG_RUNNING_TIMER_INTERVAL,
      maximumShortTimerDuration: MAXIMUM_SHORT_TIMER,
      defaultHttpAsyncRequestSleepTimeMillseconds: DEFAULT_HTTP_ASYNC_SLEEP_MS,
    }),
  ) as unknown;
  const context = new InvocationContext({
    functionName: request.orchestrator.name,
    invocationId: request.invocationId,
    logHandler: request.log,
    options: { trigger: { type: 'orchestrationTrigger', name: 'context' } },
  });

  let returned: unknown;
  try {
    returned = await request.orchestrator.handler(trigger, context);
  } catch (thrown) {
    return failedOutcome(request.orchestrator.name, thrown);
  }

  const state = orchestratorStateSchema.parse(returned);
  return {
    status: state.isDone ? 'completed' : 'running',
    nodes: flattenActions(state.actions),
    output: state.output,
    customStatus: state.customStatus,
  };
}

/**
 * The library throws OrchestrationFailureError, whose message is its first argument (in 3.5.0 the
 * `orchestratorReturned` flag, not the error) followed by the orchestrator state; the orchestrator's
 * own error is the state's `error`.
 */
function failedOutcome(orchestratorName: string, thrown: unknown): EpisodeOutcome {
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  const markerAt = message.indexOf(OUT_OF_PROC_DATA_MARKER);
  if (markerAt < 0) {
    const error = `Orchestrator function '${orchestratorName}' failed: ${message}`;
    return { status: 'failed', nodes: undefined, error, customStatus: undefined };
  }

  const state = orchestratorStateSchema.parse(
    JSON.parse(message.slice(markerAt + OUT_OF_PROC_DATA_MARKER.length)),
  );
  const reason = state.error ?? message.slice(0, markerAt).trim();
  return {
    status: 'failed',
    nodes: flattenActions(state.actions),
    error: `Orchestrator function '${orchestratorName}' failed: ${reason}`,
    customStatus: state.customStatus,
  };
}
