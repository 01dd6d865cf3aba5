import { z } from 'zod';

import type { AuditEntry } from '../shared/domain/auditRecord';

/** Who acts and under which key, for the audit record an activity writes about its own change. */
export type AuditContext = Pick<
  AuditEntry,
  'partition' | 'actor' | 'instanceId' | 'incidentId' | 'incidentNumber' | 'idempotencyKey'
>;

export const auditContextSchema = z.object({
  partition: z.string().min(1),
  actor: z.string().min(1),
  instanceId: z.string().optional(),
  incidentId: z.string().optional(),
  incidentNumber: z.number().int().optional(),
  idempotencyKey: z.string().min(1),
});
