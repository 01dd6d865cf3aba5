import { z } from 'zod';

import type { SecurityGroup, SecurityRule } from './securityGroup';
import { ValidationError } from './validationError';

const ranges = z.array(z.string()).readonly().optional();

/**
 * The fields of `securityRules[].properties` the product reads, as ARM returns them; the local NSG
 * documents validate the same fields while keeping every other one.
 */
export const ARM_RULE_PROPERTIES = {
  priority: z.number().int(),
  direction: z.enum(['Inbound', 'Outbound']),
  access: z.enum(['Allow', 'Deny']),
  protocol: z.enum(['Tcp', 'Udp', 'Icmp', 'Esp', 'Ah', '*']),
  description: z.string().optional(),
  sourceAddressPrefix: z.string().optional(),
  sourceAddressPrefixes: ranges,
  sourcePortRange: z.string().optional(),
  sourcePortRanges: ranges,
  destinationAddressPrefix: z.string().optional(),
  destinationAddressPrefixes: ranges,
  destinationPortRange: z.string().optional(),
  destinationPortRanges: ranges,
};

const armSecurityRule = z.object({
  name: z.string().min(1),
  properties: z.object(ARM_RULE_PROPERTIES),
});

const armSecurityGroup = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  etag: z.string().optional(),
  properties: z.object({ securityRules: z.array(armSecurityRule).default([]) }),
});

export type ArmSecurityRule = z.infer<typeof armSecurityRule>;

/**
 * Maps an ARM `networkSecurityGroups` GET document to a SecurityGroup. ARM fills either the
 * singular or the plural address and port field and leaves the other empty; empty ones are
 * dropped. `defaultSecurityRules` (priorities 65000 and above) are left out: no rule in the
 * 100..4096 range can sort after them, so planning never needs them.
 */
export function securityGroupFromArm(document: unknown): SecurityGroup {
  const parsed = armSecurityGroup.safeParse(document);
  if (!parsed.success) {
    throw new ValidationError(
      'NSG document',
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
    );
  }

  const { id, name, etag, properties } = parsed.data;
  return {
    id,
    name,
    ...(etag === undefined ? {} : { etag }),
    rules: properties.securityRules.map(securityRuleFromArm),
  };
}

export function securityRuleFromArm(arm: ArmSecurityRule): SecurityRule {
  const { properties: p } = arm;
  return {
    name: arm.name,
    priority: p.priority,
    direction: p.direction,
    access: p.access,
    protocol: p.protocol,
    ...field('description', p.description),
    ...field('sourceAddressPrefix', nonEmpty(p.sourceAddressPrefix)),
    ...field('sourceAddressPrefixes', nonEmptyList(p.sourceAddressPrefixes)),
    ...field('sourcePortRange', nonEmpty(p.sourcePortRange)),
    ...field('sourcePortRanges', nonEmptyList(p.sourcePortRanges)),
    ...field('destinationAddressPrefix', nonEmpty(p.destinationAddressPrefix)),
    ...field('destinationAddressPrefixes', nonEmptyList(p.destinationAddressPrefixes)),
    ...field('destinationPortRange', nonEmpty(p.destinationPortRange)),
    ...field('destinationPortRanges', nonEmptyList(p.destinationPortRanges)),
  };
}

/** The ARM `securityRules` child resource body for a rule (the PUT one rule at a time sends). */
export function securityRuleToArm(rule: SecurityRule): ArmSecurityRule {
  const { name, ...properties } = rule;
  return { name, properties };
}

function field<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function nonEmptyList(value: readonly string[] | undefined): readonly string[] | undefined {
  return value === undefined || value.length === 0 ? undefined : value;
}
