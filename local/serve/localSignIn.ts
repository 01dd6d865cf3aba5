import type { IncomingHttpHeaders } from 'node:http';

import { CLIENT_PRINCIPAL_HEADER } from '../../triggers/callerIdentity';

/**
 * The local stand-in for App Service Authentication: it trusts the analyst name a request names,
 * from a header (scripts, tests) or from the cookie the sign-in form sets, and builds the
 * `x-ms-client-principal` header that the functions read in Azure. A client-sent principal header
 * is always dropped, as the platform does. For local use only: anyone who reaches the port can
 * claim any name, which is why the server listens on 127.0.0.1 only.
 */
export const ANALYST_HEADER = 'x-c2r-local-analyst';
export const ANALYST_COOKIE = 'c2r-local-analyst';

/** UPN-like names only: they reach audit records and pages. */
const ANALYST_NAME = /^[A-Za-z0-9._%+@-]{1,200}$/;

export function isAnalystName(name: string): boolean {
  return ANALYST_NAME.test(name);
}

export function analystOf(headers: IncomingHttpHeaders): string | undefined {
  const fromHeader = headers[ANALYST_HEADER];
  const named = typeof fromHeader === 'string' ? fromHeader.trim() : cookieValue(headers.cookie);

  return named !== undefined && isAnalystName(named) ? named : undefined;
}

/** The request headers the functions see: the principal header from the local sign-in, only. */
export function signedInHeaders(
  headers: IncomingHttpHeaders,
  analyst: string | undefined,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name === CLIENT_PRINCIPAL_HEADER || name === ANALYST_HEADER) {
      continue;
    }
    result[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  if (analyst !== undefined) result[CLIENT_PRINCIPAL_HEADER] = principalOf(analyst);

  return result;
}

/** The cookie the sign-in form sets: not readable by scripts, never sent by another site. */
export function analystCookie(analyst: string | undefined): string {
  const value = analyst === undefined ? '' : encodeURIComponent(analyst);
  const expiry = analyst === undefined ? '; Max-Age=0' : '';

  return `${ANALYST_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict${expiry}`;
}

function principalOf(analyst: string): string {
  const principal = {
    auth_typ: 'local',
    claims: [{ typ: 'preferred_username', val: analyst }],
    name_typ: 'preferred_username',
    role_typ: 'roles',
  };
  return Buffer.from(JSON.stringify(principal), 'utf8').toString('base64');
}

function cookieValue(cookie: string | undefined): string | undefined {
  for (const part of (cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === ANALYST_COOKIE) {
      try {
        return decodeURIComponent(value.join('='));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
