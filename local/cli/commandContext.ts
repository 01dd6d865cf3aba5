import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';

import type { Configuration } from '../../shared/config/configuration';
import { DEFAULT_STATE_DIRECTORY } from '../../shared/adapters/local/stateDirectory';
import type { HostClock } from '../host/clock';
import { readLocalConfiguration } from '../localSettings';
import {
  openLocalResponder,
  type LocalResponder,
  type LocalResponderOptions,
} from '../localResponder';

/** What every command needs from its surroundings; tests pass their own. */
export interface CommandEnvironment {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly environment: Readonly<Record<string, string | undefined>>;
  readonly workingDirectory: string;
  readonly clock?: HostClock;
}

/** An error the user can fix: printed as one line, exit code 1. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export interface StateOptions {
  readonly state?: string;
}

export interface OpenOptions
  extends StateOptions, Partial<Omit<LocalResponderOptions, 'configuration' | 'stateDirectory'>> {
  /**
   * Only commands that start work (`respond`, `serve`) create a missing state directory; a
   * command that reads one that does not exist would otherwise report an empty, intact history.
   */
  readonly createState?: boolean;
}

export function configurationOf(env: CommandEnvironment): Configuration {
  return readLocalConfiguration(env.environment, env.workingDirectory);
}

export function stateDirectoryOf(env: CommandEnvironment, options: StateOptions): string {
  return resolve(env.workingDirectory, options.state ?? DEFAULT_STATE_DIRECTORY);
}

/**
 * Opens the responder over the state directory and catches the host up first: the offline host
 * only advances while a command runs, so a durable timer that came due in between (an approval
 * deadline, a retry) fires before the command reads or changes anything.
 */
export async function open(env: CommandEnvironment, options: OpenOptions): Promise<LocalResponder> {
  const stateDirectory = stateDirectoryOf(env, options);
  await checkStateDirectory(stateDirectory, options.createState === true);
  const { createState: _createState, ...responderOptions } = options;

  const responder = await openLocalResponder({
    ...responderOptions,
    stateDirectory,
    configuration: configurationOf(env),
    clock: env.clock,
  });
  await responder.host.runUntilIdle();

  return responder;
}

async function checkStateDirectory(path: string, mayCreate: boolean): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (info && !info.isDirectory()) {
    throw new CommandError(`the state directory ${path} is a file, not a directory`);
  }
  if (!info && !mayCreate) {
    throw new CommandError(
      `no state directory ${path}: nothing has run there yet (respond creates it; check --state)`,
    );
  }
}

export function printJson(env: CommandEnvironment, value: unknown): void {
  env.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function print(env: CommandEnvironment, text: string): void {
  env.stdout.write(`${text}\n`);
}
