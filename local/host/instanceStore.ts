import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { z } from 'zod';

import { historyEventSchema, pendingEventSchema } from './history';
import { OfflineHostError } from './offlineHostError';

/** RetryOptions as the library puts them on a CallActivityWithRetry action. */
export const retryPolicySchema = z.object({
  firstRetryIntervalInMilliseconds: z.number().positive(),
  maxNumberOfAttempts: z.number().int(),
  backoffCoefficient: z.number().optional(),
  maxRetryIntervalInMilliseconds: z.number().optional(),
  retryTimeoutInMilliseconds: z.number().optional(),
});

export type RetryPolicy = z.infer<typeof retryPolicySchema>;

/** What the host recorded for one action position, compared on every replay. */
export const recordedActionSchema = z.object({
  kind: z.string(),
  name: z.string().optional(),
  fireAt: z.string().optional(),
  children: z.number().int().optional(),
});

export type RecordedAction = z.infer<typeof recordedActionSchema>;

const retryStateSchema = z.object({
  policy: retryPolicySchema,
  /** The attempt this task is (activity) or follows (retry timer), counted from 1. */
  attempt: z.number().int().positive(),
  activityName: z.string(),
  activityInput: z.unknown().optional(),
});

export type RetryState = z.infer<typeof retryStateSchema>;

/**
 * A task the library has numbered and not yet seen complete. `scheduled`: the host still has to
 * run the activity or fire the timer; `completed`: its completion waits in the inbox.
 */
export const openTaskSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('activity'),
    state: z.enum(['scheduled', 'completed']),
    position: z.number().int(),
    name: z.string(),
    input: z.unknown().optional(),
    retry: retryStateSchema.optional(),
  }),
  z.object({
    kind: z.literal('timer'),
    state: z.enum(['scheduled', 'completed']),
    position: z.number().int(),
    fireAt: z.string(),
    /** Set for the parts of a timer longer than the library's maximum short timer. */
    finalFireAt: z.string().optional(),
  }),
  z.object({
    kind: z.literal('retry-timer'),
    state: z.enum(['scheduled', 'completed']),
    position: z.number().int(),
    fireAt: z.string(),
    retry: retryStateSchema,
  }),
]);

export type OpenTask = z.infer<typeof openTaskSchema>;

export const runtimeStatusSchema = z.enum(['Pending', 'Running', 'Completed', 'Failed']);

export const instanceStateSchema = z.object({
  instanceId: z.string().min(1),
  name: z.string().min(1),
  input: z.unknown().optional(),
  runtimeStatus: runtimeStatusSchema,
  customStatus: z.unknown().optional(),
  output: z.unknown().optional(),
  error: z.string().optional(),
  createdTime: z.string(),
  lastUpdatedTime: z.string(),
  history: z.array(historyEventSchema),
  /** Events not yet delivered, first in first out: one per episode. */
  inbox: z.array(pendingEventSchema),
  /** Every action the orchestrator returned, depth first, by position. */
  actions: z.array(recordedActionSchema),
  /** The library's task number for each numbered action position (position -> number). */
  actionTaskNumbers: z.record(z.string(), z.number().int()),
  nextTaskNumber: z.number().int().nonnegative(),
  openTasks: z.record(z.string(), openTaskSchema),
});

export type InstanceState = z.infer<typeof instanceStateSchema>;

/**
 * Instance documents under `<stateDir>/instances/`, one JSON file each, replaced atomically (write
 * a temporary file, then rename) so that a crash leaves either the old or the new document.
 */
export class InstanceStore {
  private readonly directory: string;

  constructor(stateDir: string) {
    this.directory = join(stateDir, 'instances');
  }

  async loadAll(): Promise<InstanceState[]> {
    await mkdir(this.directory, { recursive: true });
    const names = (await readdir(this.directory)).filter((name) => name.endsWith('.json'));

    const states: InstanceState[] = [];
    for (const name of names.sort()) {
      const path = join(this.directory, name);
      const parsed = instanceStateSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
      if (!parsed.success) {
        throw new OfflineHostError(
          'corrupt-state',
          `instance document ${path} is not valid: ${parsed.error.message}`,
        );
      }
      states.push(parsed.data);
    }

    return states;
  }

  async save(state: InstanceState): Promise<void> {
    const path = this.pathOf(state.instanceId);
    const temporary = `${path}.${randomUUID()}.tmp`;

    await writeFile(temporary, JSON.stringify(state, null, 1), 'utf8');
    try {
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  /** Instance ids become file names: percent-encoding keeps `/`, `\` and `:` out of the path. */
  private pathOf(instanceId: string): string {
    return join(this.directory, `${encodeURIComponent(instanceId)}.json`);
  }
}
