import { rangesOf } from './allowRuleCoverage';
import type { SecurityGroup, SecurityRule } from './securityGroup';

/**
 * Azure networking limits per NSG (Azure subscription and service limits, "Networking limits"):
 * 1,000 security rules, 4,000 source and 4,000 destination addresses or ranges over all rules,
 * and priorities 100 to 4096, unique per direction.
 */
export const NSG_LIMITS = {
  rulesPerGroup: 1000,
  sourcePrefixesPerGroup: 4000,
  destinationPrefixesPerGroup: 4000,
  lowestPriority: 100,
  highestPriority: 4096,
} as const;

export type LimitProblem =
  | { readonly code: 'rule-limit'; readonly reason: string }
  | { readonly code: 'prefix-limit'; readonly reason: string };

/**
 * Checks the group as it would be after `added` rules are written (rules replacing one of the same
 * name count once). Returns the first limit it would break, or undefined.
 */
export function limitProblem(
  group: SecurityGroup,
  added: readonly SecurityRule[],
): LimitProblem | undefined {
  const addedNames = new Set(added.map((rule) => rule.name));
  const after = [...group.rules.filter((rule) => !addedNames.has(rule.name)), ...added];

  if (after.length > NSG_LIMITS.rulesPerGroup) {
    return {
      code: 'rule-limit',
      reason: `${group.name} would hold ${after.length} rules; an NSG holds at most ${NSG_LIMITS.rulesPerGroup}.`,
    };
  }
  const destinations = countPrefixes(after, 'destination');
  if (destinations > NSG_LIMITS.destinationPrefixesPerGroup) {
    return {
      code: 'prefix-limit',
      reason: `${group.name} would hold ${destinations} destination address prefixes; an NSG holds at most ${NSG_LIMITS.destinationPrefixesPerGroup}.`,
    };
  }
  const sources = countPrefixes(after, 'source');
  if (sources > NSG_LIMITS.sourcePrefixesPerGroup) {
    return {
      code: 'prefix-limit',
      reason: `${group.name} would hold ${sources} source address prefixes; an NSG holds at most ${NSG_LIMITS.sourcePrefixesPerGroup}.`,
    };
  }
  return undefined;
}

function countPrefixes(rules: readonly SecurityRule[], side: 'source' | 'destination'): number {
  return rules.reduce(
    (sum, rule) =>
      sum +
      (side === 'source'
        ? rangesOf(rule.sourceAddressPrefix, rule.sourceAddressPrefixes)
        : rangesOf(rule.destinationAddressPrefix, rule.destinationAddressPrefixes)
      ).length,
    0,
  );
}
