import {
  assessBlockability,
  assessBlockabilityWith,
  parseAllowlist,
} from '../../../shared/domain/blockability';
import { parseIndicator } from '../../../shared/domain/indicatorParser';
import { ValidationError } from '../../../shared/domain/validationError';

// Cases follow the IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890 and updates),
// https://www.iana.org/assignments/iana-ipv4-special-registry and iana-ipv6-special-registry.
describe('blockability', () => {
  it.each([
    ['10.40.8.17:1889', '10.40.8.17 is in 10.0.0.0/8 (private, RFC 1918)'],
    ['172.20.1.1:80', '172.20.1.1 is in 172.16.0.0/12 (private, RFC 1918)'],
    ['192.168.1.1:80', '192.168.1.1 is in 192.168.0.0/16 (private, RFC 1918)'],
    ['127.0.0.1:80', '127.0.0.1 is in 127.0.0.0/8 (loopback, RFC 1122 §3.2.1.3)'],
    ['169.254.10.10:80', '169.254.10.10 is in 169.254.0.0/16 (link-local, RFC 3927)'],
    ['224.0.0.251:5353', '224.0.0.251 is in 224.0.0.0/4 (multicast, RFC 5771)'],
    [
      '100.64.1.1:80',
      '100.64.1.1 is in 100.64.0.0/10 (shared address space, carrier-grade NAT, RFC 6598)',
    ],
    ['192.0.2.10:80', '192.0.2.10 is in 192.0.2.0/24 (documentation, TEST-NET-1, RFC 5737)'],
    ['198.51.100.7:80', '198.51.100.7 is in 198.51.100.0/24 (documentation, TEST-NET-2, RFC 5737)'],
    [
      '203.0.113.40:3389',
      '203.0.113.40 is in 203.0.113.0/24 (documentation, TEST-NET-3, RFC 5737)',
    ],
    [
      '0.0.0.0:80',
      '0.0.0.0 is in 0.0.0.0/8 (this network, unspecified, RFC 791, RFC 1122 §3.2.1.3)',
    ],
    [
      '255.255.255.255:67',
      '255.255.255.255 is in 255.255.255.255/32 (limited broadcast, RFC 919, RFC 8190)',
    ],
    ['198.19.0.1:80', '198.19.0.1 is in 198.18.0.0/15 (benchmarking, RFC 2544)'],
    ['250.1.1.1:80', '250.1.1.1 is in 240.0.0.0/4 (reserved, RFC 1112 §4)'],
    ['192.0.0.9:80', '192.0.0.9 is in 192.0.0.0/24 (IETF protocol assignments, RFC 6890 §2.1)'],
    [
      '192.88.99.1:80',
      '192.88.99.1 is in 192.88.99.0/24 (deprecated 6to4 relay anycast, RFC 7526)',
    ],
    [
      '168.63.129.16:53',
      '168.63.129.16 is in 168.63.129.16/32 (Azure platform address: DNS, DHCP, health probes, Azure virtual network documentation)',
    ],
    [
      '169.254.169.254:80',
      '169.254.169.254 is in 169.254.169.254/32 (Azure Instance Metadata Service, Azure virtual network documentation)',
    ],
    ['[::1]:80', '::1 is in ::1/128 (loopback, RFC 4291 §2.5.3)'],
    ['[::]:80', ':: is in ::/128 (unspecified, RFC 4291 §2.5.2)'],
    ['[fe80::1]:80', 'fe80::1 is in fe80::/10 (link-local, RFC 4291 §2.5.6)'],
    ['[fd12:3456::1]:80', 'fd12:3456::1 is in fc00::/7 (unique local, RFC 4193)'],
    ['[ff02::fb]:5353', 'ff02::fb is in ff00::/8 (multicast, RFC 4291 §2.7)'],
    ['[2001:db8::1]:443', '2001:db8::1 is in 2001:db8::/32 (documentation, RFC 3849)'],
    ['[3fff:1::1]:443', '3fff:1::1 is in 3fff::/20 (documentation, RFC 9637)'],
    [
      '[64:ff9b::c000:221]:80',
      '64:ff9b::c000:221 is in 64:ff9b::/96 (NAT64 well-known prefix: the IPv4 address inside is the real endpoint, RFC 6052)',
    ],
    ['[64:ff9b:1::1]:80', '64:ff9b:1::1 is in 64:ff9b:1::/48 (local-use NAT64, RFC 8215)'],
    ['[100::1]:80', '100::1 is in 100::/64 (discard-only, RFC 6666)'],
    [
      '[2001::1]:80',
      '2001::1 is in 2001::/23 (IETF protocol assignments, including Teredo 2001::/32, RFC 2928, RFC 4380)',
    ],
    [
      '[2001:1ff::1]:80',
      '2001:1ff::1 is in 2001::/23 (IETF protocol assignments, including Teredo 2001::/32, RFC 2928, RFC 4380)',
    ],
    ['[4000::1]:80', '4000::1 is in ::/0 (not global unicast (outside 2000::/3), RFC 4291 §2.4)'],
  ])('refuses to block %s', (text, reason) => {
    expect(assessBlockability(parseIndicator(text), [])).toEqual({ blockable: false, reason });
  });

  it('judges an IPv4-mapped indicator by the IPv4 address it carries', () => {
    expect(assessBlockability(parseIndicator('[::ffff:10.0.0.1]:80'), []).reason).toBe(
      '10.0.0.1 is in 10.0.0.0/8 (private, RFC 1918)',
    );
  });

  it.each(['178.16.52.203:1889', '[2a02:cf40:1::5]:40669', '198.20.0.1:80', '[2001:200::1]:80'])(
    'allows blocking the public endpoint %s',
    (text) => {
      expect(assessBlockability(parseIndicator(text), [])).toEqual({ blockable: true });
    },
  );

  it('refuses to block an address in the configured allowlist, IPv4 or IPv6, address or block', () => {
    const allowlist = parseAllowlist(['178.16.52.0/24', ' 2a02:cf40:1::5 ']);

    expect(assessBlockabilityWith(parseIndicator('178.16.52.203:1889'), allowlist)).toEqual({
      blockable: false,
      reason: '178.16.52.203 is in 178.16.52.0/24 (configured allowlist)',
    });
    expect(assessBlockabilityWith(parseIndicator('[2a02:cf40:1::5]:1'), allowlist).reason).toBe(
      '2a02:cf40:1::5 is in 2a02:cf40:1::5/128 (configured allowlist)',
    );
    expect(assessBlockabilityWith(parseIndicator('178.16.53.1:1'), allowlist).blockable).toBe(true);
  });

  it('lists every malformed allowlist entry in one ValidationError', () => {
    let caught: unknown;
    try {
      parseAllowlist(['10.0.0.0/8', '10.1.2.3/8', 'not-an-ip', '2001:db8::/200']);
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).problems).toEqual([
      'entry 2 "10.1.2.3/8": "10.1.2.3/8" has host bits set below /8 (did you mean 10.0.0.0/8?)',
      'entry 3 "not-an-ip": "not-an-ip" is not an IPv4 or IPv6 address',
      'entry 4 "2001:db8::/200": prefix length 200 of "2001:db8::/200" exceeds 128',
    ]);
  });
});
