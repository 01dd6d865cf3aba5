import type { Indicator } from '../../../shared/domain/indicator';
import { kqlAddress, kqlPort, kqlString } from '../../../shared/domain/kqlLiteral';

function indicator(address: string, family: Indicator['family']): Indicator {
  return { address, family, port: 443, key: `${address}:443` };
}

describe('kqlAddress', () => {
  it.each([
    ['178.16.52.203', 'IPv4'],
    ['2001:db8::1f', 'IPv6'],
    ['::1', 'IPv6'],
    ['2001:db8:0:0:0:0:2:1', 'IPv6'],
    ['::ffff:178.16.52.203', 'IPv6'],
  ] as const)('renders the canonical address %s as a string literal', (address, family) => {
    expect(kqlAddress(indicator(address, family))).toBe(`"${address}"`);
  });

  it.each([
    ['"; drop', 'IPv4'],
    ['256.1.1.1', 'IPv4'],
    ['1.2.3', 'IPv4'],
    ['01.2.3.4', 'IPv4'],
    ['2001:db8::1f', 'IPv4'],
    ['2001:DB8::1F', 'IPv6'],
    ['1:2:3:4:5:6:7:8:9', 'IPv6'],
    ['1:2:3:4:5:6:7', 'IPv6'],
    ['12345::1', 'IPv6'],
    ['::ffff:999.1.1.1', 'IPv6'],
  ] as const)('refuses %j as %s', (address, family) => {
    expect(() => kqlAddress(indicator(address, family))).toThrow(RangeError);
  });
});

describe('kqlString', () => {
  it('escapes backslashes, quotes and line breaks', () => {
    expect(kqlString('c:\\a "b"\n')).toBe('"c:\\\\a \\"b\\"\\n"');
  });
});

describe('kqlPort', () => {
  it.each([0, 65536, 1.5, NaN])('refuses %s', (port) => {
    expect(() => kqlPort(port)).toThrow(RangeError);
  });

  it('renders a port as an int literal', () => {
    expect(kqlPort(1889)).toBe('1889');
  });
});
