import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import { main } from '../../../local/cli/main';
import type { ConfigCheck } from '../../../local/cli/configCommand';

const WEBHOOK = 'https://hooks.example.com/services/T000/B000/s3cr3t-token';
const NSG =
  '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg-a';

let workingDirectory: string;

beforeEach(async () => {
  workingDirectory = await mkdtemp(join(tmpdir(), 'c2r-config-'));
});

afterEach(async () => {
  await rm(workingDirectory, { recursive: true, force: true });
});

async function check(
  settings: Record<string, string>,
  flags: readonly string[] = [],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const sink = (into: string[]) =>
    new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        into.push(chunk.toString());
        done();
      },
    });
  const code = await main(['config', 'check', ...flags], {
    stdout: sink(out),
    stderr: sink(err),
    environment: settings,
    workingDirectory,
  });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe('c2-responder config check', () => {
  it('prints the effective settings with their source and exits 0 when there is no problem', async () => {
    const run = await check({ C2R_KILL_SWITCH: 'true' });

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^C2R_APPROVERS +soc\.analyst@contoso\.com +demo settings$/m);
    expect(run.stdout).toMatch(/^C2R_KILL_SWITCH +true +environment$/m);
    expect(run.stdout).toContain('Kill switch: ON, no NSG and no incident is changed');
    expect(run.stdout).toContain(
      'Blast radius: at most 10 new rules per incident, 20 per hour; ThreatFox confidence at least 50',
    );
    expect(run.stdout).toContain('No problems found.');
  });

  it('lists every problem at once and exits 1', async () => {
    const run = await check({
      C2R_MIN_CONFIDENCE: '101',
      C2R_MAX_NEW_RULES_PER_HOUR: 'lots',
      C2R_APPROVERS: ' ',
    });

    expect(run.code).toBe(1);
    expect(run.stdout).toContain('3 problem(s):');
    expect(run.stdout).toContain('  - C2R_MAX_NEW_RULES_PER_HOUR: must be a whole number');
    expect(run.stdout).toContain('  - C2R_MIN_CONFIDENCE: must be a whole number from 0 to 100');
    expect(run.stdout).toContain('  - C2R_APPROVERS: no approver is configured');
    expect(run.stderr).toBe('c2-responder: the configuration has 3 problem(s)\n');
  });

  it('reports a malformed allowlist entry and exits 1', async () => {
    const run = await check({ C2R_ALLOWLIST: '198.51.100.0/24,10.0.0.300' });

    expect(run.code).toBe(1);
    expect(run.stdout).toContain('1 problem(s):');
    expect(run.stdout).toMatch(/^ {2}- C2R_ALLOWLIST: entry 2 "10\.0\.0\.300": /m);
  });

  it('never shows a secret, neither as a value nor inside a problem', async () => {
    const text = await check({ C2R_WEBHOOK_URL: WEBHOOK, C2R_MIN_CONFIDENCE: '-1' });
    const json = await check({ C2R_WEBHOOK_URL: WEBHOOK }, ['--json']);
    const parsed = JSON.parse(json.stdout) as ConfigCheck;

    expect(text.stdout).toMatch(/^C2R_WEBHOOK_URL +\(hidden\) +environment$/m);
    expect(text.stdout + text.stderr + json.stdout + json.stderr).not.toContain('s3cr3t');
    expect(parsed.settings.find((s) => s.name === 'C2R_WEBHOOK_URL')).toEqual({
      name: 'C2R_WEBHOOK_URL',
      value: '(hidden)',
      source: 'environment',
    });
  });

  it('hides a secret that fails validation as well', async () => {
    const run = await check({ C2R_WEBHOOK_URL: 'http://hooks.example.com/s3cr3t' });

    expect(run.code).toBe(1);
    expect(run.stdout).toContain('C2R_WEBHOOK_URL: must be an https URL');
    expect(run.stdout).not.toContain('s3cr3t');
  });

  it('reads local.settings.json under the environment, and says where each value came from', async () => {
    await writeFile(
      join(workingDirectory, 'local.settings.json'),
      JSON.stringify({ Values: { C2R_MIN_CONFIDENCE: '70', C2R_DRY_RUN: 'true' } }),
    );

    const run = await check({ C2R_MIN_CONFIDENCE: '90' }, ['--json']);
    const parsed = JSON.parse(run.stdout) as ConfigCheck;

    expect(run.code).toBe(0);
    expect(
      parsed.settings.filter((s) => ['C2R_MIN_CONFIDENCE', 'C2R_DRY_RUN'].includes(s.name)),
    ).toEqual([
      { name: 'C2R_DRY_RUN', value: 'true', source: 'local.settings.json' },
      { name: 'C2R_MIN_CONFIDENCE', value: '90', source: 'environment' },
    ]);
    expect(parsed.safety).toEqual({
      killSwitch: false,
      dryRun: true,
      maxRulesPerIncident: 10,
      maxNewRulesPerHour: 20,
      minConfidence: 90,
    });
  });

  it('checks as the Function App with --azure: no demo values, the Azure settings required', async () => {
    const run = await check({ C2R_NSG_IDS: NSG }, ['--json', '--azure']);
    const parsed = JSON.parse(run.stdout) as ConfigCheck;

    expect(run.code).toBe(1);
    expect(parsed.mode).toBe('azure');
    expect(parsed.problems).toEqual([
      'C2R_WORKSPACE_ID: is required when C2R_MODE is azure',
      'C2R_SENTINEL_WORKSPACE_RESOURCE_ID: is required when C2R_MODE is azure',
      'C2R_APPROVERS: is required when C2R_MODE is azure',
      'C2R_AUDIT_TABLE_ENDPOINT: is required when C2R_MODE is azure',
      'C2R_PUBLIC_BASE_URL: is required when C2R_MODE is azure',
      'AZURE_CLIENT_ID: is required when C2R_MODE is azure',
      'C2R_ANTIFORGERY_KEY: is required when C2R_MODE is azure',
    ]);
  });

  it('reports a local.settings.json that is not JSON as a problem', async () => {
    await writeFile(join(workingDirectory, 'local.settings.json'), '{ "Values": ');

    const run = await check({});

    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/local\.settings\.json: cannot be read as JSON/);
  });

  it('refuses a setting that is not a string, and a misspelt setting, instead of ignoring them', async () => {
    await writeFile(
      join(workingDirectory, 'local.settings.json'),
      JSON.stringify({ Values: { C2R_KILL_SWITCH: true, C2R_KILL_SWTICH: 'true' } }),
    );

    const run = await check({});

    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/C2R_KILL_SWITCH must be a string \(write "true" in quotes\)/);
    expect(run.stdout).toMatch(/C2R_KILL_SWTICH is not a setting of the product/);
  });

  it('refuses a local.settings.json whose Values is not an object', async () => {
    await writeFile(join(workingDirectory, 'local.settings.json'), 'null');

    const run = await check({});

    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /local\.settings\.json: its "Values" must be a JSON object of settings/,
    );
  });
});
