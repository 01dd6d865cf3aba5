import type { AddressFamily } from './indicator';
import type { RuleProtocol, SecurityRule } from './securityGroup';

/** The traffic a deny rule must stop: one destination address and port over one protocol. */
export interface BlockedTraffic {
  readonly address: string;
  readonly family: AddressFamily;
  readonly port: number;
  readonly protocol: Exclude<RuleProtocol, '*'>;
}

/**
 * Service tags that cannot hold a public C2 address the product is allowed to block: they name
 * the virtual network's own space and the load balancer's probe address (Azure service tags).
 */
const TAGS_NOT_COVERING = new Set(['virtualnetwork', 'azureloadbalancer']);

/**
 * Could this Outbound Allow rule let the traffic out? Answers yes whenever it cannot tell: a
 * service tag it cannot resolve, a rule aimed at application security groups. A deny placed
 * too early costs nothing; one placed after a covering allow blocks nothing.
 */
export function allowCoversTraffic(rule: SecurityRule, traffic: BlockedTraffic): boolean {
  if (rule.access !== 'Allow' || rule.direction !== 'Outbound') return false;
  if (rule.protocol !== '*' && rule.protocol !== traffic.protocol) return false;

  const ports = rangesOf(rule.destinationPortRange, rule.destinationPortRanges);
  const prefixes = rangesOf(rule.destinationAddressPrefix, rule.destinationAddressPrefixes);
  const portMatches = ports.length === 0 || ports.some((range) => portInRange(traffic.port, range));
  const addressMatches =
    prefixes.length === 0 || prefixes.some((prefix) => prefixCovers(prefix, traffic));

  return portMatches && addressMatches;
}

/** ARM rules carry either the singular or the plural field (the other empty); merge them. */
export function rangesOf(
  single: string | undefined,
  plural: readonly string[] | undefined,
): string[] {
  const all = [...(single === undefined || single === '' ? [] : [single]), ...(plural ?? [])];
  return all.map((item) => item.trim()).filter((item) => item !== '');
}

export function portInRange(port: number, range: string): boolean {
  if (range === '*') return true;

  const match = /^(\d+)(?:-(\d+))?$/.exec(range);
  if (!match) return true;
  const low = Number(match[1]);
  const high = match[2] === undefined ? low : Number(match[2]);
  return port >= low && port <= high;
}

function prefixCovers(prefix: string, traffic: BlockedTraffic): boolean {
  const lower = prefix.toLowerCase();
  if (lower === '*' || lower === 'any' || lower === 'internet') return true;
  if (TAGS_NOT_COVERING.has(lower)) return false;

  const network = parseCidr(prefix);
  if (!network) return true;
  if (network.family !== traffic.family) return false;
  const address = parseAddress(traffic.address);
  if (!address || address.family !== traffic.family) return true;
  return sameNetwork(address.value, network.value, network.length, network.family);
}

interface ParsedAddress {
  readonly family: AddressFamily;
  readonly value: bigint;
}

interface ParsedNetwork extends ParsedAddress {
  readonly length: number;
}

function parseCidr(text: string): ParsedNetwork | undefined {
  const [base = '', lengthText, extra] = text.split('/');
  if (extra !== undefined) return undefined;
  const address = parseAddress(base);
  if (!address) return undefined;

  const bits = address.family === 'IPv4' ? 32 : 128;
  if (lengthText === undefined) return { ...address, length: bits };
  if (!/^\d{1,3}$/.test(lengthText)) return undefined;
  const length = Number(lengthText);
  return length <= bits ? { ...address, length } : undefined;
}

/** Parses a dotted quad or an IPv6 address (with `::`, optionally ending in a dotted quad). */
export function parseAddress(text: string): ParsedAddress | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { family: 'IPv4', value: v4 };
  const v6 = parseIpv6(text);
  return v6 === undefined ? undefined : { family: 'IPv6', value: v6 };
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;

  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = (value << 8n) | BigInt(Number(part));
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;

  const groupsOf = (part: string | undefined): string[] | undefined => {
    if (part === undefined || part === '') return [];
    const groups = part.split(':');
    const last = groups.at(-1) ?? '';
    if (last.includes('.')) {
      const v4 = parseIpv4(last);
      if (v4 === undefined) return undefined;
      groups.splice(-1, 1, ((v4 >> 16n) & 0xffffn).toString(16), (v4 & 0xffffn).toString(16));
    }
    return groups.every((group) => /^[0-9a-fA-F]{1,4}$/.test(group)) ? groups : undefined;
  };
  const head = groupsOf(halves[0]);
  const tail = groupsOf(halves[1]);
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;

  const groups = [...head, ...Array<string>(halves.length === 1 ? 0 : missing).fill('0'), ...tail];
  return groups.reduce((value, group) => (value << 16n) | BigInt(parseInt(group, 16)), 0n);
}

function sameNetwork(
  address: bigint,
  network: bigint,
  length: number,
  family: AddressFamily,
): boolean {
  const bits = BigInt(family === 'IPv4' ? 32 : 128);
  const shift = bits - BigInt(length);
  return address >> shift === network >> shift;
}
