import { z } from 'zod';

import { ARM_RULE_PROPERTIES } from '../../domain/armSecurityGroup';
import type { SecurityRule } from '../../domain/securityGroup';
import { ValidationError } from '../../domain/validationError';

/**
 * An NSG document in the ARM GET shape (Microsoft.Network/networkSecurityGroups): rule fields live
 * under `properties`, and ARM returns both the singular and the plural form of every address and
 * port field. Unknown fields (location, tags, subnets, defaultSecurityRules) are kept as they are,
 * so the stored document stays what ARM would return. The mapping to a SecurityGroup is the
 * domain's (armSecurityGroup.ts); this file reads and writes the whole document.
 */
const armRuleSchema = z.looseObject({
  name: z.string(),
  id: z.string().optional(),
  etag: z.string().optional(),
  type: z.string().optional(),
  properties: z.looseObject(ARM_RULE_PROPERTIES),
});

const armNsgSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  etag: z.string().optional(),
  properties: z.looseObject({
    securityRules: z.array(armRuleSchema).default([]),
  }),
});

export type ArmSecurityRule = z.infer<typeof armRuleSchema>;
export type ArmNsgDocument = z.infer<typeof armNsgSchema>;

export function parseArmNsgDocument(value: unknown, source: string): ArmNsgDocument {
  const parsed = armNsgSchema.safeParse(value);
  if (!parsed.success) {
    throw new ValidationError(
      `NSG document ${source}`,
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    );
  }

  return parsed.data;
}

/**
 * The rule as ARM stores it: for each address and port pair, a non-empty list becomes the plural
 * field and the singular one is left out; otherwise the singular field is set and the plural is [].
 */
export function armRuleDocument(nsgId: string, rule: SecurityRule, etag: string): ArmSecurityRule {
  return {
    name: rule.name,
    id: `${nsgId}/securityRules/${rule.name}`,
    etag,
    type: 'Microsoft.Network/networkSecurityGroups/securityRules',
    properties: withoutUndefined({
      provisioningState: 'Succeeded',
      description: rule.description,
      protocol: rule.protocol,
      ...pair(['sourcePortRange', 'sourcePortRanges'], rule.sourcePortRange, rule.sourcePortRanges),
      ...pair(
        ['destinationPortRange', 'destinationPortRanges'],
        rule.destinationPortRange,
        rule.destinationPortRanges,
      ),
      ...pair(
        ['sourceAddressPrefix', 'sourceAddressPrefixes'],
        rule.sourceAddressPrefix,
        rule.sourceAddressPrefixes,
      ),
      ...pair(
        ['destinationAddressPrefix', 'destinationAddressPrefixes'],
        rule.destinationAddressPrefix,
        rule.destinationAddressPrefixes,
      ),
      access: rule.access,
      priority: rule.priority,
      direction: rule.direction,
    }) as ArmSecurityRule['properties'],
  };
}

function pair(
  [singularName, pluralName]: readonly [string, string],
  singular: string | undefined,
  plural: readonly string[] | undefined,
): Record<string, string | string[]> {
  if (plural && plural.length > 0) return { [pluralName]: [...plural] };
  return singular === undefined
    ? { [pluralName]: [] }
    : { [singularName]: singular, [pluralName]: [] };
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}
