import { retryAfterMs } from '../../../../shared/adapters/azure/armErrors';

function headers(values: Record<string, string>): (name: string) => string | undefined {
  return (name) => values[name];
}

describe('retryAfterMs', () => {
  it('prefers the millisecond headers over Retry-After', () => {
    expect(retryAfterMs(headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
    expect(retryAfterMs(headers({ 'x-ms-retry-after-ms': '40' }))).toBe(40);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-12-03T10:00:00Z');

    expect(retryAfterMs(headers({ 'retry-after': '10' }), now)).toBe(10_000);
    expect(retryAfterMs(headers({ 'retry-after': 'Thu, 03 Dec 2026 10:00:05 GMT' }), now)).toBe(
      5_000,
    );
    expect(retryAfterMs(headers({ 'retry-after': 'Thu, 03 Dec 2026 09:00:00 GMT' }), now)).toBe(0);
  });

  it('is undefined without a usable header', () => {
    expect(retryAfterMs(headers({}))).toBeUndefined();
    expect(retryAfterMs(headers({ 'retry-after': 'soon' }))).toBeUndefined();
  });
});
