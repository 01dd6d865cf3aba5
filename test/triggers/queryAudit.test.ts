import { parse } from 'csv-parse/sync';

import type { AuditEntry } from '../../shared/domain/auditRecord';
import { APPROVER, createHarness, type Harness } from './triggerHarness';

const INCIDENT = 'e7019832-f5b4-4b78-b528-9929bf0ec839';

function entry(index: number, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    partition: INCIDENT,
    time: `2025-03-04T10:0${index}:00.000Z`,
    actor: 'system:respondToIncident',
    action: 'hunt.completed',
    outcome: 'succeeded',
    incidentId: INCIDENT,
    incidentNumber: 4127,
    idempotencyKey: `k${index}`,
    ...overrides,
  };
}

describe('GET /api/audit', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await createHarness();
    for (let i = 0; i < 5; i += 1) await harness.audit.append(entry(i));
    await harness.audit.append(entry(6, { action: 'verdict.reached', reason: '=HYPERLINK("x")' }));
    await harness.audit.append(entry(7, { partition: 'system', incidentId: 'other' }));
  });
  afterEach(() => harness.close());

  it('pages through an incident’s records with a continuation token and a verified chain', async () => {
    const first = await harness.invoke('GET', `/api/audit?incident=${INCIDENT}&limit=4`, {
      headers: APPROVER,
    });
    const token = first.json.continuationToken as string;
    const second = await harness.invoke(
      'GET',
      `/api/audit?incident=${INCIDENT}&limit=4&continuationToken=${encodeURIComponent(token)}`,
      { headers: APPROVER },
    );

    expect(first.status).toBe(200);
    expect((first.json.records as { time: string }[]).map((r) => r.time.slice(11, 16))).toEqual([
      '10:00',
      '10:01',
      '10:02',
      '10:03',
    ]);
    expect(first.json.next).toBe(
      `https://c2r.contoso.example/api/audit?incident=${INCIDENT}&limit=4&continuationToken=${encodeURIComponent(token)}`,
    );
    expect((second.json.records as { time: string }[]).map((r) => r.time.slice(11, 16))).toEqual([
      '10:04',
      '10:06',
    ]);
    expect(second.json.continuationToken).toBeUndefined();
    expect(first.json.verification).toEqual({ ok: true, records: 6, partitions: 1, problems: [] });
  });

  it('filters by action and time range', async () => {
    const answer = await harness.invoke(
      'GET',
      '/api/audit?action=hunt.completed&from=2025-03-04T10:01:00Z&to=2025-03-04T11:03:00%2B01:00',
      { headers: APPROVER },
    );

    expect(
      (answer.json.records as { idempotencyKey: string }[]).map((r) => r.idempotencyKey),
    ).toEqual(['k1', 'k2']);
  });

  it('exports CSV on request, with formulas defused', async () => {
    const answer = await harness.invoke(
      'GET',
      `/api/audit?incident=${INCIDENT}&action=verdict.reached`,
      {
        headers: { ...APPROVER, accept: 'text/csv' },
      },
    );

    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(answer.headers.get('x-audit-chain')).toBe('verified');
    const rows = parse(answer.text, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      partition: INCIDENT,
      sequence: '6',
      action: 'verdict.reached',
      incidentNumber: '4127',
      reason: `'=HYPERLINK("x")`,
    });
  });

  it('reports a broken chain', async () => {
    const { readFile, writeFile } = await import('node:fs/promises');
    const text = await readFile(harness.audit.path, 'utf8');
    await writeFile(
      harness.audit.path,
      text.replace('"actor":"system:respondToIncident"', '"actor":"mallory"'),
    );

    const answer = await harness.invoke('GET', `/api/audit?incident=${INCIDENT}`, {
      headers: APPROVER,
    });

    expect((answer.json.verification as { ok: boolean }).ok).toBe(false);
  });

  it('lists every problem of a bad query in one 400', async () => {
    const answer = await harness.invoke(
      'GET',
      '/api/audit?action=block.deleted&from=yesterday&limit=0',
      {
        headers: APPROVER,
      },
    );

    expect(answer.status).toBe(400);
    expect(answer.json.problems).toEqual([
      expect.stringMatching(/^action: /),
      expect.stringMatching(/^from: /),
      expect.stringMatching(/^limit: /),
    ]);
  });

  it('answers 400 for a continuation token the log did not issue', async () => {
    const answer = await harness.invoke('GET', '/api/audit?continuationToken=forged', {
      headers: APPROVER,
    });

    expect(answer.status).toBe(400);
    expect(answer.json.problems).toEqual(['the continuation token is not one this log issued']);
  });

  it('refuses an anonymous reader in Azure mode', async () => {
    const answer = await harness.invoke('GET', '/api/audit');

    expect(answer.status).toBe(401);
  });
});
