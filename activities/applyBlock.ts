import { z } from 'zod';

import { applyBlockPlan } from '../shared/containment/applyBlockPlan';
import type { ResponseSettings } from '../shared/config/configuration';
import { checkRuleBudgets, RULE_RATE_WINDOW_MS } from '../shared/domain/blastRadius';
import type { BlockPlan } from '../shared/domain/blockPlan';
import { blockPlanHash, planFromApproval } from '../shared/domain/blockPlanner';
import type { AuditLog } from '../shared/ports/auditLog';
import { KILL_SWITCH_REFUSAL } from '../shared/ports/responderPorts';
import { auditContextSchema, type AuditContext } from './auditContext';
import { defineActivity } from './activityHandler';

export const APPLY_BLOCK = 'applyBlock';

export interface ApplyBlockInput {
  readonly plan: BlockPlan;
  readonly settings: ResponseSettings;
  readonly approvedBy: string;
  readonly audit: AuditContext;
}

export interface ApplyBlockOutput {
  /** The plan as applied: a priority taken meanwhile may have moved within the same constraints. */
  readonly plan: BlockPlan;
  readonly verified: boolean;
  readonly problem?: string;
  /**
   * Set when nothing was written on purpose (kill switch, rule budget): the sentence the analyst
   * reads, identical to the audit record's reason. The containment ends `refused`, not `failed`.
   */
  readonly refusal?: string;
  /** True when the plan was only recorded (dry run in the input or in the live process). */
  readonly dryRun?: boolean;
}

const MAX_ATTEMPTS = 8;

/**
 * Applies an approved plan: one rule per write, re-planned when a priority was taken meanwhile,
 * waiting while the NSG is busy, then read back and verified. Each rule written is audited with
 * its state before and after. Before the first write it asks the live kill switch and dry-run
 * switch (ports.safety, not the frozen input: the approval may come hours after the start) and
 * checks the hourly rule budget again, since other plans may have been applied while this one
 * waited. A refusal writes nothing, so nothing is ever half applied by a refusal.
 *
 * Once writing has begun, the switch is not asked again: the plan is completed, so that it is not
 * left half applied by this process. In Azure, turning the switch on restarts the Functions host,
 * which may cut an application short; its retry then finds the switch on and is refused. The
 * rules already written each have their `block.applied` record, and stay until an approver lifts
 * them or they expire after the switch is off (expiry is a write too) (#7).
 */
export const applyBlock = defineActivity(
  APPLY_BLOCK,
  z.object({
    plan: z.custom<BlockPlan>((v) => typeof (v as BlockPlan)?.hash === 'string'),
    settings: z.custom<ResponseSettings>((v) => Array.isArray((v as ResponseSettings)?.nsgIds)),
    approvedBy: z.string().min(1),
    audit: auditContextSchema,
  }),
  async (input, ports): Promise<ApplyBlockOutput> => {
    const { plan, settings } = input;
    const time = () => ports.clock.now().toISOString();
    const refuse = async (reason: string, code: string): Promise<ApplyBlockOutput> => {
      await ports.audit.append({
        ...input.audit,
        time: time(),
        action: 'block.failed',
        outcome: 'refused',
        reason,
        details: { planHash: plan.hash, code },
      });
      return { plan, verified: false, refusal: reason };
    };
    if (ports.safety.killSwitch()) return refuse(KILL_SWITCH_REFUSAL, 'kill-switch');
    const budget = checkRuleBudgets(
      plan,
      settings,
      await rulesWrittenSince(ports.audit, time(), `${input.audit.idempotencyKey}/`),
    );
    if (!budget.ok) return refuse(budget.reason, budget.limit);
    if (settings.dryRun || ports.safety.dryRun()) {
      await ports.audit.append({
        ...input.audit,
        time: time(),
        action: 'block.applied',
        outcome: 'dry-run',
        reason: `approved by ${input.approvedBy}; dry run, nothing written`,
        after: plan,
      });
      return { plan, verified: true, dryRun: true };
    }

    // The time to live counts from now, the moment of applying, not from the planning.
    if (blockPlanHash(plan) !== plan.hash) {
      return refuse(
        'The plan no longer matches the hash that was approved; nothing was written.',
        'plan-tampered',
      );
    }
    const retimed = planFromApproval(plan, time(), settings.blockTtlMs);
    const application = await applyBlockPlan(ports.securityGroups, retimed, {
      settings: { priorityBand: settings.priorityBand, timeToLiveMs: settings.blockTtlMs },
      now: time(),
      maxAttempts: MAX_ATTEMPTS,
      sleep: (ms: number) => new Promise((resolve) => setTimeout(resolve, ms)),
    });

    const appliedPlan: BlockPlan = {
      ...retimed,
      rules: retimed.rules.map((planned) => {
        const applied = application.rules.find(
          (rule) => rule.nsgId === planned.nsgId && rule.ruleName === planned.rule.name,
        );
        const priority = applied?.priority ?? planned.rule.priority;
        return { ...planned, rule: { ...planned.rule, priority } };
      }),
    };
    for (const applied of application.rules) {
      const rule = appliedPlan.rules.find(
        (planned) => planned.nsgId === applied.nsgId && planned.rule.name === applied.ruleName,
      )?.rule;
      await ports.audit.append({
        ...input.audit,
        idempotencyKey: `${input.audit.idempotencyKey}/${applied.nsgId}/${applied.ruleName}`,
        time: time(),
        action: applied.outcome === 'failed' ? 'block.failed' : 'block.applied',
        outcome: applied.outcome === 'failed' ? 'failed' : 'succeeded',
        target: `${applied.nsgId}/securityRules/${applied.ruleName}`,
        reason: `approved by ${input.approvedBy}`,
        before: applied.outcome === 'written' ? null : rule,
        after: applied.outcome === 'failed' ? null : rule,
        details: {
          state: applied.outcome,
          approvedPriority: applied.approvedPriority,
          priority: applied.priority,
          attempts: applied.attempts,
          writes: applied.writes,
        },
      });
    }
    const problem = [
      ...application.failures.map((failure) => failure.message),
      ...application.verification.problems,
    ].join('; ');
    await ports.audit.append({
      ...input.audit,
      time: time(),
      action: application.ok ? 'block.verified' : 'block.failed',
      outcome: application.ok ? 'succeeded' : 'failed',
      reason: problem || undefined,
      details: { approvedPlanHash: plan.hash, planHash: retimed.hash, reads: application.reads },
    });
    return { plan: appliedPlan, verified: application.ok, problem: problem || undefined };
  },
);

/**
 * How many NSG rules the product wrote in the hour before `now`, across all incidents: the
 * succeeded `block.applied` records of rules that were new (a rule found already present costs
 * nothing). Dry-run records do not count: nothing was written. Records whose idempotency key starts
 * with `ownKeyPrefix` are left out: a retried application must not count its own first attempt.
 * The query spans every partition and filters on `time`, which is no key in the Table audit log,
 * so the service scans the whole table; fine at SOC volumes, not at any size (#7).
 */
export async function rulesWrittenSince(
  audit: AuditLog,
  now: string,
  ownKeyPrefix?: string,
): Promise<number> {
  const from = new Date(Date.parse(now) - RULE_RATE_WINDOW_MS).toISOString();
  let written = 0;
  let continuationToken: string | undefined;

  do {
    const page = await audit.query({
      action: 'block.applied',
      from,
      limit: 1000,
      ...(continuationToken ? { continuationToken } : {}),
    });
    written += page.records.filter(
      (record) =>
        record.outcome === 'succeeded' &&
        record.time <= now &&
        !(ownKeyPrefix && record.idempotencyKey.startsWith(ownKeyPrefix)) &&
        (record.details as { state?: string } | undefined)?.state === 'written',
    ).length;
    continuationToken = page.continuationToken;
  } while (continuationToken);
  return written;
}
