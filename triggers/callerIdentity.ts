import type { HttpRequest } from '@azure/functions';
import { z } from 'zod';

import type { Configuration } from '../shared/config/configuration';
import type { ApproverIdentity } from '../shared/domain/approval';

/** Who called, as App Service Authentication reports it. */
export interface CallerIdentity extends ApproverIdentity {
  /** The client application of a service principal's token (`appid`, `azp`). */
  readonly appId?: string;
  /** True only for a local run without authentication; never in Azure mode. */
  readonly anonymous: boolean;
}

export type CallerReading =
  | { readonly ok: true; readonly caller: CallerIdentity }
  | { readonly ok: false; readonly message: string };

/**
 * Who may call: `reader` reads status and audit, `bridge` posts incidents, `person` decides
 * (approvals, unblock; the approver list is checked where the decision is judged).
 */
export type CallerPolicy = 'reader' | 'bridge' | 'person';

export const CLIENT_PRINCIPAL_HEADER = 'x-ms-client-principal';

// Claim types as App Service Authentication passes them from Entra ID tokens.
const OBJECT_ID_CLAIMS = ['http://schemas.microsoft.com/identity/claims/objectidentifier', 'oid'];
const UPN_CLAIMS = [
  'preferred_username',
  'upn',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn',
];
const GROUP_CLAIMS = ['groups', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups'];
const APP_ID_CLAIMS = ['appid', 'azp'];

const principalSchema = z.object({
  auth_typ: z.string().optional(),
  claims: z.array(z.object({ typ: z.string(), val: z.string() })),
});

/**
 * Reads the caller from `x-ms-client-principal` (base64 JSON `{auth_typ, claims: [{typ, val}]}`).
 * The header only counts when App Service Authentication is on: only then does the platform strip
 * a client-sent copy. In Azure mode every function needs it; a local run without authentication
 * lets readers and the bridge through anonymously, never a person's decision.
 */
export function readCaller(
  request: HttpRequest,
  configuration: Configuration,
  policy: CallerPolicy,
): CallerReading {
  if (!configuration.authenticationEnabled) {
    if (policy !== 'person' && configuration.mode === 'local') {
      return { ok: true, caller: { anonymous: true } };
    }
    return {
      ok: false,
      message:
        'App Service Authentication is not enabled for this app, so no caller identity can be trusted; the request is refused.',
    };
  }

  const header = request.headers.get(CLIENT_PRINCIPAL_HEADER);
  const caller = header ? parsePrincipal(header) : undefined;
  if (!caller || (!caller.objectId && !caller.userPrincipalName && !caller.appId)) {
    return {
      ok: false,
      message: 'Sign in first: the request carries no authenticated identity.',
    };
  }
  if (policy === 'bridge' && !isBridge(caller, configuration.bridgeIdentities ?? [])) {
    return {
      ok: false,
      message: 'Only the configured bridge identity may submit incidents.',
    };
  }

  return { ok: true, caller };
}

/** How a caller is named in audit records and messages. */
export function callerName(caller: CallerIdentity): string {
  if (caller.anonymous) return 'anonymous (local, authentication off)';

  return caller.userPrincipalName ?? caller.objectId ?? `app:${caller.appId ?? 'unknown'}`;
}

function isBridge(caller: CallerIdentity, bridgeIdentities: readonly string[]): boolean {
  if (bridgeIdentities.length === 0) return true;
  const allowed = new Set(bridgeIdentities.map((id) => id.toLowerCase()));

  return [caller.objectId, caller.appId].some(
    (id) => id !== undefined && allowed.has(id.toLowerCase()),
  );
}

function parsePrincipal(header: string): CallerIdentity | undefined {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(header, 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = principalSchema.safeParse(decoded);
  if (!parsed.success) return undefined;

  const claims = parsed.data.claims;
  const first = (types: readonly string[]) =>
    claims.find((claim) => types.includes(claim.typ) && claim.val.trim() !== '')?.val.trim();
  const objectId = first(OBJECT_ID_CLAIMS);
  const userPrincipalName = first(UPN_CLAIMS);
  const appId = first(APP_ID_CLAIMS);
  // A token with more than 200 groups carries an overage reference instead of the groups, so such
  // an approver must be listed by object id or UPN (#4).
  const groupIds = claims.filter((claim) => GROUP_CLAIMS.includes(claim.typ)).map((c) => c.val);

  return {
    anonymous: false,
    ...(objectId === undefined ? {} : { objectId }),
    ...(userPrincipalName === undefined ? {} : { userPrincipalName }),
    ...(appId === undefined ? {} : { appId }),
    ...(groupIds.length === 0 ? {} : { groupIds }),
  };
}
