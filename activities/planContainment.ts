import { z } from 'zod';

import type { ResponseSettings } from '../shared/config/configuration';
import { checkConfidence, checkRuleBudgets } from '../shared/domain/blastRadius';
import type { PlanningResult } from '../shared/domain/blockPlan';
import { planBlock } from '../shared/domain/blockPlanner';
import type { AssessedIndicator } from '../shared/domain/indicator';
import { KILL_SWITCH_REFUSAL, type ResponderPorts } from '../shared/ports/responderPorts';
import { rulesWrittenSince } from './applyBlock';
import { auditContextSchema, type AuditContext } from './auditContext';
import { defineActivity } from './activityHandler';

export const PLAN_CONTAINMENT = 'planContainment';

export interface PlanContainmentInput {
  readonly indicator: AssessedIndicator;
  readonly settings: ResponseSettings;
  readonly incidentNumbers: readonly number[];
  readonly now: string;
  readonly audit: AuditContext;
}

/**
 * Reads every target NSG and plans the deny rules against all their rules, ours and foreign, then
 * holds the plan to the blast-radius limits. A refusal (kill switch, limits, no free priority) is
 * a result, audited in the words the analyst will read, never an exception. The kill switch is
 * read live from the process (ports.safety), the limits come with the orchestration's settings.
 */
export const planContainment = defineActivity(
  PLAN_CONTAINMENT,
  z.object({
    indicator: z.custom<AssessedIndicator>(
      (v) => typeof (v as AssessedIndicator)?.key === 'string',
    ),
    settings: z.custom<ResponseSettings>((v) => Array.isArray((v as ResponseSettings)?.nsgIds)),
    incidentNumbers: z.array(z.number().int()),
    now: z.iso.datetime(),
    audit: auditContextSchema,
  }),
  async (input, ports): Promise<PlanningResult> => {
    const result: PlanningResult | Refusal = await planWithinLimits(input, ports);

    await ports.audit.append({
      ...input.audit,
      time: ports.clock.now().toISOString(),
      action: result.ok ? 'plan.created' : 'plan.refused',
      outcome: result.ok ? 'succeeded' : 'refused',
      target: input.indicator.key,
      reason: result.ok ? undefined : result.reason,
      after: result.ok ? result.plan : { code: result.code },
      ...(result.ok ? {} : { details: refusalDetails(result) }),
    });
    return result;
  },
);

type Refusal = Extract<PlanningResult, { ok: false }> & { readonly limit?: string };

async function planWithinLimits(
  input: PlanContainmentInput,
  ports: ResponderPorts,
): Promise<PlanningResult | Refusal> {
  const { settings } = input;
  if (ports.safety.killSwitch()) {
    return { ok: false, code: 'kill-switch', reason: KILL_SWITCH_REFUSAL };
  }
  const confidence = checkConfidence(input.indicator, settings.minConfidence);
  if (!confidence.ok) return confidence;

  const planning = planBlock({
    indicators: [input.indicator],
    groups: await Promise.all(settings.nsgIds.map((id) => ports.securityGroups.get(id))),
    settings: { priorityBand: settings.priorityBand, timeToLiveMs: settings.blockTtlMs },
    now: input.now,
    incidentNumbers: input.incidentNumbers,
  });
  if (!planning.ok) return planning;

  const budgets = checkRuleBudgets(
    planning.plan,
    settings,
    await rulesWrittenSince(ports.audit, input.now),
  );
  return budgets.ok ? planning : budgets;
}

function refusalDetails(refusal: Refusal): Record<string, string> {
  return refusal.limit === undefined
    ? { code: refusal.code }
    : { code: refusal.code, limit: refusal.limit };
}
