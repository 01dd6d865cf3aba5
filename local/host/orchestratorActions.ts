import { z } from 'zod';

import type { RecordedAction, RetryPolicy } from './instanceStore';
import { retryPolicySchema } from './instanceStore';

/** durable-functions lib/src/actions/ActionType.js. */
const ACTION_KINDS: Readonly<Record<number, string>> = {
  0: 'CallActivity',
  1: 'CallActivityWithRetry',
  2: 'CallSubOrchestrator',
  3: 'CallSubOrchestratorWithRetry',
  4: 'ContinueAsNew',
  5: 'CreateTimer',
  6: 'WaitForExternalEvent',
  7: 'CallEntity',
  8: 'CallHttp',
  9: 'SignalEntity',
  11: 'WhenAny',
  12: 'WhenAll',
  13: 'LockEntities',
  14: 'ReleaseEntities',
};

const SUPPORTED_KINDS = new Set([
  'CallActivity',
  'CallActivityWithRetry',
  'CreateTimer',
  'WaitForExternalEvent',
  'WhenAny',
  'WhenAll',
]);

const actionSchema = z.object({
  actionType: z.number().int(),
  functionName: z.string().optional(),
  externalEventName: z.string().optional(),
  input: z.unknown().optional(),
  retryOptions: retryPolicySchema.optional(),
  /** A Date from the live handler, an ISO string once the state went through JSON. */
  fireAt: z.union([z.date(), z.string()]).optional(),
  isCanceled: z.boolean().optional(),
  compoundActions: z.array(z.unknown()).optional(),
});

/** One action of an episode, at its depth-first position in the whole list since the start. */
export interface ActionNode {
  readonly position: number;
  readonly recorded: RecordedAction;
  readonly supported: boolean;
  /** The earlier position holding this very action object (a task yielded again inside Task.all). */
  readonly sameAs?: number;
  readonly isCanceled: boolean;
  /** The activity input as the activity receives it. */
  readonly input?: unknown;
  readonly retryPolicy?: RetryPolicy;
}

/**
 * Flattens the actions an orchestrator returned (replay schema V3: `[[action, ...]]`, compound
 * actions nesting their children in `compoundActions`) depth first, the order in which the
 * library numbers its tasks.
 */
export function flattenActions(actions: readonly (readonly unknown[])[]): ActionNode[] {
  const nodes: ActionNode[] = [];
  const positionOf = new Map<object, number>();

  const visit = (raw: unknown): void => {
    const action = actionSchema.parse(raw);
    const position = nodes.length;
    const kind = ACTION_KINDS[action.actionType] ?? `ActionType${action.actionType}`;
    const sameAs = typeof raw === 'object' && raw !== null ? positionOf.get(raw) : undefined;
    if (sameAs === undefined && typeof raw === 'object' && raw !== null) {
      positionOf.set(raw, position);
    }

    nodes.push({
      position,
      recorded: recordedAction(kind, action),
      supported: SUPPORTED_KINDS.has(kind),
      sameAs,
      isCanceled: action.isCanceled === true,
      input: kind.startsWith('CallActivity') ? activityInput(action.input) : undefined,
      retryPolicy: action.retryOptions,
    });
    for (const child of action.compoundActions ?? []) {
      visit(child);
    }
  };
  for (const episodeActions of actions) {
    for (const action of episodeActions) {
      visit(action);
    }
  }

  return nodes;
}

function recordedAction(kind: string, action: z.infer<typeof actionSchema>): RecordedAction {
  const name = action.functionName ?? action.externalEventName;
  const fireAt = action.fireAt === undefined ? undefined : new Date(action.fireAt).toISOString();
  const children = action.compoundActions?.length;

  return {
    kind,
    ...(name === undefined ? {} : { name }),
    ...(fireAt === undefined ? {} : { fireAt }),
    ...(children === undefined ? {} : { children }),
  };
}

/**
 * The library JSON-encodes a string input once more (Utils.processInput) and the extension decodes
 * it; other inputs cross as JSON, so the activity gets a plain copy.
 */
function activityInput(input: unknown): unknown {
  const decoded = typeof input === 'string' ? (JSON.parse(input) as unknown) : input;

  return decoded === undefined ? undefined : JSON.parse(JSON.stringify(decoded));
}

export function describeAction(action: RecordedAction | undefined): string {
  if (action === undefined) {
    return 'no action';
  }

  const name = action.name === undefined ? '' : ` '${action.name}'`;
  const fireAt = action.fireAt === undefined ? '' : ` at ${action.fireAt}`;
  const children = action.children === undefined ? '' : ` of ${action.children}`;
  return `${action.kind}${name}${fireAt}${children}`;
}

function sameAction(a: RecordedAction, b: RecordedAction): boolean {
  return (
    a.kind === b.kind && a.name === b.name && a.fireAt === b.fireAt && a.children === b.children
  );
}

/**
 * The library matches completions to tasks by number only, so a changed orchestrator silently
 * receives another task's result. Every replay must reproduce the recorded actions position by
 * position; the first difference is described, or undefined when there is none.
 */
export function findNondeterminism(
  recorded: readonly RecordedAction[],
  replayed: readonly ActionNode[],
): string | undefined {
  for (let position = 0; position < recorded.length; position += 1) {
    const expected = recorded[position];
    const actual = replayed[position]?.recorded;
    if (expected !== undefined && (actual === undefined || !sameAction(expected, actual))) {
      return (
        `at action position ${position} the history has ${describeAction(expected)} ` +
        `but the replay produced ${describeAction(actual)}`
      );
    }
  }

  return undefined;
}
