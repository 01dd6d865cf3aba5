import { z } from 'zod';

import type { BlockPlan } from '../shared/domain/blockPlan';
import { auditContextSchema, type AuditContext } from './auditContext';
import { defineActivity } from './activityHandler';

export const REQUEST_APPROVAL = 'requestApproval';

export interface RequestApprovalInput {
  readonly indicator: string;
  readonly plan: BlockPlan;
  readonly deadline: string;
  /** The product's own approval page; never a Durable management link, which carries a key. */
  readonly approvalUrl: string;
  readonly incidentNumbers: readonly number[];
  /** What the approval must acknowledge, when the indicator needs it. */
  readonly note?: string;
  readonly audit: AuditContext;
}

/** Tells the analysts that a block awaits their decision, and records that it was asked. */
export const requestApproval = defineActivity(
  REQUEST_APPROVAL,
  z.object({
    indicator: z.string().min(1),
    plan: z.custom<BlockPlan>((v) => typeof (v as BlockPlan)?.hash === 'string'),
    deadline: z.iso.datetime(),
    approvalUrl: z.string().url(),
    incidentNumbers: z.array(z.number().int()),
    note: z.string().optional(),
    audit: auditContextSchema,
  }),
  async (input, ports): Promise<void> => {
    await ports.notifier.notifyApprovalRequested({
      incidentNumbers: input.incidentNumbers,
      indicator: input.indicator,
      verdict: 'malicious',
      approvalUrl: input.approvalUrl,
      deadline: input.deadline,
      note: input.note,
    });

    await ports.audit.append({
      ...input.audit,
      time: ports.clock.now().toISOString(),
      action: 'approval.requested',
      outcome: 'succeeded',
      target: input.indicator,
      details: {
        planHash: input.plan.hash,
        deadline: input.deadline,
        approvalUrl: input.approvalUrl,
      },
    });
  },
);
