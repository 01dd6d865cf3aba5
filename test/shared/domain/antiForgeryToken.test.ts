import {
  issueAntiForgeryToken,
  verifyAntiForgeryToken,
} from '../../../shared/domain/antiForgeryToken';

const KEY = Buffer.alloc(32, 7);
const OTHER_KEY = Buffer.alloc(32, 8);
const BINDING = {
  analyst: 'soc.analyst@contoso.com',
  planHash: 'a3f9c1d2e4b5a6978877665544332211a3f9c1d2e4b5a6978877665544332211',
  instanceId: 'contain-178.16.52.203_1889',
};
const ISSUED = new Date('2026-12-03T10:00:00.000Z');
const EXPIRES = new Date('2026-12-03T11:00:00.000Z');

describe('anti-forgery token', () => {
  const token = issueAntiForgeryToken(KEY, BINDING, EXPIRES);

  it('accepts the token it issued, for the same analyst, plan and containment', () => {
    expect(verifyAntiForgeryToken(KEY, BINDING, token, ISSUED)).toEqual({ ok: true });
  });

  it('treats the analyst name without regard to case, as the approver list does', () => {
    const binding = { ...BINDING, analyst: 'SOC.Analyst@Contoso.com' };

    expect(verifyAntiForgeryToken(KEY, binding, token, ISSUED)).toEqual({ ok: true });
  });

  it.each([
    ['another analyst', { ...BINDING, analyst: 'intern@contoso.com' }],
    ['another plan', { ...BINDING, planHash: 'b'.repeat(64) }],
    ['another containment', { ...BINDING, instanceId: 'contain-203.0.113.77_8808' }],
  ])('refuses the token for %s', (_, binding) => {
    const check = verifyAntiForgeryToken(KEY, binding, token, ISSUED);

    expect(check).toMatchObject({ ok: false, code: 'forged-token' });
  });

  it('refuses a token signed with another key', () => {
    const forged = issueAntiForgeryToken(OTHER_KEY, BINDING, EXPIRES);

    expect(verifyAntiForgeryToken(KEY, BINDING, forged, ISSUED)).toMatchObject({
      ok: false,
      code: 'forged-token',
    });
  });

  it('refuses a token whose expiry was moved later', () => {
    const [version, , mac] = token.split('.');
    const moved = `${version}.${EXPIRES.getTime() + 3_600_000}.${mac}`;

    expect(verifyAntiForgeryToken(KEY, BINDING, moved, ISSUED)).toMatchObject({
      ok: false,
      code: 'forged-token',
    });
  });

  it('refuses a valid token from its expiry on, saying when it expired', () => {
    const check = verifyAntiForgeryToken(KEY, BINDING, token, EXPIRES);

    expect(check).toEqual({
      ok: false,
      code: 'expired-token',
      message:
        'The approval page was opened too long ago (its form expired at 2026-12-03T11:00:00.000Z); open it again to see the current plan.',
    });
  });

  it.each([undefined, '', '   '])('refuses a missing token (%p)', (missing) => {
    expect(verifyAntiForgeryToken(KEY, BINDING, missing, ISSUED)).toMatchObject({
      ok: false,
      code: 'missing-token',
    });
  });

  it.each(['v1.abc.def', 'v2.1.xyz', `${token}x`, 'not a token'])(
    'refuses a token of another shape (%s)',
    (malformed) => {
      expect(verifyAntiForgeryToken(KEY, BINDING, malformed, ISSUED)).toMatchObject({
        ok: false,
        code: 'malformed-token',
      });
    },
  );

  it('refuses a key shorter than the hash output', () => {
    expect(() => issueAntiForgeryToken(Buffer.alloc(16), BINDING, EXPIRES)).toThrow(RangeError);
  });
});
