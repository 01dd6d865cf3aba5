import { z } from 'zod';

import { KILL_SWITCH_REFUSAL } from '../shared/ports/responderPorts';
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

/**
 * Writes one comment. Under the kill switch or a dry run (from the input or the live process) the
 * comment is not written; the audit record keeps its text, so the analyst can read what it said.
 */
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
    const killed = ports.safety.killSwitch();
    const dryRun = !killed && (input.dryRun === true || ports.safety.dryRun());
    if (!killed && !dryRun) {
      await ports.incidents.addComment(input.incidentArmId, input.commentId, input.html);
    }

    await ports.audit.append({
      ...input.audit,
      time: ports.clock.now().toISOString(),
      action: 'incident.commented',
      outcome: killed ? 'refused' : dryRun ? 'dry-run' : 'succeeded',
      target: input.incidentArmId,
      ...(killed ? { reason: KILL_SWITCH_REFUSAL } : {}),
      after:
        killed || dryRun
          ? { commentId: input.commentId, characters: input.html.length, wouldWrite: input.html }
          : { commentId: input.commentId, characters: input.html.length },
    });
  },
);
