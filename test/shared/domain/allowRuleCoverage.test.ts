import {
  allowCoversTraffic,
  parseAddress,
  portInRange,
} from '../../../shared/domain/allowRuleCoverage';
import type { BlockedTraffic } from '../../../shared/domain/allowRuleCoverage';
import type { SecurityRule } from '../../../shared/domain/securityGroup';

const v4: BlockedTraffic = {
  address: '178.16.52.203',
  family: 'IPv4',
  port: 1889,
  protocol: 'Tcp',
};
const v6: BlockedTraffic = { address: '2001:db8::5', family: 'IPv6', port: 1889, protocol: 'Tcp' };

function allow(extra: Partial<SecurityRule>): SecurityRule {
  return {
    name: 'Allow-Out',
    priority: 200,
    direction: 'Outbound',
    access: 'Allow',
    protocol: '*',
    destinationAddressPrefix: '*',
    destinationPortRange: '*',
    ...extra,
  };
}

describe('allowCoversTraffic', () => {
  it('is covered by Internet and by any address', () => {
    expect(allowCoversTraffic(allow({ destinationAddressPrefix: 'Internet' }), v4)).toBe(true);
    expect(allowCoversTraffic(allow({ destinationAddressPrefix: 'Internet' }), v6)).toBe(true);
    expect(allowCoversTraffic(allow({}), v4)).toBe(true);
  });

  it('is covered by a CIDR that contains the address and not by one that does not', () => {
    expect(allowCoversTraffic(allow({ destinationAddressPrefix: '178.16.52.0/24' }), v4)).toBe(
      true,
    );
    expect(allowCoversTraffic(allow({ destinationAddressPrefix: '178.16.52.204' }), v4)).toBe(
      false,
    );
    expect(
      allowCoversTraffic(allow({ destinationAddressPrefixes: ['10.0.0.0/8', '178.0.0.0/8'] }), v4),
    ).toBe(true);
    expect(allowCoversTraffic(allow({ destinationAddressPrefix: '2001:db8::/32' }), v6)).toBe(true);
    expect(allowCoversTraffic(allow({ destinationAddressPrefix: '2001:db9::/32' }), v6)).toBe(
      false,
    );
  });

  it('never lets a prefix of one family cover an address of the other', () => {
    expect(allowCoversTraffic(allow({ destinationAddressPrefix: '0.0.0.0/0' }), v6)).toBe(false);
    expect(allowCoversTraffic(allow({ destinationAddressPrefix: '::/0' }), v4)).toBe(false);
  });

  it('reads port ranges and port lists', () => {
    expect(allowCoversTraffic(allow({ destinationPortRange: '1024-65535' }), v4)).toBe(true);
    expect(
      allowCoversTraffic(
        allow({ destinationPortRange: undefined, destinationPortRanges: ['80', '443'] }),
        v4,
      ),
    ).toBe(false);
    expect(
      allowCoversTraffic(
        allow({ destinationPortRange: undefined, destinationPortRanges: ['80', '1800-1900'] }),
        v4,
      ),
    ).toBe(true);
  });

  it('ignores deny rules, inbound rules and other protocols', () => {
    expect(allowCoversTraffic(allow({ access: 'Deny' }), v4)).toBe(false);
    expect(allowCoversTraffic(allow({ direction: 'Inbound' }), v4)).toBe(false);
    expect(allowCoversTraffic(allow({ protocol: 'Udp' }), v4)).toBe(false);
    expect(allowCoversTraffic(allow({ protocol: 'Tcp' }), v4)).toBe(true);
  });

  it('counts unresolvable service tags as covering but not VirtualNetwork or AzureLoadBalancer', () => {
    expect(allowCoversTraffic(allow({ destinationAddressPrefix: 'Storage.WestEurope' }), v4)).toBe(
      true,
    );
    expect(allowCoversTraffic(allow({ destinationAddressPrefix: 'VirtualNetwork' }), v4)).toBe(
      false,
    );
    expect(allowCoversTraffic(allow({ destinationAddressPrefix: 'AzureLoadBalancer' }), v4)).toBe(
      false,
    );
  });

  it('counts a rule aimed at application security groups (no prefix) as covering', () => {
    expect(allowCoversTraffic(allow({ destinationAddressPrefix: undefined }), v4)).toBe(true);
  });
});

describe('portInRange', () => {
  it('includes both ends of a range', () => {
    expect(portInRange(1024, '1024-65535')).toBe(true);
    expect(portInRange(1023, '1024-65535')).toBe(false);
  });
});

describe('parseAddress', () => {
  it('parses IPv4, compressed IPv6 and IPv6 with an embedded dotted quad', () => {
    expect(parseAddress('10.0.0.1')).toEqual({ family: 'IPv4', value: 0x0a000001n });
    expect(parseAddress('::1')).toEqual({ family: 'IPv6', value: 1n });
    expect(parseAddress('::ffff:10.0.0.1')).toEqual({ family: 'IPv6', value: 0xffff0a000001n });
  });

  it('rejects malformed addresses', () => {
    for (const text of ['256.0.0.1', '1.2.3', '1::2::3', '1:2:3:4:5:6:7:8:9', 'gggg::1', '']) {
      expect(parseAddress(text)).toBeUndefined();
    }
  });
});
