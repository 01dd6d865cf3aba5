import type { Indicator } from './indicator';

/**
 * A KQL string literal. Kusto's double-quoted literal takes backslash escapes for the backslash,
 * the quote and \t \n \r (Kusto docs, "The string data type"); any other control character is
 * refused, since nothing the product renders should contain one.
 */
export function kqlString(value: string): string {
  let body = '';
  for (const char of value) {
    switch (char) {
      case '\\':
        body += '\\\\';
        break;
      case '"':
        body += '\\"';
        break;
      case '\n':
        body += '\\n';
        break;
      case '\r':
        body += '\\r';
        break;
      case '\t':
        body += '\\t';
        break;
      default:
        if (char < ' ' || char === '\u007f') {
          throw new RangeError(
            `refusing a control character (U+${char.charCodeAt(0).toString(16)}) in a KQL literal`,
          );
        }
        body += char;
    }
  }

  return `"${body}"`;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6_CHARS = /^[0-9a-f:.]{2,45}$/;

/**
 * The indicator's address as a KQL literal. Indicators are validated when parsed; this checks the
 * shape again so that nothing but an address can ever reach a query (defence in depth).
 */
export function kqlAddress(indicator: Indicator): string {
  if (!isCanonicalAddress(indicator)) {
    throw new RangeError(
      `not a canonical ${indicator.family} address: ${JSON.stringify(indicator.address)}`,
    );
  }

  return kqlString(indicator.address);
}

function isCanonicalAddress(indicator: Indicator): boolean {
  const address: unknown = indicator.address;
  if (typeof address !== 'string') return false;
  if (indicator.family === 'IPv4') return IPV4.test(address);
  if (indicator.family !== 'IPv6' || !IPV6_CHARS.test(address)) return false;

  const doubleColons = address.split('::').length - 1;
  if (doubleColons > 1) return false;
  const groups = address.split(':').filter((group) => group.length > 0);
  const last = groups[groups.length - 1] ?? '';
  const embeddedV4 = last.includes('.');
  if (embeddedV4 && !IPV4.test(last)) return false;
  const hexGroups = embeddedV4 ? groups.slice(0, -1) : groups;
  if (hexGroups.some((group) => !/^[0-9a-f]{1,4}$/.test(group))) return false;
  const width = hexGroups.length + (embeddedV4 ? 2 : 0);

  return doubleColons === 1 ? width < 8 : width === 8;
}

/** A port as a KQL int literal, after checking it is one. */
export function kqlPort(port: number): string {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RangeError(`not a port: ${String(port)}`);
  }

  return String(port);
}
