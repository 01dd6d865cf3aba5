import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { createSentinelIncidents } from '../../shared/adapters/azure/sentinelIncidents';
import { ValidationError } from '../../shared/domain/validationError';
import { ConcurrencyError, NotFoundError } from '../../shared/ports/portErrors';
import { startSentinelFake } from './fakes/sentinelFake';
import type { SentinelFake } from './fakes/sentinelFake';
import { staticCredential } from './support/staticCredential';

function reference(file: string): { responses: { '200': { body: Record<string, unknown> } } } {
  return JSON.parse(readFileSync(join(__dirname, '../fixtures/reference', file), 'utf8')) as {
    responses: { '200': { body: Record<string, unknown> } };
  };
}

const incidentDoc = reference('sentinel_rest_incident_get_response.json').responses['200'].body as {
  id: string;
  properties: Record<string, unknown>;
};
const ARM_ID = incidentDoc.id;
const ipEntity = reference('sentinel_rest_entity_ip_get_response.json').responses['200'].body;
const entitiesDoc = reference('sentinel_rest_incident_entities_response.json').responses['200']
  .body as {
  entities: unknown[];
  metaData: unknown;
};
const alertsDoc = reference('sentinel_rest_incident_alerts_response.json').responses['200'].body;

let fake: SentinelFake;
const credential = staticCredential();

function adapter() {
  return createSentinelIncidents({
    credential,
    endpoint: fake.url,
    tlsOptions: { ca: fake.ca },
    retryOptions: { maxRetries: 1, retryDelayInMs: 5, maxRetryDelayInMs: 10 },
    maxUpdateAttempts: 3,
  });
}

beforeEach(async () => {
  fake = await startSentinelFake();
  const open = {
    ...incidentDoc,
    properties: {
      ...incidentDoc.properties,
      status: 'Active',
      classification: undefined,
      classificationReason: undefined,
      classificationComment: undefined,
      labels: [{ labelName: 'ThreatFox', labelType: 'AutoAssigned' }],
    },
  };
  fake.addIncident(
    open,
    { ...entitiesDoc, entities: [...entitiesDoc.entities, ipEntity] },
    alertsDoc,
  );
});

afterEach(async () => {
  await fake.close();
});

describe('Sentinel incidents adapter against a fake of Microsoft.SecurityInsights', () => {
  it('reads an incident with its entities and alerts under a token for ARM', async () => {
    const incident = await adapter().get(ARM_ID);

    expect(incident).toMatchObject({
      armId: ARM_ID,
      number: 3177,
      status: 'Active',
      ipAddresses: ['10.3.2.8'],
      entitiesComplete: true,
      etag: '"0300bf09-0000-0000-0000-5c37296e0000"',
    });
    expect(fake.requests.map((r) => `${r.method} ${r.path.split('/').at(-1)}`).sort()).toEqual([
      `GET ${incident.name}`,
      'POST alerts',
      'POST entities',
    ]);
    expect(credential.scopes).toContain('https://management.azure.com/.default');
  });

  it('closes as benign by sending back every property with the etag and keeping the labels', async () => {
    const incident = await adapter().update(ARM_ID, {
      addLabels: ['c2-responder', 'ThreatFox'],
      close: {
        classification: 'BenignPositive',
        classificationReason: 'SuspiciousButExpected',
        classificationComment: 'Explained by the software update scenario.',
      },
    });

    const put = fake.requests.find((r) => r.method === 'PUT')?.body as {
      etag: string;
      properties: Record<string, unknown>;
    };
    expect(put.etag).toBe('"0300bf09-0000-0000-0000-5c37296e0000"');
    expect(put.properties).toMatchObject({
      title: 'My incident',
      severity: 'High',
      description: 'This is a demo incident',
      owner: { objectId: '2046feea-040d-4a46-9e2b-91c2941bfa70' },
      status: 'Closed',
      classification: 'BenignPositive',
      classificationReason: 'SuspiciousButExpected',
    });
    expect(put.properties).not.toHaveProperty('incidentNumber');
    expect(incident.status).toBe('Closed');
    expect(incident.labels).toEqual([
      { labelName: 'ThreatFox', labelType: 'AutoAssigned' },
      { labelName: 'c2-responder', labelType: 'User' },
    ]);
  });

  it('re-reads and retries when someone else changed the incident meanwhile (409)', async () => {
    fake.editBeforeNextPut(2);

    const incident = await adapter().update(ARM_ID, { severity: 'Low' });

    expect(incident.severity).toBe('Low');
    expect(fake.counters).toEqual({ puts: 3, conflicts: 2 });
  });

  it('gives up with ConcurrencyError after a bounded number of stale etags', async () => {
    fake.editBeforeNextPut(10);

    const error = await adapter()
      .update(ARM_ID, { severity: 'Low' })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ConcurrencyError);
    expect(fake.counters.puts).toBe(3);
    expect(fake.incident(ARM_ID)?.resource.properties.severity).toBe('High');
  });

  it('passes on the refusal to close a determined classification without its reason', async () => {
    const error = await adapter()
      .update(ARM_ID, {
        close: { classification: 'BenignPositive', classificationComment: 'no reason given' },
      })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toContain('Classification reason undefined is not valid');
    expect(fake.incident(ARM_ID)?.resource.properties.status).toBe('Active');
  });

  it('writes a comment once under the id the caller chose, however often it is retried', async () => {
    const incidents = adapter();
    const id = '5f1c2d3e-0000-8000-8000-000000000001';

    await incidents.addComment(ARM_ID, id, '<p>Verdict: malicious</p>');
    await incidents.addComment(ARM_ID, id, '<p>Verdict: malicious</p>');

    expect([...(fake.incident(ARM_ID)?.comments.entries() ?? [])]).toEqual([
      [id, '<p>Verdict: malicious</p>'],
    ]);
  });

  it('refuses a comment over 30,000 characters before sending it', async () => {
    const error = await adapter()
      .addComment(ARM_ID, '5f1c2d3e-0000-8000-8000-000000000002', 'x'.repeat(30_001))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ValidationError);
    expect(fake.requests).toHaveLength(0);
  });

  it('reports an unknown incident as NotFoundError', async () => {
    const error = await adapter()
      .get(ARM_ID.replace('73e01a99', '00000000'))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(NotFoundError);
  });
});
