import {
  parseAddressRange,
  rangeContains,
  specialUseRangeOf,
} from '../../../shared/domain/addressRange';
import { parseIpAddress } from '../../../shared/domain/ipAddress';

function address(text: string) {
  const parsed = parseIpAddress(text);
  if (!parsed.ok) throw new Error(parsed.reason);

  return parsed.address;
}

describe('address range', () => {
  it('parses a CIDR block and a bare address as a host range', () => {
    const block = parseAddressRange('10.0.0.0/8');
    const host = parseAddressRange('2001:DB8::1');

    expect(block.ok && block.range.cidr).toBe('10.0.0.0/8');
    expect(host.ok && host.range.cidr).toBe('2001:db8::1/128');
  });

  it.each([
    ['10.1.2.3/8', 'host bits set below /8 (did you mean 10.0.0.0/8?)'],
    ['10.0.0.0/33', 'exceeds 32'],
    ['2001:db8::/129', 'exceeds 128'],
    ['10.0.0.0/x', 'not a number'],
    ['10.0.0.0/08', 'not a number'],
    ['10.0.0.0/8/9', 'more than one "/"'],
    ['nonsense/8', 'not an IPv4 or IPv6 address'],
  ])('refuses %s', (text, reason) => {
    const parsed = parseAddressRange(text);
    expect(parsed.ok ? '' : parsed.reason).toContain(reason);
  });

  it('contains only addresses of its own family and prefix', () => {
    const parsed = parseAddressRange('172.16.0.0/12');
    if (!parsed.ok) throw new Error(parsed.reason);

    expect(rangeContains(parsed.range, address('172.31.255.255'))).toBe(true);
    expect(rangeContains(parsed.range, address('172.32.0.0'))).toBe(false);
    expect(rangeContains(parsed.range, address('::ffff:172.16.0.1'))).toBe(false);
  });

  it('names the narrowest special-use range, so Azure platform addresses are named as such', () => {
    expect(specialUseRangeOf(address('169.254.169.254'))?.kind).toBe(
      'Azure Instance Metadata Service',
    );
    expect(specialUseRangeOf(address('169.254.1.1'))?.kind).toBe('link-local');
    expect(specialUseRangeOf(address('255.255.255.255'))?.kind).toBe('limited broadcast');
  });

  it('leaves public addresses and global unicast IPv6 outside every special-use range', () => {
    expect(specialUseRangeOf(address('178.16.52.203'))).toBeUndefined();
    expect(specialUseRangeOf(address('2a02:cf40:1::5'))).toBeUndefined();
  });

  it('treats IPv6 outside 2000::/3 as reserved', () => {
    expect(specialUseRangeOf(address('4000::1'))?.range.cidr).toBe('::/0');
  });
});
