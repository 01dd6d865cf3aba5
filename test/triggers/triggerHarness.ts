import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  HttpRequest,
  HttpResponse,
  InvocationContext,
  type HttpFunctionOptions,
  type TimerFunctionOptions,
} from '@azure/functions';

import { readConfiguration, type Configuration } from '../../shared/config/configuration';
import { JsonlAuditLog } from '../../shared/adapters/local/jsonlAuditLog';
import { NsgDocuments } from '../../shared/adapters/local/nsgDocuments';
import type { AuditRecord } from '../../shared/domain/auditRecord';
import { describeBlock } from '../../shared/domain/blockDescription';
import { blockRuleName } from '../../shared/domain/ruleName';
import type { SecurityRule } from '../../shared/domain/securityGroup';
import { registerTriggers } from '../../triggers/registerTriggers';
import { InMemoryOrchestrationClient } from '../support/inMemoryOrchestrationClient';

export const SAMPLES = join(__dirname, '..', '..', 'samples');
export const NSG_FIN =
  '/subscriptions/a229b752-17ec-4704-9971-4b4021745a1c/resourceGroups/rg-net-prod/providers/Microsoft.Network/networkSecurityGroups/nsg-fin-subnet';
export const NSG_APP =
  '/subscriptions/a229b752-17ec-4704-9971-4b4021745a1c/resourceGroups/rg-net-prod/providers/Microsoft.Network/networkSecurityGroups/nsg-app-subnet';
export const PUBLIC_BASE_URL = 'https://c2r.contoso.example';
export const BRIDGE_OBJECT_ID = '7f1d2c3b-4a59-4e6f-8a7b-9c0d1e2f3a4b';
export const APPROVER_UPN = 'soc.analyst@contoso.com';
export const APPROVER_GROUP = '0b5c1e2d-3f4a-4b6c-9d7e-8f9a0b1c2d3e';

/** An Azure deployment's settings, with App Service Authentication on. */
export const AZURE_ENVIRONMENT: Readonly<Record<string, string>> = {
  C2R_MODE: 'azure',
  C2R_WORKSPACE_ID: '4f302b5e-4562-4792-8f6f-01842cc39122',
  C2R_SENTINEL_WORKSPACE_RESOURCE_ID:
    '/subscriptions/5d1949bf-e569-417f-8b20-c88415e94b56/resourceGroups/rg-soc-prod/providers/Microsoft.OperationalInsights/workspaces/law-sentinel-prod',
  C2R_NSG_IDS: `${NSG_FIN},${NSG_APP}`,
  C2R_APPROVERS: `${APPROVER_UPN},${APPROVER_GROUP}`,
  C2R_AUDIT_TABLE_ENDPOINT: 'https://stc2rexample.table.core.windows.net',
  C2R_PUBLIC_BASE_URL: PUBLIC_BASE_URL,
  C2R_BRIDGE_IDENTITIES: BRIDGE_OBJECT_ID,
  AZURE_CLIENT_ID: '2d7c9a4e-1b3f-4c5d-8e6f-7a8b9c0d1e2f',
  C2R_ANTIFORGERY_KEY: Buffer.alloc(32, 7).toString('base64'),
  WEBSITE_AUTH_ENABLED: 'True',
};

export interface Principal {
  readonly oid?: string;
  readonly upn?: string;
  readonly appid?: string;
  readonly groups?: readonly string[];
}

/** `x-ms-client-principal` as App Service Authentication sends it: base64 JSON with the claims. */
export function principalHeader(principal: Principal): Record<string, string> {
  const claims = [
    ...(principal.oid
      ? [
          {
            typ: 'http://schemas.microsoft.com/identity/claims/objectidentifier',
            val: principal.oid,
          },
        ]
      : []),
    ...(principal.upn ? [{ typ: 'preferred_username', val: principal.upn }] : []),
    ...(principal.appid ? [{ typ: 'appid', val: principal.appid }] : []),
    ...(principal.groups ?? []).map((group) => ({ typ: 'groups', val: group })),
  ];
  const json = JSON.stringify({ auth_typ: 'aad', claims, name_typ: 'name', role_typ: 'roles' });
  return { 'x-ms-client-principal': Buffer.from(json, 'utf8').toString('base64') };
}

export const BRIDGE = principalHeader({ oid: BRIDGE_OBJECT_ID, appid: BRIDGE_OBJECT_ID });
export const APPROVER = principalHeader({
  oid: 'aa8f1d7e-0000-4000-8000-000000000001',
  upn: APPROVER_UPN,
});

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: Record<string, unknown>;
}

export interface RequestOptions {
  readonly body?: string;
  readonly headers?: Record<string, string>;
}

export interface Harness {
  readonly client: InMemoryOrchestrationClient;
  readonly audit: JsonlAuditLog;
  readonly securityGroups: NsgDocuments;
  readonly configuration: Configuration;
  readonly http: ReadonlyMap<string, HttpFunctionOptions>;
  readonly timers: ReadonlyMap<string, TimerFunctionOptions>;
  readonly logs: string[];
  /** The virtual time the functions read. */
  now: Date;
  invoke(method: string, path: string, options?: RequestOptions): Promise<Answer>;
  runTimer(name: string): Promise<unknown>;
  auditRecords(): Promise<AuditRecord[]>;
  close(): Promise<void>;
}

/**
 * The functions as the host registers them, with local adapters in a temp state directory and an
 * in-memory Durable client; requests are real HttpRequest objects routed by the registered routes.
 */
export async function createHarness(
  environment: Readonly<Record<string, string>> = AZURE_ENVIRONMENT,
): Promise<Harness> {
  const stateDirectory = await mkdtemp(join(tmpdir(), 'c2r-triggers-'));
  const configuration = readConfiguration(environment);
  const audit = new JsonlAuditLog({ stateDirectory });
  const securityGroups = new NsgDocuments({ stateDirectory, seedDirectory: join(SAMPLES, 'nsgs') });
  const http = new Map<string, HttpFunctionOptions>();
  const timers = new Map<string, TimerFunctionOptions>();
  const logs: string[] = [];

  const harness: Harness = {
    client: undefined as unknown as InMemoryOrchestrationClient,
    audit,
    securityGroups,
    configuration,
    http,
    timers,
    logs,
    now: new Date('2025-03-04T10:00:00.000Z'),
    async invoke(method, path, options = {}) {
      const [name, registration, params] = route(http, method, path);
      const request = new HttpRequest({
        method,
        url: `${PUBLIC_BASE_URL}${path}`,
        headers: options.headers ?? {},
        params,
        ...(options.body === undefined ? {} : { body: { string: options.body } }),
      });
      const init = await registration.handler(request, context(name, registration, logs));
      const response = new HttpResponse(init);
      const text = await response.text();
      const isJson = (response.headers.get('content-type') ?? '').includes('json');
      return {
        status: response.status,
        headers: response.headers,
        text,
        json: isJson && text !== '' ? (JSON.parse(text) as Record<string, unknown>) : {},
      };
    },
    async runTimer(name) {
      const registration = timers.get(name);
      if (!registration) throw new Error(`no timer ${name}`);
      return registration.handler(
        { isPastDue: false, schedule: { adjustForDST: false }, scheduleStatus: {} } as never,
        context(name, registration, logs),
      );
    },
    async auditRecords() {
      const text = await readFile(audit.path, 'utf8').catch(() => '');
      return text
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as AuditRecord);
    },
    async close() {
      await rm(stateDirectory, { recursive: true, force: true });
    },
  };
  const client = new InMemoryOrchestrationClient(() => harness.now);
  (harness as { client: InMemoryOrchestrationClient }).client = client;

  registerTriggers(
    {
      configuration,
      audit,
      securityGroups,
      clock: { now: () => harness.now },
      orchestrationClient: (invocationContext) => {
        if (
          !invocationContext.options.extraInputs.some((input) => input.type === 'durableClient')
        ) {
          throw new Error('the function was registered without the durable client binding');
        }
        return client;
      },
    },
    {
      http: (name, options) => http.set(name, options),
      timer: (name, options) => timers.set(name, options),
    },
  );
  return harness;
}

function route(
  http: ReadonlyMap<string, HttpFunctionOptions>,
  method: string,
  path: string,
): [string, HttpFunctionOptions, Record<string, string>] {
  const pathOnly = path.split('?')[0] ?? '';
  for (const [name, registration] of http) {
    if (!(registration.methods ?? []).includes(method as never)) continue;
    const names: string[] = [];
    const pattern = (registration.route ?? name).replace(/\{([^}]+)\}/g, (_, param: string) => {
      names.push(param);
      return '([^/]+)';
    });
    const match = new RegExp(`^/api/${pattern}$`).exec(pathOnly);
    if (!match) continue;
    const params = Object.fromEntries(
      names.map((param, index) => [param, decodeURIComponent(match[index + 1] ?? '')]),
    );
    return [name, registration, params];
  }
  throw new Error(`no function serves ${method} ${path}`);
}

function context(
  name: string,
  registration: HttpFunctionOptions | TimerFunctionOptions,
  logs: string[],
): InvocationContext {
  return new InvocationContext({
    invocationId: `test-${name}`,
    functionName: name,
    options: { extraInputs: registration.extraInputs ?? [] },
    logHandler: (level, ...args) => logs.push(`${level}: ${args.map(String).join(' ')}`),
  });
}

export async function sampleIncident(
  name: 'malicious' | 'benign' | 'no-activity',
): Promise<string> {
  return readFile(join(SAMPLES, 'incidents', `${name}.json`), 'utf8');
}

/** A deny rule as the product writes it, expiring at `expiresAt`. */
export function ourBlock(
  address: string,
  port: number,
  priority: number,
  expiresAt: string,
): SecurityRule {
  return {
    name: blockRuleName({ address, port }),
    priority,
    direction: 'Outbound',
    access: 'Deny',
    protocol: 'Tcp',
    description: describeBlock(`${address}:${port}`, [4127], expiresAt),
    sourceAddressPrefix: '*',
    sourcePortRange: '*',
    destinationAddressPrefix: address,
    destinationPortRange: String(port),
  };
}

/** The names of our rules in one NSG. */
export async function ruleNames(harness: Harness, nsgId: string): Promise<string[]> {
  return (await harness.securityGroups.get(nsgId)).rules
    .map((rule) => rule.name)
    .filter((name) => name.startsWith('c2r-'));
}
