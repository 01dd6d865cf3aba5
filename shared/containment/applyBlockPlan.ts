import { blockingProblem, blockPlanHash, replanSecurityGroup } from '../domain/blockPlanner';
import type { BlockSettings } from '../domain/blockPlanner';
import type { BlockPlan, PlannedRule } from '../domain/blockPlan';
import type { SecurityGroup } from '../domain/securityGroup';
import type { NetworkSecurityGroups } from '../ports/networkSecurityGroups';
import { processWriteQueue } from './nsgWriteQueue';
import type { NsgWriteQueue } from './nsgWriteQueue';
import { busyBackoffMs, isBusy, portErrorCode, retryAfterOf } from './firewallRetry';

export interface BlockApplicationOptions {
  readonly settings: BlockSettings;
  /** ISO time; a plan whose expiry has passed is not applied. */
  readonly now: string;
  readonly sleep: (ms: number) => Promise<void>;
  /** Write rounds per NSG; each round reads, re-plans and writes what is missing. */
  readonly maxAttempts: number;
  /** Serialises work per NSG in this process; defaults to the process-wide queue. */
  readonly writeQueue?: NsgWriteQueue;
}

export interface AppliedRule {
  readonly nsgId: string;
  readonly nsgName: string;
  readonly indicator: string;
  readonly ruleName: string;
  /** `written` by this run, `present` before it, `failed` when it does not block at the end. */
  readonly outcome: 'written' | 'present' | 'failed';
  readonly approvedPriority: number;
  /** The priority the rule holds at the end, when present. */
  readonly priority?: number;
  /** PUT requests sent for this rule. */
  readonly attempts: number;
  /** PUT requests that succeeded. */
  readonly writes: number;
}

export type BlockFailureCode =
  | 'plan-tampered'
  | 'plan-expired'
  | 'no-free-priority'
  | 'rule-limit'
  | 'prefix-limit'
  | 'attempts-exhausted'
  | 'not-found';

export interface BlockFailure {
  readonly nsgId?: string;
  readonly code: BlockFailureCode | string;
  readonly message: string;
}

export interface BlockVerification {
  readonly ok: boolean;
  readonly problems: readonly string[];
}

export interface BlockApplication {
  /** Every planned rule blocks in its NSG, as read after the writes. */
  readonly ok: boolean;
  readonly planHash: string;
  readonly rules: readonly AppliedRule[];
  readonly verification: BlockVerification;
  readonly failures: readonly BlockFailure[];
  /** NSG reads, for the audit and the benchmarks. */
  readonly reads: number;
}

interface RuleProgress {
  attempts: number;
  writes: number;
}

interface GroupApplication {
  readonly rules: AppliedRule[];
  readonly problems: string[];
  readonly failure?: BlockFailure;
  readonly reads: number;
}

/**
 * Applies an approved plan, one NSG after another, converging with concurrent writers: each round
 * reads the NSG, re-plans the approved rules against what is there now (a rule present is kept,
 * a priority taken meanwhile moves to another free one that still sorts before the Allow rules),
 * and PUTs the missing rules one by one through the `securityRules` child resource, which never
 * drops another writer's rules. Busy answers wait for Retry-After, a priority clash re-plans, and
 * the last read of each NSG is the verification. A rule is never written after an Allow it must
 * beat: when that can no longer be avoided, the NSG fails and nothing more is written to it.
 * Another NSG of the plan is still applied, so that a partial block is reported, not skipped.
 */
export async function applyBlockPlan(
  port: NetworkSecurityGroups,
  plan: BlockPlan,
  options: BlockApplicationOptions,
): Promise<BlockApplication> {
  if (!Number.isInteger(options.maxAttempts) || options.maxAttempts < 1) {
    throw new RangeError('maxAttempts must be a positive integer');
  }
  const refusal = planRefusal(plan, options.now);
  if (refusal) return refusedApplication(plan, refusal);

  const nsgIds = [...new Set(plan.rules.map((rule) => rule.nsgId))];
  const groups: GroupApplication[] = [];
  for (const nsgId of nsgIds) {
    const approved = plan.rules.filter((rule) => rule.nsgId === nsgId);
    const queue = options.writeQueue ?? processWriteQueue;
    groups.push(await queue.run(nsgId, () => applyToGroup(port, nsgId, approved, options)));
  }

  const rules = groups.flatMap((group) => group.rules);
  const problems = groups.flatMap((group) => group.problems);
  const failures = groups.flatMap((group) => (group.failure ? [group.failure] : []));
  return {
    ok: problems.length === 0 && failures.length === 0,
    planHash: plan.hash,
    rules,
    verification: { ok: problems.length === 0, problems },
    failures,
    reads: groups.reduce((sum, group) => sum + group.reads, 0),
  };
}

async function applyToGroup(
  port: NetworkSecurityGroups,
  nsgId: string,
  approved: readonly PlannedRule[],
  options: BlockApplicationOptions,
): Promise<GroupApplication> {
  const progress = new Map(approved.map((rule) => [rule.rule.name, { attempts: 0, writes: 0 }]));
  let reads = 0;
  let rounds = 0;
  let failure: BlockFailure | undefined;
  let group: SecurityGroup;

  for (;;) {
    const read = await readGroup(port, nsgId);
    reads += 1;
    if (read.kind === 'busy') {
      if (rounds >= options.maxAttempts) {
        failure = {
          nsgId,
          code: 'attempts-exhausted',
          message: `${nsgId} could not be read: ${read.message}`,
        };
        return {
          rules: approved.map((rule) => unplaced(rule, progress.get(rule.rule.name))),
          problems: [failure.message],
          reads,
          failure,
        };
      }
      rounds += 1;
      await options.sleep(busyBackoffMs(rounds, read.retryAfterMs));
      continue;
    }
    if (read.kind === 'not-found') {
      failure = {
        nsgId,
        code: 'not-found',
        message: `The NSG ${nsgId} does not exist; nothing was written to it.`,
      };
      return {
        rules: approved.map((rule) => unplaced(rule, progress.get(rule.rule.name))),
        problems: [failure.message],
        reads,
        failure,
      };
    }
    group = read.group;
    const placement = replanSecurityGroup(group, approved, options.settings);
    if (!placement.ok) {
      failure = { nsgId, code: placement.code, message: placement.reason };
      break;
    }
    const missing = placement.rules.filter((rule) => rule.state === 'new');
    if (missing.length === 0) break;
    if (rounds >= options.maxAttempts) {
      failure = {
        nsgId,
        code: 'attempts-exhausted',
        message: `${group.name}: the block rules were still not all in place after ${rounds} write rounds.`,
      };
      break;
    }

    rounds += 1;
    const stop = await writeMissing(port, nsgId, missing, progress, rounds, options);
    if (stop) {
      failure = { nsgId, ...stop };
      break;
    }
  }

  const problems = approved.flatMap((rule) => {
    const problem = blockingProblem(group, rule);
    return problem === undefined ? [] : [problem];
  });
  const rules = approved.map((rule) => appliedRule(group, rule, progress.get(rule.rule.name)));
  return { rules, problems, reads, ...(failure ? { failure } : {}) };
}

/**
 * Writes the missing rules in order; returns early (undefined) when the NSG changed under it so
 * that the next round re-plans, and a failure when writing cannot succeed.
 */
async function writeMissing(
  port: NetworkSecurityGroups,
  nsgId: string,
  missing: readonly PlannedRule[],
  progress: Map<string, RuleProgress>,
  round: number,
  options: BlockApplicationOptions,
): Promise<{ code: string; message: string } | undefined> {
  for (const planned of missing) {
    const counts = progress.get(planned.rule.name) ?? { attempts: 0, writes: 0 };
    progress.set(planned.rule.name, counts);
    counts.attempts += 1;

    try {
      await port.putRule(nsgId, planned.rule);
      counts.writes += 1;
    } catch (error) {
      if (isBusy(error)) {
        await options.sleep(busyBackoffMs(round, retryAfterOf(error)));
        return undefined;
      }
      const code = portErrorCode(error);
      if (code === 'priority-taken') return undefined;
      if (code === 'rule-limit') {
        return { code, message: `${planned.nsgName} is full: ${(error as Error).message}` };
      }
      throw error;
    }
  }
  return undefined;
}

type GroupRead =
  | { readonly kind: 'read'; readonly group: SecurityGroup }
  | { readonly kind: 'busy'; readonly message: string; readonly retryAfterMs?: number }
  | { readonly kind: 'not-found' };

async function readGroup(port: NetworkSecurityGroups, nsgId: string): Promise<GroupRead> {
  try {
    return { kind: 'read', group: await port.get(nsgId) };
  } catch (error) {
    if (portErrorCode(error) === 'not-found') return { kind: 'not-found' };
    if (!isBusy(error)) throw error;
    const retryAfterMs = retryAfterOf(error);
    return {
      kind: 'busy',
      message: (error as Error).message,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  }
}

function unplaced(planned: PlannedRule, progress: RuleProgress | undefined): AppliedRule {
  return {
    nsgId: planned.nsgId,
    nsgName: planned.nsgName,
    indicator: planned.indicator,
    ruleName: planned.rule.name,
    outcome: 'failed',
    approvedPriority: planned.rule.priority,
    attempts: progress?.attempts ?? 0,
    writes: progress?.writes ?? 0,
  };
}

function appliedRule(
  group: SecurityGroup,
  planned: PlannedRule,
  progress: RuleProgress | undefined,
): AppliedRule {
  const existing = group.rules.find((rule) => rule.name === planned.rule.name);
  const blocks = blockingProblem(group, planned) === undefined;
  const writes = progress?.writes ?? 0;

  return {
    nsgId: planned.nsgId,
    nsgName: planned.nsgName,
    indicator: planned.indicator,
    ruleName: planned.rule.name,
    outcome: !blocks ? 'failed' : writes > 0 ? 'written' : 'present',
    approvedPriority: planned.rule.priority,
    ...(existing ? { priority: existing.priority } : {}),
    attempts: progress?.attempts ?? 0,
    writes,
  };
}

function planRefusal(plan: BlockPlan, now: string): BlockFailure | undefined {
  const nowMs = Date.parse(now);
  if (Number.isNaN(nowMs)) throw new RangeError(`now is not an ISO time: ${now}`);

  if (blockPlanHash(plan) !== plan.hash) {
    return {
      code: 'plan-tampered',
      message: 'The plan no longer matches the hash that was approved; nothing was written.',
    };
  }
  if (Date.parse(plan.expiresAt) <= nowMs) {
    return {
      code: 'plan-expired',
      message: `The plan expired at ${plan.expiresAt} before it was applied; nothing was written.`,
    };
  }
  return undefined;
}

function refusedApplication(plan: BlockPlan, failure: BlockFailure): BlockApplication {
  return {
    ok: false,
    planHash: plan.hash,
    rules: plan.rules.map((rule) => unplaced(rule, undefined)),
    verification: { ok: false, problems: [failure.message] },
    failures: [failure],
    reads: 0,
  };
}
