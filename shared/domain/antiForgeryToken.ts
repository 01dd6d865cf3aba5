import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The token the approval page puts in its form, so that a decision posted from another site (the
 * browser sends the analyst's sign-in cookie with any form post) is refused. It is an HMAC-SHA256
 * over the analyst, the plan hash, the containment and the expiry: it cannot be reused by another
 * analyst, for another plan or another containment, or after it expires. The key never leaves the
 * server; the token holds no secret and can be shown in the page.
 */
export interface AntiForgeryBinding {
  /** The signed-in analyst as the audit names them (UPN or object id). */
  readonly analyst: string;
  readonly planHash: string;
  readonly instanceId: string;
}

export type AntiForgeryCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: AntiForgeryRefusal; readonly message: string };

export type AntiForgeryRefusal =
  'missing-token' | 'malformed-token' | 'expired-token' | 'forged-token';

/** HMAC-SHA256 wants a key at least as long as its output (RFC 2104, section 3). */
export const ANTI_FORGERY_KEY_BYTES = 32;
const VERSION = 'v1';

export function issueAntiForgeryToken(
  key: Uint8Array,
  binding: AntiForgeryBinding,
  expiresAt: Date,
): string {
  checkKey(key);
  const expiry = String(expiresAt.getTime());

  return `${VERSION}.${expiry}.${sign(key, binding, expiry)}`;
}

export function verifyAntiForgeryToken(
  key: Uint8Array,
  binding: AntiForgeryBinding,
  token: string | undefined,
  now: Date,
): AntiForgeryCheck {
  checkKey(key);
  if (token === undefined || token.trim() === '') {
    return refused(
      'missing-token',
      'The decision carries no form token, so it cannot be told apart from a forged request; open the approval page and decide from there.',
    );
  }
  const match = /^v1\.(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(token.trim());
  if (!match) {
    return refused(
      'malformed-token',
      'The form token is not one this product issued; open the approval page again and decide from there.',
    );
  }

  const [, expiry = '', mac = ''] = match;
  const expected = Buffer.from(sign(key, binding, expiry), 'utf8');
  const given = Buffer.from(mac, 'utf8');
  if (!timingSafeEqual(expected, given)) {
    return refused(
      'forged-token',
      'The form token was issued to another analyst, for another plan or another containment; open the approval page again and decide from there.',
    );
  }
  if (now.getTime() >= Number(expiry)) {
    return refused(
      'expired-token',
      `The approval page was opened too long ago (its form expired at ${new Date(Number(expiry)).toISOString()}); open it again to see the current plan.`,
    );
  }

  return { ok: true };
}

function sign(key: Uint8Array, binding: AntiForgeryBinding, expiry: string): string {
  // Length-prefixed fields, so that no two bindings serialise to the same text.
  const fields = [
    VERSION,
    binding.analyst.toLowerCase(),
    binding.planHash,
    binding.instanceId,
    expiry,
  ];
  const message = fields.map((field) => `${field.length}:${field}`).join('|');

  return createHmac('sha256', key).update(message, 'utf8').digest('base64url');
}

function checkKey(key: Uint8Array): void {
  if (key.length < ANTI_FORGERY_KEY_BYTES) {
    throw new RangeError(`an anti-forgery key needs at least ${ANTI_FORGERY_KEY_BYTES} bytes`);
  }
}

function refused(code: AntiForgeryRefusal, message: string): AntiForgeryCheck {
  return { ok: false, code, message };
}
