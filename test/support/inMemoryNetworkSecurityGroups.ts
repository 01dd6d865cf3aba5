import { isValidRuleName } from '../../shared/domain/ruleName';
import type { SecurityGroup, SecurityRule } from '../../shared/domain/securityGroup';
import type { NetworkSecurityGroups } from '../../shared/ports/networkSecurityGroups';
import {
  FirewallBusyError,
  NotFoundError,
  PriorityTakenError,
  RuleLimitError,
} from '../../shared/ports/portErrors';

/** Called before a write is applied; may change the NSG through `fake.addRule`, as another writer would. */
export type WriteHook = (
  fake: InMemoryNetworkSecurityGroups,
  write: { readonly nsgId: string; readonly kind: 'put' | 'delete'; readonly ruleName: string },
) => void;

export interface InMemoryOptions {
  /**
   * Makes each write take this long (awaited) while it holds the NSG; a second write to the same
   * NSG meanwhile fails with FirewallBusyError, as ARM answers 429/409 to concurrent operations.
   * Without it, writes complete at once and never collide.
   */
  readonly writeDuration?: () => Promise<void>;
  /** The Retry-After a busy answer carries. */
  readonly busyRetryAfterMs?: number;
}

/**
 * An NSG service in memory that behaves as ARM does for the `securityRules` child resource:
 * priorities unique per direction (PriorityTakenError, ARM SecurityRuleConflict), at most 1,000
 * rules per NSG (RuleLimitError), priorities 100..4096 and valid names (RangeError, ARM 400),
 * unknown NSG (NotFoundError), a PUT of an existing name replaces that rule, a DELETE of a
 * missing rule succeeds. Tests can inject busy answers and a concurrent writer, and read what was
 * called.
 */
export class InMemoryNetworkSecurityGroups implements NetworkSecurityGroups {
  /** Every call in order, including refused ones. */
  readonly calls: { kind: 'get' | 'put' | 'delete'; nsgId: string; ruleName?: string }[] = [];

  private readonly groups = new Map<string, SecurityGroup>();
  private readonly busyAnswers = new Map<string, number>();
  private readonly writing = new Set<string>();
  private hook: WriteHook | undefined;
  private version = 0;

  constructor(
    groups: readonly SecurityGroup[],
    private readonly options: InMemoryOptions = {},
  ) {
    for (const group of groups) this.groups.set(group.id, clone(group));
  }

  async get(nsgId: string): Promise<SecurityGroup> {
    this.calls.push({ kind: 'get', nsgId });
    return clone(this.group(nsgId));
  }

  async putRule(nsgId: string, rule: SecurityRule): Promise<SecurityRule> {
    this.calls.push({ kind: 'put', nsgId, ruleName: rule.name });
    await this.beginWrite(nsgId, 'put', rule.name);
    try {
      this.addRule(nsgId, rule);
      return clone(rule);
    } finally {
      this.writing.delete(nsgId);
    }
  }

  async deleteRule(nsgId: string, ruleName: string): Promise<void> {
    this.calls.push({ kind: 'delete', nsgId, ruleName });
    await this.beginWrite(nsgId, 'delete', ruleName);
    try {
      const group = this.group(nsgId);
      this.store({ ...group, rules: group.rules.filter((rule) => rule.name !== ruleName) });
    } finally {
      this.writing.delete(nsgId);
    }
  }

  /**
   * Writes a rule directly with the service's checks but without hooks, busy answers or call
   * records: how a test seeds a foreign rule or plays another writer.
   */
  addRule(nsgId: string, rule: SecurityRule): void {
    const group = this.group(nsgId);
    if (!isValidRuleName(rule.name))
      throw new RangeError(`invalid security rule name ${rule.name}`);
    if (!Number.isInteger(rule.priority) || rule.priority < 100 || rule.priority > 4096) {
      throw new RangeError(`priority ${rule.priority} is outside 100..4096`);
    }
    const clash = group.rules.find(
      (other) =>
        other.name !== rule.name &&
        other.direction === rule.direction &&
        other.priority === rule.priority,
    );
    if (clash) {
      throw new PriorityTakenError(
        `${rule.direction} priority ${rule.priority} in ${group.name} is held by ${clash.name}`,
      );
    }
    const replacing = group.rules.some((other) => other.name === rule.name);
    if (!replacing && group.rules.length >= 1000) {
      throw new RuleLimitError(`${group.name} already holds 1000 security rules`);
    }

    const rules = replacing
      ? group.rules.map((other) => (other.name === rule.name ? clone(rule) : other))
      : [...group.rules, clone(rule)];
    this.store({ ...group, rules });
  }

  /** The next `count` writes to the NSG fail with FirewallBusyError. */
  failNextWrites(nsgId: string, count: number): void {
    this.busyAnswers.set(nsgId, (this.busyAnswers.get(nsgId) ?? 0) + count);
  }

  /** Runs before every write (after busy checks); pass undefined to remove. */
  onBeforeWrite(hook: WriteHook | undefined): void {
    this.hook = hook;
  }

  /** The NSG as stored now, without recording a call. */
  snapshot(nsgId: string): SecurityGroup {
    return clone(this.group(nsgId));
  }

  countCalls(kind: 'get' | 'put' | 'delete', nsgId?: string): number {
    return this.calls.filter(
      (call) => call.kind === kind && (nsgId === undefined || call.nsgId === nsgId),
    ).length;
  }

  private async beginWrite(nsgId: string, kind: 'put' | 'delete', ruleName: string): Promise<void> {
    this.group(nsgId);
    const busy = this.busyAnswers.get(nsgId) ?? 0;
    if (busy > 0) {
      this.busyAnswers.set(nsgId, busy - 1);
      throw this.busyError(nsgId);
    }
    if (this.writing.has(nsgId)) throw this.busyError(nsgId);

    this.writing.add(nsgId);
    try {
      if (this.options.writeDuration) await this.options.writeDuration();
      this.hook?.(this, { nsgId, kind, ruleName });
    } catch (error) {
      this.writing.delete(nsgId);
      throw error;
    }
  }

  private busyError(nsgId: string): FirewallBusyError {
    return new FirewallBusyError(
      `another operation is in progress on ${nsgId}`,
      this.options.busyRetryAfterMs ?? 10,
    );
  }

  private group(nsgId: string): SecurityGroup {
    const group = this.groups.get(nsgId);
    if (!group) throw new NotFoundError(`no NSG ${nsgId}`);
    return group;
  }

  private store(group: SecurityGroup): void {
    this.version += 1;
    this.groups.set(group.id, { ...group, etag: `W/"${this.version}"` });
  }
}

function clone<T>(value: T): T {
  return structuredClone(value);
}
