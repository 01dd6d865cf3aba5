import type { Indicator } from './indicator';
import type { IpAddress, IpParseResult } from './ipAddress';
import { formatIpAddress, isIpv4Mapped, parseIpAddress, unmapIpv4 } from './ipAddress';
import { ValidationError } from './validationError';

export type IndicatorParseResult =
  | { readonly ok: true; readonly indicator: Indicator }
  | { readonly ok: false; readonly reason: string };

// Zero-width characters are not white space to JavaScript's \s but hide in copied feeds.
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF\u00AD]/g;
const DEFANGED_DOT = /\[\s*(?:\.|dot)\s*\]|\(\s*(?:\.|dot)\s*\)|\{\s*(?:\.|dot)\s*\}/gi;
const DEFANGED_COLON = /\[\s*(?::|colon)\s*\]|\(\s*(?::|colon)\s*\)|\{\s*(?::|colon)\s*\}/gi;
// hxxp, hXXp, h**p, fxp, and the bracketed "[://]" that some write-ups use.
const DEFANGED_SCHEME = /^(?:h(?:xx|\*\*|tt)ps?|fxp|ftp|sftp|tcp|udp)(?:\[:\/\/\]|:\/\/)/i;

/**
 * Turns a defanged indicator back into plain text: `1[.]2(.)3{dot}4[:]80`, `hxxp://1.2.3.4:80/x`.
 * White space of every kind around the value and invisible characters anywhere are removed.
 */
export function refang(text: string): string {
  return text
    .replace(INVISIBLE, '')
    .trim()
    .replace(DEFANGED_DOT, '.')
    .replace(DEFANGED_COLON, ':')
    .replace(/\[:\/\/\]/g, '://');
}

/** Strips a URL down to its authority (`host:port`), or returns the text when it is not a URL. */
function authorityOf(text: string): { authority: string; isUrl: boolean } {
  const scheme = DEFANGED_SCHEME.exec(text);
  if (!scheme) return { authority: text, isUrl: false };

  const rest = text.slice(scheme[0].length);
  const end = rest.search(/[/?#]/);
  const authority = end < 0 ? rest : rest.slice(0, end);
  const at = authority.lastIndexOf('@');

  return { authority: at < 0 ? authority : authority.slice(at + 1), isUrl: true };
}

function parsePort(text: string): number | string {
  if (!/^[0-9]+$/.test(text)) return `port "${text}" is not a number`;
  if (text.length > 1 && text.startsWith('0')) return `port "${text}" has a leading zero`;
  const port = Number(text);
  if (port < 1 || port > 65535) return `port ${text} is outside 1-65535`;

  return port;
}

/**
 * Splits an unbracketed IPv6 `address:port`. It is unambiguous only when the whole text is not
 * itself an IPv6 address and the text before the last colon is one: `1:2:3:4:5:6:7:8:443` (nine
 * groups) or `2a02:cf40:1::5:40669` (40669 has five digits, so it cannot be a group). In
 * `2001:db8::1:443` the 443 could be the last group, so it is refused.
 */
function splitUnbracketedIpv6(text: string): { address: IpAddress; portText: string } | string {
  if (parseIpAddress(text).ok) {
    return `"${text}" is ambiguous: it is a whole IPv6 address, so the port cannot be told apart; write [address]:port`;
  }

  const colon = text.lastIndexOf(':');
  const head = parseIpAddress(text.slice(0, colon));
  if (!head.ok) return `"${text}" is not an IPv6 address followed by a port: ${head.reason}`;

  return { address: head.address, portText: text.slice(colon + 1) };
}

function splitHostPort(authority: string): { parsed: IpParseResult; portText: string } | string {
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    if (close < 0) return `"${authority}" opens "[" without closing it`;
    const after = authority.slice(close + 1);
    if (after === '') return `"${authority}" has no port`;
    if (!after.startsWith(':')) return `"${authority}" has "${after}" after "]" instead of ":port"`;
    return { parsed: parseIpAddress(authority.slice(1, close)), portText: after.slice(1) };
  }

  const colons = authority.split(':').length - 1;
  if (colons === 0) return `"${authority}" has no port`;
  if (colons === 1) {
    const [host = '', portText = ''] = authority.split(':');
    return { parsed: parseIpAddress(host), portText };
  }
  const split = splitUnbracketedIpv6(authority);
  if (typeof split === 'string') return split;

  return { parsed: { ok: true, address: split.address }, portText: split.portText };
}

export function indicatorKey(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/**
 * Parses one `ip:port` indicator in any common spelling. An IPv4-mapped IPv6 address
 * (`[::ffff:1.2.3.4]:80`) becomes the IPv4 address it carries: that is the host the traffic
 * reaches, and the hunts' tables log it as IPv4.
 */
export function tryParseIndicator(text: string): IndicatorParseResult {
  const plain = refang(text);
  if (plain === '') return { ok: false, reason: 'the value is empty' };
  if (/\s/.test(plain)) return { ok: false, reason: `"${plain}" contains white space` };

  const { authority, isUrl } = authorityOf(plain);
  const split = splitHostPort(authority);
  if (typeof split === 'string') {
    const hint = isUrl ? ' (a URL needs an explicit port to be an ip:port)' : '';
    return { ok: false, reason: `${split}${hint}` };
  }
  if (!split.parsed.ok) return { ok: false, reason: split.parsed.reason };
  const port = parsePort(split.portText);
  if (typeof port === 'string') return { ok: false, reason: port };

  const address = isIpv4Mapped(split.parsed.address)
    ? unmapIpv4(split.parsed.address)
    : split.parsed.address;
  const canonical = formatIpAddress(address);
  return {
    ok: true,
    indicator: {
      address: canonical,
      port,
      family: address.family,
      key: indicatorKey(canonical, port),
    },
  };
}

/** Like tryParseIndicator, for a single value whose failure the caller reports as bad input. */
export function parseIndicator(text: string): Indicator {
  const result = tryParseIndicator(text);
  if (!result.ok) throw new ValidationError(`indicator "${refang(text)}"`, [result.reason]);

  return result.indicator;
}

/**
 * Canonical text of an address as incidents and logs carry it (no port), IPv4-mapped addresses
 * unmapped as for indicators; undefined with the reason when it is not an address.
 */
export function canonicalAddress(
  text: string,
): { ok: true; address: IpAddress; text: string } | { ok: false; reason: string } {
  const parsed = parseIpAddress(refang(text));
  if (!parsed.ok) return parsed;

  const address = unmapIpv4(parsed.address);
  return { ok: true, address, text: formatIpAddress(address) };
}
