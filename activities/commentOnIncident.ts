import { z } from 'zod';

import { auditContextSchema, type AuditContext } from './auditContext';
import { defineActivity } from './activityHandler';

export const COMMENT_ON_INCIDENT = 'commentOnIncident';

export interface CommentOnIncidentInput {
  readonly incidentArmId: string;
  /** Chosen by the orchestrator, so that a retry writes the comment once. */
  readonly commentId: string;
  readonly html: string;
  readonly audit: AuditContext;
  readonly dryRun?: boolean;
}

/** Sentinel's limit on one comment (Incident Comments REST API). */
const COMMENT_LIMIT = 30_000;

export const commentOnIncident = defineActivity(
  COMMENT_ON_INCIDENT,
  z.object({
    incidentArmId: z.string().min(1),
    commentId: z.string().min(1),
    html: z.string().min(1).max(COMMENT_LIMIT),
    audit: auditContextSchema,
    dryRun: z.boolean().optional(),
  }),
  async (input, ports): Promise<void> => {
    if (!input.dryRun) {
      await ports.incidents.addComment(input.incidentArmId, input.commentId, input.html);
    }

    await ports.audit.append({
      ...input.audit,
      time: ports.clock.now().toISOString(),
      action: 'incident.commented',
      outcome: input.dryRun ? 'dry-run' : 'succeeded',
      target: input.incidentArmId,
      after: { commentId: input.commentId, characters: input.html.length },
    });
  },
);
