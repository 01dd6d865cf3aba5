import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  ConfigurationError,
  readConfiguration,
  type Configuration,
} from '../shared/config/configuration';
import { packageRoot } from './packageRoot';

/**
 * Local settings, in order of precedence: the environment, then `local.settings.json` in the
 * working directory (the Functions Core Tools file, its `Values`), then the bundled demo settings
 * (the lab's two NSGs and the demo approver). Read once, validated like Azure's.
 */
export function readLocalConfiguration(
  environment: Readonly<Record<string, string | undefined>>,
  workingDirectory: string,
): Configuration {
  const demo = readValues(join(packageRoot, 'local', 'demo.settings.json'), false);
  const localFile = join(workingDirectory, 'local.settings.json');
  const local = existsSync(localFile) ? readValues(localFile, true) : {};

  return readConfiguration({ ...demo, ...local, ...environment, C2R_MODE: 'local' });
}

function readValues(path: string, functionsFormat: boolean): Record<string, string> {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    if (typeof parsed !== 'object' || parsed === null) throw new Error('not a JSON object');
  } catch (error) {
    // The same words as `config check`, so that the file to fix is named wherever it is read.
    throw new ConfigurationError([
      `${path}: cannot be read as JSON (${error instanceof Error ? error.message : String(error)})`,
    ]);
  }
  const values = (functionsFormat ? parsed.Values : parsed) as Record<string, unknown> | undefined;
  return Object.fromEntries(
    Object.entries(values ?? {}).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
}
