import { z } from 'zod';

import type { AuditEntry } from '../shared/domain/auditRecord';
import { defineActivity } from './activityHandler';

export const RECORD_AUDIT = 'recordAudit';

export type RecordAuditInput = AuditEntry;

export interface RecordAuditOutput {
  readonly sequence: number;
  readonly hash: string;
}

const entry = z.custom<AuditEntry>((value) => {
  const e = value as AuditEntry;
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof e.partition === 'string' &&
    typeof e.time === 'string' &&
    typeof e.actor === 'string' &&
    typeof e.action === 'string' &&
    typeof e.outcome === 'string' &&
    typeof e.idempotencyKey === 'string'
  );
}, 'must be an audit entry (partition, time, actor, action, outcome, idempotencyKey)');

/**
 * Writes a decision the orchestrator made. Orchestrators do no I/O, so they record through this
 * activity; the idempotency key makes a retried or replayed call write the record once.
 */
export const recordAudit = defineActivity(
  RECORD_AUDIT,
  entry,
  async (input, ports): Promise<RecordAuditOutput> => {
    const record = await ports.audit.append(input);
    return { sequence: record.sequence, hash: record.hash };
  },
);
