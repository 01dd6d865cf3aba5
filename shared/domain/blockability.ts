import type { AddressRange } from './addressRange';
import { parseAddressRange, rangeContains, specialUseRangeOf } from './addressRange';
import type { Blockability, Indicator } from './indicator';
import { parseIpAddress } from './ipAddress';
import { ValidationError } from './validationError';

/** The operator's allowlist, parsed once: addresses and CIDR blocks, IPv4 and IPv6. */
export interface Allowlist {
  readonly ranges: readonly AddressRange[];
}

/** Parses every entry; one ValidationError names every malformed entry, so one fix covers all. */
export function parseAllowlist(entries: readonly string[]): Allowlist {
  const ranges: AddressRange[] = [];
  const problems: string[] = [];
  for (const [index, entry] of entries.entries()) {
    const parsed = parseAddressRange(entry.trim());
    if (parsed.ok) ranges.push(parsed.range);
    else problems.push(`entry ${index + 1} "${entry}": ${parsed.reason}`);
  }
  if (problems.length > 0) throw new ValidationError('allowlist', problems);

  return { ranges };
}

/**
 * Whether blocking the indicator is ever allowed. Special-use ranges come first, then the
 * allowlist; the reason names the range so that the operator sees why.
 */
export function assessBlockabilityWith(indicator: Indicator, allowlist: Allowlist): Blockability {
  const parsed = parseIpAddress(indicator.address);
  if (!parsed.ok)
    return { blockable: false, reason: `${indicator.address} is not an address: ${parsed.reason}` };

  const special = specialUseRangeOf(parsed.address);
  if (special) {
    return {
      blockable: false,
      reason: `${indicator.address} is in ${special.range.cidr} (${special.kind}, ${special.source})`,
    };
  }
  const allowed = allowlist.ranges.find((range) => rangeContains(range, parsed.address));
  if (allowed) {
    return {
      blockable: false,
      reason: `${indicator.address} is in ${allowed.cidr} (configured allowlist)`,
    };
  }

  return { blockable: true };
}

/** assessBlockabilityWith for an allowlist as configured; throws ValidationError for a bad entry. */
export function assessBlockability(
  indicator: Indicator,
  allowlist: readonly string[],
): Blockability {
  return assessBlockabilityWith(indicator, parseAllowlist(allowlist));
}
