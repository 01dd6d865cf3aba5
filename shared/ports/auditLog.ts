import type {
  AuditAction,
  AuditEntry,
  AuditRecord,
  ChainVerification,
} from '../domain/auditRecord';

export interface AuditQuery {
  readonly incidentId?: string;
  readonly partition?: string;
  readonly action?: AuditAction;
  readonly from?: string;
  readonly to?: string;
  readonly limit?: number;
  /** Opaque token from the previous page. */
  readonly continuationToken?: string;
}

export interface AuditPage {
  readonly records: readonly AuditRecord[];
  readonly continuationToken?: string;
}

/** Append-only; each partition is a hash chain. Appends with a known idempotency key return the existing record. */
export interface AuditLog {
  append(entry: AuditEntry): Promise<AuditRecord>;
  query(query: AuditQuery): Promise<AuditPage>;
  verify(partition?: string): Promise<ChainVerification>;
}
