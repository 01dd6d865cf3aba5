import { z } from 'zod';

import type { ResponseSettings } from '../shared/config/configuration';
import type { PlanningResult } from '../shared/domain/blockPlan';
import { planBlock } from '../shared/domain/blockPlanner';
import type { AssessedIndicator } from '../shared/domain/indicator';
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
 * Reads every target NSG and plans the deny rules against all their rules, ours and foreign.
 * A refusal (limits, no free priority, kill switch) is a result, audited, never an exception.
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
    const { settings } = input;
    const result = settings.killSwitch
      ? ({
          ok: false,
          code: 'kill-switch',
          reason: 'the kill switch is on: no NSG is changed until an operator turns it off',
        } as const)
      : planBlock({
          indicators: [input.indicator],
          groups: await Promise.all(settings.nsgIds.map((id) => ports.securityGroups.get(id))),
          settings: { priorityBand: settings.priorityBand, timeToLiveMs: settings.blockTtlMs },
          now: input.now,
          incidentNumbers: input.incidentNumbers,
        });

    await ports.audit.append({
      ...input.audit,
      time: ports.clock.now().toISOString(),
      action: result.ok ? 'plan.created' : 'plan.refused',
      outcome: result.ok ? 'succeeded' : 'refused',
      target: input.indicator.key,
      reason: result.ok ? undefined : result.reason,
      after: result.ok ? result.plan : { code: result.code },
    });
    return result;
  },
);
