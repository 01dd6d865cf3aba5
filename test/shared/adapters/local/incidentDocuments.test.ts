import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { IncidentDocuments } from '../../../../shared/adapters/local/incidentDocuments';
import type { Clock } from '../../../../shared/ports/clock';

const SAMPLES = resolve(__dirname, '../../../../samples/incidents');
const MALICIOUS =
  '/subscriptions/5d1949bf-e569-417f-8b20-c88415e94b56/resourceGroups/rg-soc-prod/providers/Microsoft.OperationalInsights/workspaces/law-sentinel-prod/providers/Microsoft.SecurityInsights/Incidents/e7019832-f5b4-4b78-b528-9929bf0ec839';
const fixedClock: Clock = { now: () => new Date('2026-11-30T10:30:00.000Z') };

interface StoredDocument {
  etag: string;
  properties: Record<string, unknown> & { additionalData: { commentsCount: number } };
  comments: { name: string; properties: { message: string } }[];
}

describe('incident documents', () => {
  let root: string;
  let state: string;
  let incidents: IncidentDocuments;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'c2r-incidents-'));
    state = join(root, 'state');
    incidents = new IncidentDocuments({
      stateDirectory: state,
      seedFiles: [join(SAMPLES, 'malicious.json'), join(SAMPLES, 'benign.json')],
      clock: fixedClock,
    });
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function stored(): Promise<StoredDocument> {
    return JSON.parse(
      await readFile(join(state, 'incidents', 'e7019832-f5b4-4b78-b528-9929bf0ec839.json'), 'utf8'),
    ) as StoredDocument;
  }

  it('seeds REST-shaped documents keyed by incident name and reads the incident back', async () => {
    const incident = await incidents.get(MALICIOUS);

    expect((await readdir(join(state, 'incidents'))).sort()).toEqual([
      'e7019832-f5b4-4b78-b528-9929bf0ec839.json',
      'ef97da8a-157a-456f-b039-96ab3ea72873.json',
    ]);
    expect(incident).toMatchObject({
      armId: MALICIOUS,
      number: 4127,
      severity: 'Medium',
      status: 'New',
      ipAddresses: expect.arrayContaining(['178.16.52.203', '10.40.8.17']),
      c2Ports: [1889],
      entitiesComplete: true,
    });
    expect(await stored()).toMatchObject({
      name: 'e7019832-f5b4-4b78-b528-9929bf0ec839',
      properties: { title: 'DCRat C2 endpoint contacted (ThreatFox ip:port)' },
      comments: [],
      alerts: [expect.objectContaining({ kind: 'SecurityAlert' })],
    });
    expect((await stored()).properties).not.toHaveProperty('relatedEntities');
  });

  it('writes a comment once however often the same id is sent', async () => {
    await incidents.addComment(MALICIOUS, 'c-1', '<p>verdict: malicious</p>');
    const etag = (await stored()).etag;
    await incidents.addComment(MALICIOUS, 'c-1', '<p>verdict: malicious</p>');

    const document = await stored();

    expect(document.comments.map((comment) => comment.name)).toEqual(['c-1']);
    expect(document.properties.additionalData.commentsCount).toBe(1);
    expect(document.etag).toBe(etag);
  });

  it('replaces the message of an existing comment id, as a PUT does', async () => {
    await incidents.addComment(MALICIOUS, 'c-1', '<p>first</p>');
    await incidents.addComment(MALICIOUS, 'c-1', '<p>second</p>');

    expect((await stored()).comments.map((comment) => comment.properties.message)).toEqual([
      '<p>second</p>',
    ]);
  });

  it('refuses a comment over 30,000 characters', async () => {
    await expect(
      incidents.addComment(MALICIOUS, 'c-big', 'x'.repeat(30_001)),
    ).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringContaining('30000') });
  });

  it('refuses the 101st comment but still accepts a repeat of an existing one', async () => {
    for (let i = 0; i < 100; i += 1) await incidents.addComment(MALICIOUS, `c-${i}`, `<p>${i}</p>`);

    await expect(
      incidents.addComment(MALICIOUS, 'c-100', '<p>one too many</p>'),
    ).rejects.toMatchObject({
      code: 'invalid-input',
      message: expect.stringContaining('Sentinel allows 100'),
    });
    await expect(incidents.addComment(MALICIOUS, 'c-7', '<p>7</p>')).resolves.toBeUndefined();
  });

  it('adds labels and raises severity while keeping title, owner and existing labels', async () => {
    await incidents.update(MALICIOUS, { addLabels: ['dcrat-c2'] });
    const before = await stored();

    const incident = await incidents.update(MALICIOUS, {
      severity: 'High',
      addLabels: ['c2-blocked', 'dcrat-c2'],
    });

    expect(incident.severity).toBe('High');
    expect(incident.title).toBe('DCRat C2 endpoint contacted (ThreatFox ip:port)');
    expect(incident.owner).toEqual(before.properties.owner);
    expect(incident.labels).toEqual([
      { labelName: 'dcrat-c2', labelType: 'User' },
      { labelName: 'c2-blocked', labelType: 'User' },
    ]);
    expect(incident.etag).not.toBe(before.etag);
    expect((await stored()).properties.lastModifiedTimeUtc).toBe('2026-11-30T10:30:00.000Z');
  });

  it('closes as BenignPositive with SuspiciousButExpected', async () => {
    const incident = await incidents.update(MALICIOUS, {
      close: {
        classification: 'BenignPositive',
        classificationReason: 'SuspiciousButExpected',
        classificationComment: 'Splunk forwarder to its indexer',
      },
    });

    expect(incident.status).toBe('Closed');
    expect((await stored()).properties).toMatchObject({
      status: 'Closed',
      classification: 'BenignPositive',
      classificationReason: 'SuspiciousButExpected',
      classificationComment: 'Splunk forwarder to its indexer',
    });
  });

  it('refuses to close as BenignPositive without a reason, like Sentinel', async () => {
    await expect(
      incidents.update(MALICIOUS, {
        close: { classification: 'BenignPositive', classificationComment: 'expected' },
      }),
    ).rejects.toMatchObject({
      code: 'invalid-input',
      message: expect.stringContaining('needs a classificationReason (SuspiciousButExpected)'),
    });
    expect((await incidents.get(MALICIOUS)).status).toBe('New');
  });

  it('refuses a reason that does not go with the classification', async () => {
    await expect(
      incidents.update(MALICIOUS, {
        close: {
          classification: 'BenignPositive',
          classificationReason: 'InaccurateData',
          classificationComment: 'x',
        },
      }),
    ).rejects.toThrow('does not go with BenignPositive');
  });

  it('refuses to close without a classification', async () => {
    const close = { classificationComment: 'x' } as unknown as {
      classification: 'Undetermined';
      classificationComment: string;
    };

    await expect(incidents.update(MALICIOUS, { close })).rejects.toThrow(
      'closing needs a classification',
    );
  });

  it('reports an unknown incident as not found', async () => {
    await expect(incidents.get(MALICIOUS.replace('e7019832', 'ffffffff'))).rejects.toMatchObject({
      code: 'not-found',
    });
  });

  it('ingests a new trigger body once and keeps later changes when it arrives again', async () => {
    const body = JSON.parse(await readFile(join(SAMPLES, 'no-activity.json'), 'utf8')) as {
      object: { id: string };
    };
    const first = await incidents.ingest(body);
    await incidents.update(first.armId, { addLabels: ['seen'] });

    const again = await incidents.ingest(body);

    expect(again.number).toBe(4108);
    expect(again.labels.map((label) => label.labelName)).toEqual(['seen']);
  });

  it('leaves no temporary or lock files behind and never writes into the samples', async () => {
    const sample = await readFile(join(SAMPLES, 'malicious.json'), 'utf8');

    await Promise.all(
      Array.from({ length: 8 }, (_, i) => incidents.addComment(MALICIOUS, `c-${i}`, `<p>${i}</p>`)),
    );

    expect(
      (await readdir(join(state, 'incidents'))).filter((file) => !file.endsWith('.json')),
    ).toEqual([]);
    expect(
      (await readdir(join(state, 'incidents'))).filter((file) => file.startsWith('.')),
    ).toEqual([]);
    expect((await stored()).comments).toHaveLength(8);
    expect(await readFile(join(SAMPLES, 'malicious.json'), 'utf8')).toBe(sample);
  });
});
