import { z } from 'zod';

import type { Incident } from '../shared/domain/incident';
import type { IncidentChange } from '../shared/ports/incidents';
import { KILL_SWITCH_REFUSAL } from '../shared/ports/responderPorts';
import { auditContextSchema, type AuditContext } from './auditContext';
import { defineActivity } from './activityHandler';

export const UPDATE_INCIDENT = 'updateIncident';

export interface UpdateIncidentInput {
  readonly incidentArmId: string;
  readonly change: IncidentChange;
  readonly reason: string;
  readonly audit: AuditContext;
  readonly dryRun?: boolean;
}

export interface UpdateIncidentOutput {
  readonly status: string;
  readonly severity: string;
  readonly labels: readonly string[];
  /** Set when the kill switch stopped the change: the incident is as it was. */
  readonly refusal?: string;
}

function snapshot(incident: Incident): UpdateIncidentOutput {
  return {
    status: incident.status,
    severity: incident.severity,
    labels: incident.labels.map((label) => label.labelName),
  };
}

/**
 * Changes severity, labels or status, and audits the incident before and after. Under the kill
 * switch or a dry run (from the input or the live process) nothing is changed and the record keeps
 * the change it would have made.
 */
export const updateIncident = defineActivity(
  UPDATE_INCIDENT,
  z.object({
    incidentArmId: z.string().min(1),
    change: z.object({
      severity: z.enum(['High', 'Medium', 'Low', 'Informational']).optional(),
      addLabels: z.array(z.string().min(1)).optional(),
      close: z
        .object({
          classification: z.enum([
            'BenignPositive',
            'TruePositive',
            'FalsePositive',
            'Undetermined',
          ]),
          classificationReason: z
            .enum([
              'SuspiciousButExpected',
              'SuspiciousActivity',
              'IncorrectAlertLogic',
              'InaccurateData',
            ])
            .optional(),
          classificationComment: z.string().min(1),
        })
        .optional(),
    }),
    reason: z.string().min(1),
    audit: auditContextSchema,
    dryRun: z.boolean().optional(),
  }),
  async (input, ports): Promise<UpdateIncidentOutput> => {
    const killed = ports.safety.killSwitch();
    const dryRun = !killed && (input.dryRun === true || ports.safety.dryRun());
    const before = snapshot(await ports.incidents.get(input.incidentArmId));
    const after =
      killed || dryRun
        ? before
        : snapshot(await ports.incidents.update(input.incidentArmId, input.change));

    await ports.audit.append({
      ...input.audit,
      time: ports.clock.now().toISOString(),
      action: input.change.close ? 'incident.closed' : 'incident.updated',
      outcome: killed ? 'refused' : dryRun ? 'dry-run' : 'succeeded',
      target: input.incidentArmId,
      reason: killed ? KILL_SWITCH_REFUSAL : input.reason,
      before,
      after: killed || dryRun ? { wouldApply: input.change, because: input.reason } : after,
    });
    return killed ? { ...after, refusal: KILL_SWITCH_REFUSAL } : after;
  },
);
