import { formatIpAddress, parseIpAddress, unmapIpv4 } from '../../../shared/domain/ipAddress';

function canonical(text: string): string {
  const parsed = parseIpAddress(text);
  if (!parsed.ok) throw new Error(parsed.reason);

  return formatIpAddress(parsed.address);
}

describe('IP address', () => {
  it.each([
    ['1.2.3.4', '1.2.3.4'],
    ['255.255.255.255', '255.255.255.255'],
    ['0.0.0.0', '0.0.0.0'],
    // RFC 5952 §4: lower case, leading zeros dropped, longest zero run compressed, first on a tie.
    ['2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['::', '::'],
    ['::1', '::1'],
    ['1::', '1::'],
    ['fe80::', 'fe80::'],
    ['::ffff:10.0.0.1', '::ffff:10.0.0.1'],
    ['64:ff9b::192.0.2.33', '64:ff9b::c000:221'],
    ['2a02:cf40:1:0:0:0:0:5', '2a02:cf40:1::5'],
  ])('writes %s canonically as %s', (text, expected) => {
    expect(canonical(text)).toBe(expected);
  });

  it.each([
    ['010.1.1.1', 'leading zero'],
    ['1.2.3.256', 'above 255'],
    ['1.2.3', 'four dotted octets'],
    ['1.2.3.4.5', 'four dotted octets'],
    ['1..2.3', 'not a number'],
    ['1:2:3:4:5:6:7:8:9', 'eight 16-bit groups'],
    ['1:2:3:4:5:6:7', 'eight 16-bit groups'],
    ['1::2::3', 'more than once'],
    ['12345::1', '1-4 hex digits'],
    ['fe80::1%eth0', 'zone id'],
    ['1.2.3.4::1', 'IPv4 part before'],
    ['gggg::1', '1-4 hex digits'],
    ['example.com', 'not an IPv4 or IPv6 address'],
    ['', 'empty'],
  ])('refuses %s (%s)', (text, reason) => {
    const parsed = parseIpAddress(text);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.reason).toContain(reason);
  });

  it('unmaps an IPv4-mapped IPv6 address to the IPv4 address it carries', () => {
    const parsed = parseIpAddress('::ffff:178.16.52.203');
    if (!parsed.ok) throw new Error(parsed.reason);

    expect(formatIpAddress(unmapIpv4(parsed.address))).toBe('178.16.52.203');
    expect(unmapIpv4(parsed.address).family).toBe('IPv4');
  });
});
