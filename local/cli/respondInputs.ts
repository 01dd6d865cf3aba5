import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';

import type { Configuration } from '../../shared/config/configuration';
import { readIndicatorFeed } from '../../shared/domain/threatFoxFeed';
import { isValidationError } from '../../shared/domain/validationError';
import { BUNDLED } from '../localResponder';
import { CommandError, type CommandEnvironment } from './commandContext';

export interface RespondInputOptions {
  readonly iocs?: string;
  readonly logs?: string;
  readonly nsgs?: string;
}

/** The files `respond` reads, resolved and checked. */
export interface RespondInputs {
  readonly iocsFile: string;
  readonly logsDirectory: string;
  readonly nsgsDirectory: string;
}

/** How many rejected lines an error names: enough to see the pattern, short enough for one line. */
const REASONS_SHOWN = 3;

/**
 * Checks what `respond` will read before anything starts, so that a typo in a path is one clear
 * line and not a response that fails (or, for logs, reads as a data connector that is not
 * enabled) minutes later.
 */
export async function checkRespondInputs(
  env: CommandEnvironment,
  options: RespondInputOptions,
  configuration: Configuration,
): Promise<RespondInputs> {
  const at = (path: string | undefined) => path && resolve(env.workingDirectory, path);
  const inputs: RespondInputs = {
    iocsFile: at(options.iocs) || BUNDLED.iocs,
    logsDirectory: at(options.logs) || BUNDLED.logs,
    nsgsDirectory: at(options.nsgs) || BUNDLED.nsgs,
  };

  // The same words as `config check`: a response that can never be approved, or never block, is
  // refused before it starts.
  if (configuration.response.approvers.length === 0) {
    throw new CommandError(
      'C2R_APPROVERS: no approver is configured, so no block can ever be approved',
    );
  }
  if (configuration.response.nsgIds.length === 0) {
    throw new CommandError('C2R_NSG_IDS: no target NSG is configured, so nothing can be blocked');
  }
  await checkDirectory('--logs', inputs.logsDirectory);
  await checkDirectory('--nsgs', inputs.nsgsDirectory);
  await checkFeed(inputs.iocsFile, configuration.response.allowlist);

  return inputs;
}

async function checkDirectory(option: string, path: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new CommandError(`${option}: the directory ${path} does not exist`);
  if (!info.isDirectory()) throw new CommandError(`${option}: ${path} is not a directory`);
}

async function checkFeed(path: string, allowlist: readonly string[]): Promise<void> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CommandError(`--iocs: cannot read the indicator feed ${path} (${code ?? error})`);
  }

  let feed;
  try {
    feed = readIndicatorFeed(text, { allowlist });
  } catch (error) {
    if (isValidationError(error)) throw new CommandError(`--iocs: ${error.message}`);
    throw error;
  }
  if (feed.indicators.length > 0) return;

  const reasons = feed.rejected
    .slice(0, REASONS_SHOWN)
    .map((line) => `line ${line.line}: ${line.reason}`);
  throw new CommandError(
    feed.rejected.length === 0
      ? `--iocs: the indicator feed ${path} holds no indicator`
      : `--iocs: the indicator feed ${path} yields no indicator; ${feed.rejected.length} line(s) rejected (${reasons.join('; ')}${feed.rejected.length > REASONS_SHOWN ? '; ...' : ''})`,
  );
}
