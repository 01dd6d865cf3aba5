import { blockExpiryOf } from './blockDescription';
import { blockRuleName, isOurRule } from './ruleName';
import type { SecurityGroup, SecurityRule } from './securityGroup';

/** One of the product's own deny rules, located in its NSG. */
export interface OwnBlock {
  readonly nsgId: string;
  readonly nsgName: string;
  readonly rule: SecurityRule;
  /** From the rule's description; undefined when it carries none that parses. */
  readonly expiresAt?: string;
}

/**
 * Our rules whose expiry has passed at `now` (an expiry equal to now has passed). A rule of ours
 * whose description carries no readable expiry is kept: removing a block nobody can date is a
 * decision for a person (manual unblock), not for the sweep.
 */
export function expiredBlocks(groups: readonly SecurityGroup[], now: string): OwnBlock[] {
  const nowMs = Date.parse(now);
  if (Number.isNaN(nowMs)) throw new RangeError(`now is not an ISO time: ${now}`);

  return ownBlocks(groups).filter(
    (block) => block.expiresAt !== undefined && Date.parse(block.expiresAt) <= nowMs,
  );
}

/**
 * Our rules that block one indicator, for a manual unblock. The indicator key is `ip:port` or
 * `[ipv6]:port`; the rule name is derived from it as the planner derives it.
 */
export function blocksForIndicator(
  groups: readonly SecurityGroup[],
  indicatorKey: string,
): OwnBlock[] {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(indicatorKey.trim());
  if (!match) throw new RangeError(`not an indicator key (ip:port): ${indicatorKey}`);

  const address = (match[1] ?? match[2] ?? '').toLowerCase();
  const name = blockRuleName({ address, port: Number(match[3]) });
  return ownBlocks(groups).filter((block) => block.rule.name === name);
}

/** Every rule of ours in the given NSGs, with its expiry when the description carries one. */
export function ownBlocks(groups: readonly SecurityGroup[]): OwnBlock[] {
  return groups.flatMap((group) =>
    group.rules.filter(isOurRule).map((rule) => {
      const expiresAt = blockExpiryOf(rule);
      return {
        nsgId: group.id,
        nsgName: group.name,
        rule,
        ...(expiresAt === undefined ? {} : { expiresAt }),
      };
    }),
  );
}
