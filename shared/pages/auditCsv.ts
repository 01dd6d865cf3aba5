import { stringify } from 'csv-stringify/sync';

import type { AuditRecord } from '../domain/auditRecord';

/** The audit record's columns, in the order a reviewer reads them; nested values as JSON. */
export const AUDIT_CSV_COLUMNS = [
  'partition',
  'sequence',
  'time',
  'actor',
  'action',
  'outcome',
  'incidentId',
  'incidentNumber',
  'instanceId',
  'target',
  'reason',
  'details',
  'before',
  'after',
  'idempotencyKey',
  'previousHash',
  'hash',
] as const;

/**
 * Audit records as CSV, one row each with a header, for the command line and `GET /api/audit`.
 * Cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR at the start; OWASP
 * CSV injection) are escaped, because actors, reasons and incident titles come from outside.
 */
export function auditRecordsCsv(records: readonly AuditRecord[]): string {
  const rows = records.map((record) =>
    AUDIT_CSV_COLUMNS.map((column) => {
      const value = record[column];
      if (value === undefined || value === null) return '';
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
    }),
  );

  return stringify(rows, { header: true, columns: [...AUDIT_CSV_COLUMNS], escape_formulas: true });
}
