import { z } from 'zod';

import { parseAllowlist } from '../domain/blockability';
import { isValidationError } from '../domain/validationError';
import { parseIsoDuration } from './isoDuration';

/**
 * The product's settings, read once from the environment (Function App settings in Azure,
 * `local.settings.json` values or the bundled demo settings locally), validated with one schema,
 * every problem reported in one message, then frozen. No other module reads `process.env`.
 */
export const PRODUCT_SETTINGS = [
  'C2R_MODE',
  'C2R_WORKSPACE_ID',
  'C2R_SENTINEL_WORKSPACE_RESOURCE_ID',
  'C2R_NSG_IDS',
  'C2R_PRIORITY_BAND',
  'C2R_BLOCK_TTL',
  'C2R_APPROVAL_TIMEOUT',
  'C2R_TIMEOUT_POLICY',
  'C2R_APPROVERS',
  'C2R_ALLOWLIST',
  'C2R_LOOKBACK',
  'C2R_AUDIT_TABLE_ENDPOINT',
  'C2R_AUDIT_TABLE',
  'C2R_PUBLIC_BASE_URL',
  'C2R_WEBHOOK_URL',
  'C2R_DRY_RUN',
  'C2R_KILL_SWITCH',
  'C2R_MAX_RULES_PER_INCIDENT',
  'C2R_MAX_NEW_RULES_PER_HOUR',
  'C2R_MIN_CONFIDENCE',
  'C2R_BRIDGE_IDENTITIES',
  'C2R_ANTIFORGERY_KEY',
  'AZURE_CLIENT_ID',
] as const;

export type ProductSetting = (typeof PRODUCT_SETTINGS)[number];

/** Settings without which the product cannot run in Azure. */
export const REQUIRED_IN_AZURE: readonly ProductSetting[] = [
  'C2R_WORKSPACE_ID',
  'C2R_SENTINEL_WORKSPACE_RESOURCE_ID',
  'C2R_NSG_IDS',
  'C2R_APPROVERS',
  'C2R_AUDIT_TABLE_ENDPOINT',
  'C2R_PUBLIC_BASE_URL',
  'AZURE_CLIENT_ID',
  'C2R_ANTIFORGERY_KEY',
];

/** Settings that are secrets or carry one; `config check` never prints them. */
export const SECRET_SETTINGS: readonly ProductSetting[] = [
  'C2R_WEBHOOK_URL',
  'C2R_ANTIFORGERY_KEY',
];

export interface PriorityBand {
  readonly lowest: number;
  readonly highest: number;
}

/** What the orchestrations need; passed to them as input so that they stay deterministic. */
export interface ResponseSettings {
  readonly nsgIds: readonly string[];
  readonly priorityBand: PriorityBand;
  readonly blockTtlMs: number;
  readonly approvalTimeoutMs: number;
  readonly timeoutPolicy: 'escalate' | 'leave-open';
  readonly approvers: readonly string[];
  readonly allowlist: readonly string[];
  readonly lookbackMs: number;
  readonly publicBaseUrl: string;
  readonly dryRun: boolean;
  readonly killSwitch: boolean;
  readonly maxRulesPerIncident: number;
  readonly maxNewRulesPerHour: number;
  readonly minConfidence: number;
}

export interface Configuration {
  readonly mode: 'local' | 'azure';
  readonly response: ResponseSettings;
  readonly workspaceId?: string;
  readonly sentinelWorkspaceResourceId?: string;
  readonly auditTableEndpoint?: string;
  readonly auditTable: string;
  readonly webhookUrl?: string;
  readonly azureClientId?: string;
  /**
   * Object ids or application (client) ids allowed to post incidents: the bridge Logic App's
   * managed identity. Empty: any caller that App Service Authentication lets through.
   */
  readonly bridgeIdentities?: readonly string[];
  /** Base64 key that signs the approval form's anti-forgery tokens (secret). */
  readonly antiForgeryKey?: string;
  /**
   * Platform, not product: App Service Authentication is on (`WEBSITE_AUTH_ENABLED`). Only then
   * does the platform strip client-sent `x-ms-client-principal` headers, so only then is a caller
   * identity trustworthy.
   */
  readonly authenticationEnabled?: boolean;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NSG_ID =
  /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/networkSecurityGroups\/[^/]+$/i;
const WORKSPACE_ID =
  /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[^/]+\/providers\/Microsoft\.OperationalInsights\/workspaces\/[^/]+$/i;

const list = z
  .string()
  .optional()
  .transform((text) =>
    (text ?? '')
      .split(/[,;\s]+/)
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  );

const flag = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((text) => text === 'true' || text === '1');

function duration(defaultValue: string, minimumMs: number) {
  return z
    .string()
    .optional()
    .transform((text, ctx) => {
      const ms = parseIsoDuration(text || defaultValue);
      if (ms === undefined || ms < minimumMs) {
        ctx.addIssue({
          code: 'custom',
          message: `must be an ISO 8601 duration of days and time (e.g. P7D, PT4H) of at least ${minimumMs / 1000} s, got "${text}"`,
        });
        return z.NEVER;
      }
      return ms;
    });
}

function integer(defaultValue: number, minimum: number, maximum: number) {
  return z
    .string()
    .optional()
    .transform((text, ctx) => {
      const value = text ? Number(text) : defaultValue;
      if (!Number.isInteger(value) || value < minimum || value > maximum) {
        ctx.addIssue({
          code: 'custom',
          message: `must be a whole number from ${minimum} to ${maximum}, got "${text}"`,
        });
        return z.NEVER;
      }
      return value;
    });
}

const priorityBand = z
  .string()
  .optional()
  .transform((text, ctx): PriorityBand => {
    const match = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(text || '100-4096');
    const lowest = Number(match?.[1]);
    const highest = Number(match?.[2]);
    // NSG rule priorities run from 100 to 4096 (Azure networking limits).
    if (!match || lowest < 100 || highest > 4096 || lowest > highest) {
      ctx.addIssue({
        code: 'custom',
        message: `must be "lowest-highest" within 100-4096, got "${text}"`,
      });
      return z.NEVER;
    }
    return { lowest, highest };
  });

const optionalText = z
  .string()
  .optional()
  .transform((text) => (text && text.trim() ? text.trim() : undefined));

const schema = z.object({
  C2R_MODE: z.enum(['local', 'azure']).default('local'),
  C2R_WORKSPACE_ID: optionalText.refine((v) => v === undefined || GUID.test(v), {
    message: 'must be the Log Analytics workspace id (a GUID)',
  }),
  C2R_SENTINEL_WORKSPACE_RESOURCE_ID: optionalText.refine(
    (v) => v === undefined || WORKSPACE_ID.test(v),
    { message: 'must be the ARM id of the Sentinel workspace' },
  ),
  C2R_NSG_IDS: list.refine((ids) => ids.every((id) => NSG_ID.test(id)), {
    message: 'must be comma-separated ARM ids of network security groups',
  }),
  C2R_PRIORITY_BAND: priorityBand,
  C2R_BLOCK_TTL: duration('P7D', 60_000),
  C2R_APPROVAL_TIMEOUT: duration('PT4H', 60_000),
  C2R_TIMEOUT_POLICY: z.enum(['escalate', 'leave-open']).default('escalate'),
  C2R_APPROVERS: list,
  C2R_ALLOWLIST: list.transform((entries, ctx) => {
    // Checked here, not at the first hunt: a bad entry would otherwise fail every response.
    try {
      parseAllowlist(entries);
    } catch (error) {
      if (!isValidationError(error)) throw error;
      ctx.addIssue({ code: 'custom', message: error.problems.join('; ') });
    }
    return entries;
  }),
  C2R_LOOKBACK: duration('PT1H', 0),
  C2R_AUDIT_TABLE_ENDPOINT: optionalText.refine((v) => v === undefined || /^https:\/\//.test(v), {
    message: 'must be an https URL of the Table service',
  }),
  C2R_AUDIT_TABLE: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9]{2,62}$/, 'must be a table name (letters and digits, 3-63)')
    .default('C2ResponderAudit'),
  C2R_PUBLIC_BASE_URL: z
    .string()
    .url('must be the absolute URL the analysts reach the app at')
    .default('http://127.0.0.1:7071'),
  C2R_WEBHOOK_URL: optionalText.refine((v) => v === undefined || /^https:\/\//.test(v), {
    message: 'must be an https URL',
  }),
  C2R_DRY_RUN: flag,
  C2R_KILL_SWITCH: flag,
  C2R_MAX_RULES_PER_INCIDENT: integer(10, 1, 1000),
  C2R_MAX_NEW_RULES_PER_HOUR: integer(20, 1, 10_000),
  C2R_MIN_CONFIDENCE: integer(50, 0, 100),
  // Signs the approval form's anti-forgery tokens; the same on every instance of the app.
  C2R_ANTIFORGERY_KEY: optionalText.refine(
    (v) =>
      v === undefined ||
      (/^[A-Za-z0-9+/]+={0,2}$/.test(v) && Buffer.from(v, 'base64').length >= 32),
    { message: 'must be a base64 key of at least 32 bytes (e.g. openssl rand -base64 32)' },
  ),
  C2R_BRIDGE_IDENTITIES: list.refine((ids) => ids.every((id) => GUID.test(id)), {
    message: 'must be comma-separated object ids or client ids (GUIDs) of the bridge identity',
  }),
  AZURE_CLIENT_ID: optionalText.refine((v) => v === undefined || GUID.test(v), {
    message: 'must be the client id (a GUID) of the user-assigned managed identity',
  }),
});

/** Invalid configuration: the product must not start. Lists every problem. */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
  readonly code = 'invalid-configuration';
  constructor(readonly problems: readonly string[]) {
    super(`configuration is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Validates every setting and returns the frozen configuration, or throws one ConfigurationError. */
export function readConfiguration(
  environment: Readonly<Record<string, string | undefined>>,
): Configuration {
  const values = Object.fromEntries(PRODUCT_SETTINGS.map((name) => [name, environment[name]]));
  const parsed = schema.safeParse(values);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);

  if (parsed.success && parsed.data.C2R_MODE === 'azure') {
    for (const name of REQUIRED_IN_AZURE) {
      const value = environment[name];
      if (!value || !value.trim()) problems.push(`${name}: is required when C2R_MODE is azure`);
    }
  }
  if (!parsed.success || problems.length > 0) throw new ConfigurationError(problems);

  const s = parsed.data;
  const configuration: Configuration = {
    mode: s.C2R_MODE,
    response: {
      nsgIds: s.C2R_NSG_IDS,
      priorityBand: s.C2R_PRIORITY_BAND,
      blockTtlMs: s.C2R_BLOCK_TTL,
      approvalTimeoutMs: s.C2R_APPROVAL_TIMEOUT,
      timeoutPolicy: s.C2R_TIMEOUT_POLICY,
      approvers: s.C2R_APPROVERS,
      allowlist: s.C2R_ALLOWLIST,
      lookbackMs: s.C2R_LOOKBACK,
      publicBaseUrl: s.C2R_PUBLIC_BASE_URL.replace(/\/+$/, ''),
      dryRun: s.C2R_DRY_RUN,
      killSwitch: s.C2R_KILL_SWITCH,
      maxRulesPerIncident: s.C2R_MAX_RULES_PER_INCIDENT,
      maxNewRulesPerHour: s.C2R_MAX_NEW_RULES_PER_HOUR,
      minConfidence: s.C2R_MIN_CONFIDENCE,
    },
    workspaceId: s.C2R_WORKSPACE_ID,
    sentinelWorkspaceResourceId: s.C2R_SENTINEL_WORKSPACE_RESOURCE_ID,
    auditTableEndpoint: s.C2R_AUDIT_TABLE_ENDPOINT,
    auditTable: s.C2R_AUDIT_TABLE,
    webhookUrl: s.C2R_WEBHOOK_URL,
    azureClientId: s.AZURE_CLIENT_ID,
    bridgeIdentities: s.C2R_BRIDGE_IDENTITIES,
    antiForgeryKey: s.C2R_ANTIFORGERY_KEY,
    authenticationEnabled: /^true$/i.test(environment.WEBSITE_AUTH_ENABLED?.trim() ?? ''),
  };
  return deepFreeze(configuration);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}
