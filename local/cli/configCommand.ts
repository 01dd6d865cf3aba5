import { existsSync } from 'node:fs';
import { join } from 'node:path';

import {
  ConfigurationError,
  PRODUCT_SETTINGS,
  readConfiguration,
  SECRET_SETTINGS,
  type Configuration,
  type ProductSetting,
} from '../../shared/config/configuration';
import { readSettingsFile } from '../localSettings';
import { packageRoot } from '../packageRoot';
import { CommandError, print, printJson, type CommandEnvironment } from './commandContext';
import { textTable } from './presentReport';

export interface ConfigCheckOptions {
  readonly azure?: boolean;
  readonly json?: boolean;
}

type Source = 'environment' | 'local.settings.json' | 'demo settings' | 'default';

export interface EffectiveSetting {
  readonly name: ProductSetting;
  /** The value as given; secrets are replaced by `(hidden)`. Absent: the product's default. */
  readonly value?: string;
  readonly source: Source;
}

export interface ConfigCheck {
  readonly mode: 'local' | 'azure';
  readonly settings: readonly EffectiveSetting[];
  readonly safety?: {
    readonly killSwitch: boolean;
    readonly dryRun: boolean;
    readonly maxRulesPerIncident: number;
    readonly maxNewRulesPerHour: number;
    readonly minConfidence: number;
  };
  readonly problems: readonly string[];
}

const HIDDEN = '(hidden)';

/**
 * `config check`: the settings as the product would read them, where each came from, and every
 * problem at once. Layers as the local responder reads them (environment over local.settings.json
 * over the bundled demo settings); with `--azure`, as the Function App reads them: no demo values,
 * C2R_MODE azure, so the settings Azure requires are checked too. Secrets are never printed.
 */
export async function checkConfiguration(
  env: CommandEnvironment,
  options: ConfigCheckOptions,
): Promise<ConfigCheck> {
  const problems: string[] = [];
  const layers: [Source, Record<string, string>][] = [
    ['environment', stringValues(env.environment)],
  ];
  const localFile = join(env.workingDirectory, 'local.settings.json');
  if (existsSync(localFile)) {
    layers.push(['local.settings.json', readValues(localFile, true, problems)]);
  }
  if (!options.azure) {
    layers.push([
      'demo settings',
      readValues(join(packageRoot, 'local', 'demo.settings.json'), false, problems),
    ]);
  }
  const mode = options.azure ? 'azure' : 'local';

  const values: Record<string, string> = { C2R_MODE: mode };
  const settings = PRODUCT_SETTINGS.map((name): EffectiveSetting => {
    const layer = layers.find(([, found]) => found[name] !== undefined);
    if (name === 'C2R_MODE') return { name, value: mode, source: layer?.[0] ?? 'default' };
    if (!layer) return { name, source: 'default' };
    const value = layer[1][name] ?? '';
    values[name] = value;
    return { name, value: isSecret(name) && value ? HIDDEN : value, source: layer[0] };
  });

  let configuration: Configuration | undefined;
  try {
    configuration = readConfiguration(values);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    problems.push(...error.problems);
  }
  problems.push(...usabilityProblems(values, mode));

  return {
    mode,
    settings,
    ...(configuration
      ? {
          safety: {
            killSwitch: configuration.response.killSwitch,
            dryRun: configuration.response.dryRun,
            maxRulesPerIncident: configuration.response.maxRulesPerIncident,
            maxNewRulesPerHour: configuration.response.maxNewRulesPerHour,
            minConfidence: configuration.response.minConfidence,
          },
        }
      : {}),
    problems: problems.map((problem) => withoutSecrets(problem, values)),
  };
}

export async function configCheckCommand(
  env: CommandEnvironment,
  options: ConfigCheckOptions,
): Promise<void> {
  const check = await checkConfiguration(env, options);

  if (options.json) {
    printJson(env, check);
  } else {
    print(
      env,
      `Configuration as ${check.mode === 'azure' ? 'the Function App' : 'the command line'} reads it:`,
    );
    print(
      env,
      textTable(
        ['Setting', 'Value', 'Source'],
        check.settings.flatMap((s) => {
          // Lists (NSG ids, approvers) one item a line, so that each can be read whole.
          const [first = '(default)', ...rest] = (s.value ?? '(default)').split(/\s*[,;]\s*/);
          return [[s.name, first, s.source], ...rest.map((item) => ['', item, ''])];
        }),
      ),
    );
    if (check.safety) {
      const { safety } = check;
      print(
        env,
        [
          '',
          `Kill switch: ${safety.killSwitch ? 'ON, no NSG and no incident is changed' : 'off'}`,
          `Dry run: ${safety.dryRun ? 'ON, writes are only recorded' : 'off'}`,
          `Blast radius: at most ${safety.maxRulesPerIncident} new rules per incident, ${safety.maxNewRulesPerHour} per hour; ThreatFox confidence at least ${safety.minConfidence}`,
        ].join('\n'),
      );
    }
    print(env, '');
    print(
      env,
      check.problems.length === 0
        ? 'No problems found.'
        : [`${check.problems.length} problem(s):`, ...check.problems.map((p) => `  - ${p}`)].join(
            '\n',
          ),
    );
  }

  if (check.problems.length > 0) {
    throw new CommandError(`the configuration has ${check.problems.length} problem(s)`);
  }
}

/**
 * Settings the schema accepts that still leave the product unable to do its job. Checked on the
 * raw values, so that they are reported alongside the schema's problems, not after a second run.
 * In Azure the schema already requires approvers and NSGs.
 */
function usabilityProblems(values: Readonly<Record<string, string>>, mode: string): string[] {
  const empty = (name: ProductSetting) => (values[name] ?? '').split(/[,;\s]+/).join('') === '';
  const publicUrl = values.C2R_PUBLIC_BASE_URL?.trim();

  return [
    ...(empty('C2R_APPROVERS') && mode === 'local'
      ? ['C2R_APPROVERS: no approver is configured, so no block can ever be approved']
      : []),
    ...(empty('C2R_NSG_IDS') && mode === 'local'
      ? ['C2R_NSG_IDS: no target NSG is configured, so nothing can be blocked']
      : []),
    ...(mode === 'azure' && publicUrl && !publicUrl.startsWith('https://')
      ? ['C2R_PUBLIC_BASE_URL: must be https in Azure: analysts sign in and approve through it']
      : []),
  ];
}

function isSecret(name: ProductSetting): boolean {
  return SECRET_SETTINGS.includes(name);
}

/** A validation message may quote a value; a secret's value never leaves this function. */
function withoutSecrets(problem: string, values: Readonly<Record<string, string>>): string {
  return SECRET_SETTINGS.reduce((text, name) => {
    const secret = values[name]?.trim();
    return secret ? text.split(secret).join(HIDDEN) : text;
  }, problem);
}

function stringValues(
  environment: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(environment).filter(
      (entry): entry is [string, string] => entry[1] !== undefined,
    ),
  );
}

function readValues(
  path: string,
  functionsFormat: boolean,
  problems: string[],
): Record<string, string> {
  const file = readSettingsFile(path, functionsFormat);
  problems.push(...file.problems);
  return file.values;
}
