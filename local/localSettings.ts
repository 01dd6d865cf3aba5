import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  ConfigurationError,
  PRODUCT_SETTINGS,
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

/** The settings a file holds, and what is wrong with it, in the words `config check` prints. */
export interface SettingsFile {
  readonly values: Record<string, string>;
  readonly problems: readonly string[];
}

/**
 * Reads a settings file: the Functions Core Tools shape (`{"Values": {...}}`) or a plain object.
 * A value that is not a string, or a product-like name the product does not know, is a problem
 * rather than silently ignored: `"C2R_KILL_SWITCH": true` must not leave the switch off.
 */
export function readSettingsFile(path: string, functionsFormat: boolean): SettingsFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { values: {}, problems: [`${path}: cannot be read as JSON (${reason})`] };
  }
  const values = functionsFormat ? (isObject(parsed) ? parsed.Values : undefined) : parsed;
  if (!isObject(values)) {
    const where = functionsFormat ? 'its "Values"' : 'it';
    return { values: {}, problems: [`${path}: ${where} must be a JSON object of settings`] };
  }

  const known = new Set<string>(PRODUCT_SETTINGS);
  const problems: string[] = [];
  const strings: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    if (/^C2R_/.test(name) && !known.has(name)) {
      problems.push(`${path}: ${name} is not a setting of the product`);
    } else if (typeof value !== 'string') {
      problems.push(`${path}: ${name} must be a string (write "${String(value)}" in quotes)`);
    } else {
      strings[name] = value;
    }
  }
  return { values: strings, problems };
}

function readValues(path: string, functionsFormat: boolean): Record<string, string> {
  const file = readSettingsFile(path, functionsFormat);
  if (file.problems.length > 0) throw new ConfigurationError(file.problems);
  return file.values;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
