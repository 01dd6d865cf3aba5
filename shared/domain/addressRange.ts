import type { AddressFamily } from './indicator';
import type { IpAddress } from './ipAddress';
import { ADDRESS_BITS, formatIpAddress, parseIpAddress } from './ipAddress';

/** A CIDR block: every address whose first `prefixLength` bits equal the network's. */
export interface AddressRange {
  readonly family: AddressFamily;
  readonly network: bigint;
  readonly prefixLength: number;
  /** Canonical CIDR text, e.g. `10.0.0.0/8`, `2001:db8::/32`. */
  readonly cidr: string;
}

export type RangeParseResult =
  | { readonly ok: true; readonly range: AddressRange }
  | { readonly ok: false; readonly reason: string };

/** A range that no indicator may ever be blocked in, and why. */
export interface SpecialUseRange {
  readonly range: AddressRange;
  /** Short name shown to the operator: `private`, `loopback`, ... */
  readonly kind: string;
  /** Where the rule comes from (an RFC, a vendor's documentation). */
  readonly source: string;
}

function mask(family: AddressFamily, prefixLength: number): bigint {
  const bits = BigInt(ADDRESS_BITS[family]);

  return ((1n << bits) - 1n) ^ ((1n << (bits - BigInt(prefixLength))) - 1n);
}

/**
 * Parses `address/prefix` or a bare address (a host range). Host bits set below the prefix are
 * refused, as Azure refuses them in NSG rules, because the author probably meant another block.
 */
export function parseAddressRange(text: string): RangeParseResult {
  const [addressText = '', prefixText, ...rest] = text.split('/');
  if (rest.length > 0) return { ok: false, reason: `"${text}" has more than one "/"` };

  const parsed = parseIpAddress(addressText);
  if (!parsed.ok) return parsed;
  const { family, value } = parsed.address;
  const bits = ADDRESS_BITS[family];
  if (prefixText !== undefined && !/^(0|[1-9][0-9]{0,2})$/.test(prefixText)) {
    return { ok: false, reason: `prefix length "${prefixText}" of "${text}" is not a number` };
  }
  const prefixLength = prefixText === undefined ? bits : Number(prefixText);
  if (prefixLength > bits) {
    return { ok: false, reason: `prefix length ${prefixLength} of "${text}" exceeds ${bits}` };
  }
  const network = value & mask(family, prefixLength);
  if (network !== value) {
    const suggestion = `${formatIpAddress({ family, value: network })}/${prefixLength}`;
    return {
      ok: false,
      reason: `"${text}" has host bits set below /${prefixLength} (did you mean ${suggestion}?)`,
    };
  }

  return { ok: true, range: rangeOf(family, network, prefixLength) };
}

function rangeOf(family: AddressFamily, network: bigint, prefixLength: number): AddressRange {
  return {
    family,
    network,
    prefixLength,
    cidr: `${formatIpAddress({ family, value: network })}/${prefixLength}`,
  };
}

export function rangeContains(range: AddressRange, address: IpAddress): boolean {
  return (
    range.family === address.family &&
    (address.value & mask(range.family, range.prefixLength)) === range.network
  );
}

function special(cidr: string, kind: string, source: string): SpecialUseRange {
  const parsed = parseAddressRange(cidr);
  if (!parsed.ok) throw new RangeError(`special-use table entry ${cidr}: ${parsed.reason}`);

  return { range: parsed.range, kind, source };
}

/**
 * Ranges that are never a blockable C2 endpoint. Sources: the IANA IPv4 and IPv6 Special-Purpose
 * Address Registries (RFC 6890, https://www.iana.org/assignments/iana-ipv4-special-registry and
 * iana-ipv6-special-registry), the IPv6 address architecture (RFC 4291) and Azure's platform
 * addresses. Sorted most specific first, so the reason names the narrowest range.
 */
export const SPECIAL_USE_RANGES: readonly SpecialUseRange[] = [
  special(
    '168.63.129.16/32',
    'Azure platform address: DNS, DHCP, health probes',
    'Azure virtual network documentation',
  ),
  special(
    '169.254.169.254/32',
    'Azure Instance Metadata Service',
    'Azure virtual network documentation',
  ),
  special('255.255.255.255/32', 'limited broadcast', 'RFC 919, RFC 8190'),
  special('0.0.0.0/8', 'this network, unspecified', 'RFC 791, RFC 1122 §3.2.1.3'),
  special('10.0.0.0/8', 'private', 'RFC 1918'),
  special('100.64.0.0/10', 'shared address space, carrier-grade NAT', 'RFC 6598'),
  special('127.0.0.0/8', 'loopback', 'RFC 1122 §3.2.1.3'),
  special('169.254.0.0/16', 'link-local', 'RFC 3927'),
  special('172.16.0.0/12', 'private', 'RFC 1918'),
  special('192.0.0.0/24', 'IETF protocol assignments', 'RFC 6890 §2.1'),
  special('192.0.2.0/24', 'documentation, TEST-NET-1', 'RFC 5737'),
  special('192.88.99.0/24', 'deprecated 6to4 relay anycast', 'RFC 7526'),
  special('192.168.0.0/16', 'private', 'RFC 1918'),
  special('198.18.0.0/15', 'benchmarking', 'RFC 2544'),
  special('198.51.100.0/24', 'documentation, TEST-NET-2', 'RFC 5737'),
  special('203.0.113.0/24', 'documentation, TEST-NET-3', 'RFC 5737'),
  special('224.0.0.0/4', 'multicast', 'RFC 5771'),
  special('240.0.0.0/4', 'reserved', 'RFC 1112 §4'),
  special('::/128', 'unspecified', 'RFC 4291 §2.5.2'),
  special('::1/128', 'loopback', 'RFC 4291 §2.5.3'),
  special(
    '64:ff9b::/96',
    'NAT64 well-known prefix: the IPv4 address inside is the real endpoint',
    'RFC 6052',
  ),
  special('100::/64', 'discard-only', 'RFC 6666'),
  special('::ffff:0:0/96', 'IPv4-mapped', 'RFC 4291 §2.5.5.2'),
  special('64:ff9b:1::/48', 'local-use NAT64', 'RFC 8215'),
  // The whole IETF block, including Teredo 2001::/32: a Teredo address names a tunnel through a
  // relay, not the endpoint itself, and the block's default is not globally reachable (RFC 6890).
  special(
    '2001::/23',
    'IETF protocol assignments, including Teredo 2001::/32',
    'RFC 2928, RFC 4380',
  ),
  special('2001:db8::/32', 'documentation', 'RFC 3849'),
  special('3fff::/20', 'documentation', 'RFC 9637'),
  special('fe80::/10', 'link-local', 'RFC 4291 §2.5.6'),
  special('fc00::/7', 'unique local', 'RFC 4193'),
  special('ff00::/8', 'multicast', 'RFC 4291 §2.7'),
  // Everything outside global unicast is reserved by the IETF and never routed on the Internet.
  special('::/0', 'not global unicast (outside 2000::/3)', 'RFC 4291 §2.4'),
].sort((a, b) => b.range.prefixLength - a.range.prefixLength);

const GLOBAL_UNICAST = special('2000::/3', 'global unicast', 'RFC 4291 §2.4');

/** The narrowest special-use range that holds the address, if any. */
export function specialUseRangeOf(address: IpAddress): SpecialUseRange | undefined {
  return SPECIAL_USE_RANGES.find(
    (entry) =>
      rangeContains(entry.range, address) &&
      (entry.range.prefixLength > 0 || !rangeContains(GLOBAL_UNICAST.range, address)),
  );
}
