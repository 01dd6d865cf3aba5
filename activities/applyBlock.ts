import { z } from 'zod';

import { applyBlockPlan } from '../shared/containment/applyBlockPlan';
import type { ResponseSettings } from '../shared/config/configuration';
import type { BlockPlan } from '../shared/domain/blockPlan';
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
}

const MAX_ATTEMPTS = 8;

/**
 * Applies an approved plan: one rule per write, re-planned when a priority was taken meanwhile,
 * waiting while the NSG is busy, then read back and verified. Each rule written is audited with
 * its state before and after. The kill switch, checked again here, stops even an approved plan.
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
    if (settings.killSwitch) {
      await ports.audit.append({
        ...input.audit,
        time: time(),
        action: 'block.failed',
        outcome: 'refused',
        reason: 'the kill switch is on: no NSG is changed',
        details: { planHash: plan.hash },
      });
      return { plan, verified: false, problem: 'the kill switch is on, nothing was written' };
    }
    if (settings.dryRun) {
      await ports.audit.append({
        ...input.audit,
        time: time(),
        action: 'block.applied',
        outcome: 'dry-run',
        reason: `approved by ${input.approvedBy}; dry run, nothing written`,
        after: plan,
      });
      return { plan, verified: true };
    }

    const application = await applyBlockPlan(ports.securityGroups, plan, {
      settings: { priorityBand: settings.priorityBand, timeToLiveMs: settings.blockTtlMs },
      now: time(),
      maxAttempts: MAX_ATTEMPTS,
      sleep: (ms: number) => new Promise((resolve) => setTimeout(resolve, ms)),
    });

    const appliedPlan: BlockPlan = {
      ...plan,
      rules: plan.rules.map((planned) => {
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
      details: { planHash: plan.hash, reads: application.reads },
    });
    return { plan: appliedPlan, verified: application.ok, problem: problem || undefined };
  },
);
