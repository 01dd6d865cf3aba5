import type { Indicator } from './indicator';
import type { SecurityRule } from './securityGroup';

/** Every rule the product writes starts with this; a rule without it is foreign and never touched. */
export const OUR_RULE_PREFIX = 'c2r-';

/** ARM security rule names: at most 80 characters (Microsoft.Network naming rules). */
export const MAX_RULE_NAME_LENGTH = 80;

// Letters, digits, '_', '.', '-'; starts with a letter or digit, ends with a letter, digit or '_'.
const VALID_RULE_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$/;

/**
 * The deny rule's name, derived from the indicator alone so that a later incident on the same
 * endpoint finds the rule an earlier one wrote. ':' is not allowed in a rule name, so an IPv6
 * address spells its colons as '_' (`c2r-deny-2001_db8__1-443`).
 */
export function blockRuleName(indicator: Pick<Indicator, 'address' | 'port'>): string {
  const name = `${OUR_RULE_PREFIX}deny-${indicator.address.replace(/:/g, '_')}-${indicator.port}`;

  if (!isValidRuleName(name)) {
    throw new RangeError(`cannot derive a valid NSG rule name from ${indicator.address}`);
  }
  return name;
}

export function isValidRuleName(name: string): boolean {
  return name.length <= MAX_RULE_NAME_LENGTH && VALID_RULE_NAME.test(name);
}

export function isOurRule(rule: Pick<SecurityRule, 'name'>): boolean {
  return rule.name.startsWith(OUR_RULE_PREFIX);
}
