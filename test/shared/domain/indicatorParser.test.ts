import fc from 'fast-check';

import {
  indicatorKey,
  parseIndicator,
  refang,
  tryParseIndicator,
} from '../../../shared/domain/indicatorParser';
import { isValidationError } from '../../../shared/domain/validationError';

describe('indicator parser', () => {
  it.each([
    ['178.16.52.203:1889', '178.16.52.203:1889'],
    ['178[.]16[.]52[.]203:1889', '178.16.52.203:1889'],
    ['178(.)16(.)52(.)203:1889', '178.16.52.203:1889'],
    ['178{.}16{.}52{.}203:1889', '178.16.52.203:1889'],
    ['178[dot]16(dot)52{DOT}203:1889', '178.16.52.203:1889'],
    ['178[.]16[.]52[.]203[:]1889', '178.16.52.203:1889'],
    ['hxxp://178[.]16[.]52[.]203:1889/gate.php?id=1', '178.16.52.203:1889'],
    ['hXXps[://]178.16.52.203:443/', '178.16.52.203:443'],
    ['fxp://user@178.16.52.203:21', '178.16.52.203:21'],
    ['http://178.16.52.203:8080#x', '178.16.52.203:8080'],
    ['\u00a0\u200b 178.16.52.203:1889\u3000\u2028\t', '178.16.52.203:1889'],
    ['\ufeff178.16.52.203:1889\u200d', '178.16.52.203:1889'],
    ['[2001:DB8:0:0::1]:443', '[2001:db8::1]:443'],
    ['[2a02:cf40:1::5]:40669', '[2a02:cf40:1::5]:40669'],
    ['2a02:cf40:1::5:40669', '[2a02:cf40:1::5]:40669'],
    ['2001:db8:0:0:0:0:0:1:443', '[2001:db8::1]:443'],
    ['[2001[:]db8[:][:]1]:443', '[2001:db8::1]:443'],
    ['[::ffff:178.16.52.203]:1889', '178.16.52.203:1889'],
    ['hxxp://[2001:db8::1]:8080/x', '[2001:db8::1]:8080'],
  ])('reads %s as %s', (text, key) => {
    expect(parseIndicator(text).key).toBe(key);
  });

  it('refangs [:] in an unbracketed IPv6 value but still refuses the ambiguous result', () => {
    const result = tryParseIndicator('2001[:]db8[:][:]1[:]443');

    expect(result.ok ? '' : result.reason).toContain('"2001:db8::1:443" is ambiguous');
  });

  it('keeps the family and the canonical address', () => {
    expect(parseIndicator('[2001:db8::1]:443')).toEqual({
      address: '2001:db8::1',
      port: 443,
      family: 'IPv6',
      key: '[2001:db8::1]:443',
    });
  });

  it.each([
    ['010.1.1.1:80', 'leading zero'],
    ['1.2.3.4:0', 'outside 1-65535'],
    ['1.2.3.4:65536', 'outside 1-65535'],
    ['1.2.3.4:99999', 'outside 1-65535'],
    ['1.2.3.4:http', 'not a number'],
    ['1.2.3.4:-1', 'not a number'],
    ['1.2.3.4:080', 'leading zero'],
    ['1.2.3.4', 'no port'],
    ['1.2.3.4:', 'not a number'],
    ['hxxp://1.2.3.4/path', 'a URL needs an explicit port'],
    ['2001:db8::1:443', 'ambiguous'],
    ['[2001:db8::1]', 'no port'],
    ['[2001:db8::1]443', 'instead of ":port"'],
    ['[2001:db8::1:443', 'without closing'],
    ['evil.example.com:443', 'not an IPv4 or IPv6 address'],
    ['1.2.3.4 :80', 'white space'],
    ['', 'empty'],
    ['\u200b\u00a0', 'empty'],
  ])('refuses %s (%s)', (text, reason) => {
    const result = tryParseIndicator(text);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toContain(reason);
  });

  it('throws one ValidationError with the reason for a bad value', () => {
    expect(() => parseIndicator('1.2.3.4:0')).toThrow(
      'indicator "1.2.3.4:0" is invalid: port 0 is outside 1-65535',
    );
  });

  it('writes keys with brackets for IPv6 only', () => {
    expect(indicatorKey('1.2.3.4', 80)).toBe('1.2.3.4:80');
    expect(indicatorKey('::1', 80)).toBe('[::1]:80');
  });

  it('refangs without touching an already plain value', () => {
    expect(refang('  1.2.3.4:80  ')).toBe('1.2.3.4:80');
  });

  it('round-trips any IPv4 ip:port through a defanged spelling', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 1, max: 65535 }), (ip, port) => {
        const defanged = `${ip.replaceAll('.', '[.]')}[:]${port}`;
        expect(parseIndicator(defanged).key).toBe(`${ip}:${port}`);
      }),
    );
  });

  it('round-trips any IPv6 address through its key', () => {
    fc.assert(
      fc.property(fc.ipV6(), fc.integer({ min: 1, max: 65535 }), (ip, port) => {
        const first = parseIndicator(`[${ip}]:${port}`);
        expect(parseIndicator(first.key)).toEqual(first);
      }),
    );
  });

  it('never throws anything but ValidationError for random or mutated text', () => {
    const mutated = fc
      .tuple(
        fc.constantFrom('178[.]16[.]52[.]203:1889', '[2001:db8::1]:443', 'hxxp://1.2.3.4:80/x'),
        fc.string(),
        fc.nat(),
      )
      .map(
        ([valid, junk, at]) =>
          valid.slice(0, at % (valid.length + 1)) + junk + valid.slice(at % (valid.length + 1)),
      );
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), mutated), (text) => {
        try {
          parseIndicator(text);
        } catch (error) {
          expect(isValidationError(error)).toBe(true);
        }
      }),
    );
  });
});
