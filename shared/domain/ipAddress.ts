import type { AddressFamily } from './indicator';

/**
 * An IP address as a number, so that ranges compare exactly. Parsed here rather than with
 * node:net, which the domain may not import, and stricter than node:net: no leading-zero octets,
 * no zone ids.
 */
export interface IpAddress {
  readonly family: AddressFamily;
  readonly value: bigint;
}

export type IpParseResult =
  | { readonly ok: true; readonly address: IpAddress }
  | { readonly ok: false; readonly reason: string };

export const ADDRESS_BITS: Readonly<Record<AddressFamily, number>> = { IPv4: 32, IPv6: 128 };

const IPV4_MAPPED_PREFIX = 0xffffn << 32n;

function failure(reason: string): IpParseResult {
  return { ok: false, reason };
}

function parseIpv4Value(text: string): bigint | string {
  const octets = text.split('.');
  if (octets.length !== 4) return `"${text}" does not have four dotted octets`;

  let value = 0n;
  for (const octet of octets) {
    if (!/^[0-9]{1,3}$/.test(octet)) return `octet "${octet}" of "${text}" is not a number 0-255`;
    // Some resolvers read 010 as octal (8): refuse the spelling rather than guess (RFC 6943 §3.1.1).
    if (octet.length > 1 && octet.startsWith('0')) {
      return `octet "${octet}" of "${text}" has a leading zero`;
    }
    const number = Number(octet);
    if (number > 255) return `octet "${octet}" of "${text}" is above 255`;
    value = (value << 8n) | BigInt(number);
  }

  return value;
}

function parseGroups(part: string, text: string): bigint[] | string {
  if (part === '') return [];

  const groups: bigint[] = [];
  const pieces = part.split(':');
  for (const [index, piece] of pieces.entries()) {
    if (index === pieces.length - 1 && piece.includes('.')) {
      const ipv4 = parseIpv4Value(piece);
      if (typeof ipv4 === 'string') return ipv4;
      groups.push(ipv4 >> 16n, ipv4 & 0xffffn);
      continue;
    }
    if (!/^[0-9a-fA-F]{1,4}$/.test(piece))
      return `group "${piece}" of "${text}" is not 1-4 hex digits`;
    groups.push(BigInt(parseInt(piece, 16)));
  }

  return groups;
}

function parseIpv6Value(text: string): bigint | string {
  if (text.includes('%')) return `"${text}" carries a zone id, which names a local interface`;

  const halves = text.split('::');
  if (halves.length > 2) return `"${text}" uses "::" more than once`;
  const head = parseGroups(halves[0] ?? '', text);
  if (typeof head === 'string') return head;
  const tail = halves.length === 2 ? parseGroups(halves[1] ?? '', text) : [];
  if (typeof tail === 'string') return tail;
  const embeddedIpv4 = /\.[^:]*$/.test(halves[0] ?? '') && halves.length === 2;
  if (embeddedIpv4) return `"${text}" has an IPv4 part before "::"`;

  const count = head.length + tail.length;
  // "::" stands for one or more zero groups (RFC 4291 §2.2), so with it at most 7 groups are written.
  if (halves.length === 2 ? count > 7 : count !== 8) {
    return `"${text}" does not have eight 16-bit groups`;
  }
  const groups = [...head, ...Array<bigint>(8 - count).fill(0n), ...tail];

  return groups.reduce((value, group) => (value << 16n) | group, 0n);
}

/** Parses an exact address (no brackets, no port, no white space) into its family and value. */
export function parseIpAddress(text: string): IpParseResult {
  if (text === '') return failure('the address is empty');

  if (text.includes(':')) {
    const value = parseIpv6Value(text);
    return typeof value === 'string'
      ? failure(value)
      : { ok: true, address: { family: 'IPv6', value } };
  }
  if (/^[0-9.]+$/.test(text)) {
    const value = parseIpv4Value(text);
    return typeof value === 'string'
      ? failure(value)
      : { ok: true, address: { family: 'IPv4', value } };
  }

  return failure(`"${text}" is not an IPv4 or IPv6 address`);
}

/** `::ffff:a.b.c.d` (RFC 4291 §2.5.5.2) is an IPv4 host seen through an IPv6 socket. */
export function isIpv4Mapped(address: IpAddress): boolean {
  return address.family === 'IPv6' && address.value >> 32n === 0xffffn;
}

/** The IPv4 address inside an IPv4-mapped IPv6 address; any other address is returned as is. */
export function unmapIpv4(address: IpAddress): IpAddress {
  if (!isIpv4Mapped(address)) return address;

  return { family: 'IPv4', value: address.value - IPV4_MAPPED_PREFIX };
}

function formatIpv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => ((value >> shift) & 0xffn).toString()).join('.');
}

/** Dotted quad, or RFC 5952 text: lower case, no leading zeros, the longest zero run as "::". */
export function formatIpAddress(address: IpAddress): string {
  if (address.family === 'IPv4') return formatIpv4(address.value);
  // RFC 5952 §5: IPv4-mapped addresses are written with the dotted quad.
  if (isIpv4Mapped(address)) return `::ffff:${formatIpv4(address.value & 0xffffffffn)}`;

  const groups = Array.from(
    { length: 8 },
    (_, index) => (address.value >> BigInt(112 - 16 * index)) & 0xffffn,
  );
  let bestStart = -1;
  let bestLength = 0;
  for (let start = 0; start < 8; start += 1) {
    let length = 0;
    while (start + length < 8 && groups[start + length] === 0n) length += 1;
    // RFC 5952 §4.2.2: a single zero group is not shortened; §4.2.3: the first longest run wins.
    if (length > bestLength && length >= 2) {
      bestStart = start;
      bestLength = length;
    }
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(':');

  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}
