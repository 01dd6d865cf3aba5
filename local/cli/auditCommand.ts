import type { AuditRecord } from '../../shared/domain/auditRecord';
import { auditRecordsCsv } from '../../shared/pages/auditCsv';
import type { AuditLog } from '../../shared/ports/auditLog';
import {
  CommandError,
  open,
  print,
  printJson,
  type CommandEnvironment,
  type StateOptions,
} from './commandContext';
import { textTable } from './presentReport';

export interface AuditOptions extends StateOptions {
  readonly incident?: string;
  readonly verify?: boolean;
  readonly json?: boolean;
  readonly csv?: boolean;
}

/** An incident by its GUID, or by its number as the Sentinel portal shows it. */
async function recordsOf(audit: AuditLog, incident: string | undefined): Promise<AuditRecord[]> {
  if (incident === undefined) return allRecords(audit, undefined);
  // A GUID is matched whatever its case, as Sentinel treats it.
  if (!/^\d+$/.test(incident)) {
    const wanted = incident.toLowerCase();
    return (await allRecords(audit, undefined)).filter(
      (record) => record.incidentId?.toLowerCase() === wanted,
    );
  }

  const number = Number(incident);
  const records = await allRecords(audit, undefined);
  const incidentIds = new Set(
    records.filter((record) => record.incidentNumber === number).map((r) => r.incidentId),
  );
  return records.filter(
    (record) =>
      record.incidentNumber === number ||
      (record.incidentId !== undefined && incidentIds.has(record.incidentId)),
  );
}

async function allRecords(audit: AuditLog, incidentId: string | undefined): Promise<AuditRecord[]> {
  const records: AuditRecord[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await audit.query({ incidentId, continuationToken, limit: 1000 });
    records.push(...page.records);
    continuationToken = page.continuationToken;
  } while (continuationToken);
  return records;
}

/** The audit trail, as a table, JSON or CSV, and the chain's verification. */
export async function auditCommand(env: CommandEnvironment, options: AuditOptions): Promise<void> {
  if (options.json && options.csv) throw new CommandError('give --json or --csv, not both');
  const responder = await open(env, { state: options.state });
  const audit = responder.ports.audit;
  const records = await recordsOf(audit, options.incident);
  const verification = options.verify ? await audit.verify() : undefined;

  if (options.json) {
    printJson(env, { records, verification });
  } else if (options.csv) {
    env.stdout.write(auditRecordsCsv(records));
  } else {
    const rows = records.map((record) => [
      record.time.slice(0, 19).replace('T', ' '),
      record.actor,
      record.action,
      record.outcome,
      record.incidentNumber !== undefined ? String(record.incidentNumber) : '',
      shorten(record.target ?? '', 60),
      shorten(record.reason ?? '', 80),
    ]);
    print(
      env,
      records.length
        ? textTable(
            ['Time (UTC)', 'Actor', 'Action', 'Outcome', 'Incident', 'Target', 'Reason'],
            rows,
          )
        : 'No audit records.',
    );
    if (verification) {
      print(
        env,
        verification.ok
          ? `\nChain verified: ${verification.records} records in ${verification.partitions} partitions, intact.`
          : `\nChain BROKEN:\n${verification.problems.map((p) => `  - ${p}`).join('\n')}`,
      );
    }
  }
  if (verification && !verification.ok)
    throw new CommandError('the audit chain does not verify', 3);
}

function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  return `...${text.slice(text.length - max + 3)}`;
}
