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

export function configurationOf(env: CommandEnvironment): Configuration {
  return readLocalConfiguration(env.environment, env.workingDirectory);
}

export function open(
  env: CommandEnvironment,
  options: StateOptions & Partial<Omit<LocalResponderOptions, 'configuration' | 'stateDirectory'>>,
): Promise<LocalResponder> {
  return openLocalResponder({
    ...options,
    stateDirectory: resolve(env.workingDirectory, options.state ?? DEFAULT_STATE_DIRECTORY),
    configuration: configurationOf(env),
    clock: env.clock,
  });
}

export function printJson(env: CommandEnvironment, value: unknown): void {
  env.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function print(env: CommandEnvironment, text: string): void {
  env.stdout.write(`${text}\n`);
}
