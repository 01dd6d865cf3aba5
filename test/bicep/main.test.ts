/**
 * Checks the compiled deployment against the product: the analytics rule carries the query the
 * product renders, and the Function App gets exactly the settings the configuration reads.
 * Compiles bicep/main.bicep with the compiler that `npm run build:bicep` restores into .tools/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { PRODUCT_SETTINGS } from '../../shared/config/configuration';
import { renderAnalyticsRuleQuery } from '../../shared/domain/kqlRenderer';
import { readIndicatorFeed } from '../../shared/domain/threatFoxFeed';

interface Template {
  readonly parameters?: Record<string, { readonly metadata?: { readonly description?: string } }>;
  readonly variables?: Record<string, unknown>;
  readonly resources: Record<string, Resource> | readonly Resource[];
}

interface Resource {
  readonly type: string;
  readonly name: string;
  readonly properties?: {
    readonly template?: Template;
    readonly parameters?: Record<string, { readonly value?: unknown }>;
    readonly [key: string]: unknown;
  };
}

const root = join(__dirname, '..', '..');
const bicep = join(root, '.tools', 'bin', 'bicep');
let template: Template;

beforeAll(() => {
  if (!existsSync(bicep)) {
    throw new Error(`The Bicep compiler is missing at ${bicep}: run \`npm run build:bicep\` first`);
  }

  const outDir = mkdtempSync(join(tmpdir(), 'c2r-bicep-'));
  try {
    const outFile = join(outDir, 'main.json');
    execFileSync(bicep, ['build', join(root, 'bicep', 'main.bicep'), '--outfile', outFile], {
      stdio: 'pipe',
    });
    template = JSON.parse(readFileSync(outFile, 'utf8')) as Template;
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
});

function resourcesOf(t: Template): Resource[] {
  return Array.isArray(t.resources)
    ? [...(t.resources as readonly Resource[])]
    : Object.values(t.resources as Record<string, Resource>);
}

/** The module deployment whose name starts with the given prefix (names end with the token). */
function moduleNamed(t: Template, prefix: string): Resource {
  const found = resourcesOf(t).filter(
    (r) => r.type === 'Microsoft.Resources/deployments' && r.name.includes(`'${prefix}`),
  );
  if (found.length !== 1) throw new Error(`expected one module ${prefix}, found ${found.length}`);

  return found[0] as Resource;
}

function nestedTemplate(module: Resource): Template {
  const nested = module.properties?.template;
  if (!nested) throw new Error(`module ${module.name} has no nested template`);

  return nested;
}

/** Resolves `[variables('x')]` and ARM's `[[` escape for a literal string that starts with `[`. */
function literalOf(t: Template, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const variable = /^\[variables\('([A-Za-z0-9_]+)'\)\]$/.exec(value);
  if (variable?.[1]) return literalOf(t, t.variables?.[variable[1]]);

  return value.startsWith('[[') ? value.slice(1) : value;
}

describe('bicep/main.bicep', () => {
  it('deploys the analytics rule with exactly the query the product renders for the bundled pack', () => {
    const pack = readFileSync(join(root, 'samples', 'iocs', 'dcrat-threatfox.json'), 'utf8');
    const expected = renderAnalyticsRuleQuery(
      readIndicatorFeed(pack, { allowlist: [] }).indicators,
    );
    const sentinel = nestedTemplate(moduleNamed(template, 'c2r-sentinel-content-'));
    const rule = resourcesOf(sentinel).find(
      (r) => r.type === 'Microsoft.SecurityInsights/alertRules',
    );

    expect(literalOf(sentinel, rule?.properties?.['query'])).toBe(expected);
  });

  it('sets exactly the product settings the configuration schema reads', () => {
    const module = moduleNamed(template, 'c2r-app-settings-');
    const passed = module.properties?.parameters?.['productSettings']?.value as Record<
      string,
      unknown
    >;
    const runtime = module.properties?.parameters?.['runtimeSettings']?.value as Record<
      string,
      unknown
    >;
    // The module adds the secure settings itself with createObject('NAME', ...).
    const written = JSON.stringify(nestedTemplate(module).resources);
    const addedByModule = [...written.matchAll(/createObject\('([A-Z0-9_]+)'/g)].map((m) => m[1]);
    const isProductSetting = (name: string) => /^C2R_/.test(name) || name === 'AZURE_CLIENT_ID';
    const set = [...Object.keys(passed), ...addedByModule]
      .filter((name): name is string => typeof name === 'string' && isProductSetting(name))
      .sort();

    expect(set).toEqual([...PRODUCT_SETTINGS].sort());
    expect(JSON.stringify(runtime)).not.toMatch(/C2R_|AZURE_CLIENT_ID/);
  });

  it('connects the Functions host to its storage with the managed identity, never a key', () => {
    const module = moduleNamed(template, 'c2r-app-settings-');
    const runtime = module.properties?.parameters?.['runtimeSettings']?.value as string;

    expect(runtime).toContain("'AzureWebJobsStorage__credential', 'managedidentity'");
    expect(runtime).toContain("'AzureWebJobsStorage__accountName'");
    expect(runtime).not.toMatch(/AccountKey|listKeys/);
  });

  it('lets the NSG role read NSGs and change only their security rules', () => {
    const roleModule = nestedTemplate(moduleNamed(template, 'c2r-nsg-role-'));
    const role = resourcesOf(roleModule).find(
      (r) => r.type === 'Microsoft.Authorization/roleDefinitions',
    );
    const permissions = role?.properties?.['permissions'] as { actions: string[] }[];

    expect(permissions.flatMap((p) => p.actions).sort()).toEqual([
      'Microsoft.Network/networkSecurityGroups/read',
      'Microsoft.Network/networkSecurityGroups/securityRules/delete',
      'Microsoft.Network/networkSecurityGroups/securityRules/read',
      'Microsoft.Network/networkSecurityGroups/securityRules/write',
    ]);
  });

  it('describes every parameter as Required or Optional', () => {
    const undescribed = Object.entries(template.parameters ?? {})
      .filter(([, p]) => !/^(Required|Optional)\. /.test(p.metadata?.description ?? ''))
      .map(([name]) => name);

    expect(Object.keys(template.parameters ?? {}).length).toBeGreaterThan(10);
    expect(undescribed).toEqual([]);
  });
});
