import { isOurRule } from '../domain/ruleName';
import type { SecurityRule } from '../domain/securityGroup';
import type { NetworkSecurityGroups } from '../ports/networkSecurityGroups';
import { processWriteQueue } from './nsgWriteQueue';
import type { NsgWriteQueue } from './nsgWriteQueue';
import { busyBackoffMs, defaultSleep, isBusy, retryAfterOf } from './firewallRetry';

export interface RemovalOptions {
  readonly sleep: (ms: number) => Promise<void>;
  /** Delete attempts per rule while the NSG answers busy. */
  readonly maxAttempts: number;
  /** Serialises work per NSG in this process; defaults to the process-wide queue. */
  readonly writeQueue?: NsgWriteQueue;
}

export interface RuleRemoval {
  readonly ruleName: string;
  /**
   * `removed`: it was there and is deleted; `absent`: it was not there (nothing to do);
   * `refused-foreign`: not one of our rules, left alone; `failed`: still busy after every attempt.
   */
  readonly outcome: 'removed' | 'absent' | 'refused-foreign' | 'failed';
  /** The rule as it was before the delete, for the audit record. */
  readonly before?: SecurityRule;
  readonly attempts: number;
}

export interface BlockRemoval {
  readonly nsgId: string;
  readonly nsgName: string;
  readonly ok: boolean;
  readonly rules: readonly RuleRemoval[];
}

/**
 * Deletes our named block rules from one NSG (expiry and manual unblock). A name without our
 * prefix is refused, whatever the caller sent: foreign rules are never touched. Deleting a rule
 * that is already gone is fine, so a retried removal converges.
 */
export async function removeBlocks(
  port: NetworkSecurityGroups,
  nsgId: string,
  ruleNames: readonly string[],
  options: RemovalOptions = { sleep: defaultSleep, maxAttempts: 5 },
): Promise<BlockRemoval> {
  if (!Number.isInteger(options.maxAttempts) || options.maxAttempts < 1) {
    throw new RangeError('maxAttempts must be a positive integer');
  }
  const queue = options.writeQueue ?? processWriteQueue;
  return queue.run(nsgId, () => removeFromGroup(port, nsgId, ruleNames, options));
}

async function removeFromGroup(
  port: NetworkSecurityGroups,
  nsgId: string,
  ruleNames: readonly string[],
  options: RemovalOptions,
): Promise<BlockRemoval> {
  const group = await port.get(nsgId);

  const rules: RuleRemoval[] = [];
  for (const ruleName of [...new Set(ruleNames)]) {
    const before = group.rules.find((rule) => rule.name === ruleName);
    if (!isOurRule({ name: ruleName })) {
      rules.push({ ruleName, outcome: 'refused-foreign', attempts: 0 });
    } else if (!before) {
      rules.push({ ruleName, outcome: 'absent', attempts: 0 });
    } else {
      rules.push({ ...(await deleteWithRetry(port, nsgId, ruleName, options)), before });
    }
  }

  return {
    nsgId,
    nsgName: group.name,
    ok: rules.every((rule) => rule.outcome !== 'failed'),
    rules,
  };
}

async function deleteWithRetry(
  port: NetworkSecurityGroups,
  nsgId: string,
  ruleName: string,
  options: RemovalOptions,
): Promise<RuleRemoval> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await port.deleteRule(nsgId, ruleName);
      return { ruleName, outcome: 'removed', attempts: attempt };
    } catch (error) {
      if (!isBusy(error)) throw error;
      if (attempt >= options.maxAttempts) return { ruleName, outcome: 'failed', attempts: attempt };
      await options.sleep(busyBackoffMs(attempt, retryAfterOf(error)));
    }
  }
}
