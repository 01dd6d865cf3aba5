import {
  AZURE_ENVIRONMENT,
  BRIDGE,
  createHarness,
  principalHeader,
  sampleIncident,
  type Harness,
} from './triggerHarness';

const MALICIOUS_ID = 'e7019832-f5b4-4b78-b528-9929bf0ec839';
const MALICIOUS_INSTANCE = `incident-${MALICIOUS_ID}`;

describe('POST /api/incidents', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await createHarness();
  });
  afterEach(() => harness.close());

  it('starts one response for the lab incident and answers with the product status link', async () => {
    const answer = await harness.invoke('POST', '/api/incidents', {
      body: await sampleIncident('malicious'),
      headers: BRIDGE,
    });

    expect(answer.status).toBe(202);
    const statusUrl = `https://c2r.contoso.example/api/incidents/${MALICIOUS_ID}`;
    expect(answer.json).toMatchObject({
      accepted: true,
      instanceId: MALICIOUS_INSTANCE,
      statusUrl,
    });
    expect(answer.headers.get('location')).toBe(statusUrl);
    expect(answer.text).not.toMatch(/runtime\/webhooks|code=|systemKey|sendEventPostUri/i);
    expect(harness.client.started).toEqual([
      {
        orchestrator: 'respondToIncident',
        instanceId: MALICIOUS_INSTANCE,
        input: {
          incidentArmId: expect.stringMatching(
            /\/Incidents\/e7019832-f5b4-4b78-b528-9929bf0ec839$/,
          ),
          incidentName: MALICIOUS_ID,
          settings: harness.configuration.response,
        },
      },
    ]);
    const records = await harness.auditRecords();
    expect(records.map((r) => [r.partition, r.action, r.outcome, r.incidentNumber])).toEqual([
      [MALICIOUS_ID, 'incident.received', 'succeeded', 4127],
    ]);
  });

  it('starts nothing for a duplicate delivery and points at the existing response', async () => {
    const body = await sampleIncident('malicious');
    await harness.invoke('POST', '/api/incidents', { body, headers: BRIDGE });
    harness.client.put(MALICIOUS_INSTANCE, {
      name: 'respondToIncident',
      runtimeStatus: 'Running',
      customStatus: { stage: 'hunting' },
    });

    const again = await harness.invoke('POST', '/api/incidents', { body, headers: BRIDGE });

    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({
      accepted: true,
      duplicate: true,
      instanceId: MALICIOUS_INSTANCE,
    });
    expect(again.headers.get('location')).toBe(
      `https://c2r.contoso.example/api/incidents/${MALICIOUS_ID}`,
    );
    expect(harness.client.started).toHaveLength(1);
    expect((await harness.client.getStatus(MALICIOUS_INSTANCE))?.customStatus).toEqual({
      stage: 'hunting',
    });
    const actions = (await harness.auditRecords()).map((r) => `${r.action}/${r.outcome}`);
    expect(actions).toEqual(['incident.received/succeeded', 'incident.received/skipped']);
  });

  it('does not start a finished incident again', async () => {
    harness.client.put(MALICIOUS_INSTANCE, {
      name: 'respondToIncident',
      runtimeStatus: 'Completed',
    });

    const answer = await harness.invoke('POST', '/api/incidents', {
      body: await sampleIncident('malicious'),
      headers: BRIDGE,
    });

    expect(answer.status).toBe(200);
    expect(answer.json.message).toBe(
      'A response to incident 4127 already exists (Completed); nothing new was started.',
    );
    expect(harness.client.started).toEqual([]);
  });

  it('starts a new response when the previous one failed, and audits why', async () => {
    harness.client.put(MALICIOUS_INSTANCE, {
      name: 'respondToIncident',
      runtimeStatus: 'Failed',
      output: 'Activity function runHunt failed: EIO',
    });

    const answer = await harness.invoke('POST', '/api/incidents', {
      body: await sampleIncident('malicious'),
      headers: BRIDGE,
    });

    expect(answer.status).toBe(202);
    expect(answer.json.message).toBe(
      'The previous response to incident 4127 failed; a new one has started.',
    );
    expect(harness.client.started.map((s) => s.instanceId)).toEqual([MALICIOUS_INSTANCE]);
    expect((await harness.client.getStatus(MALICIOUS_INSTANCE))?.runtimeStatus).toBe('Pending');
    const records = await harness.auditRecords();
    expect(records.map((r) => [r.action, r.outcome])).toEqual([['incident.received', 'succeeded']]);
    expect(records[0]?.reason).toMatch(
      /^the previous response failed \(.+\); a new one was started$/,
    );
  });

  it('starts each lab incident under its own instance', async () => {
    for (const name of ['malicious', 'benign', 'no-activity'] as const) {
      const answer = await harness.invoke('POST', '/api/incidents', {
        body: await sampleIncident(name),
        headers: BRIDGE,
      });
      expect(answer.status).toBe(202);
    }

    expect(harness.client.started.map((s) => s.instanceId)).toEqual([
      MALICIOUS_INSTANCE,
      'incident-ef97da8a-157a-456f-b039-96ab3ea72873',
      'incident-1a00b601-974b-416d-8d08-dcdc5ae766b5',
    ]);
  });

  it('lists every problem of a bad body in one 400 and starts nothing', async () => {
    const incident = JSON.parse(await sampleIncident('malicious')) as {
      object: { name: string; properties: Record<string, unknown> };
    };
    incident.object.name = 'not-a-guid';
    incident.object.properties.severity = 'Critical';
    delete incident.object.properties.incidentNumber;

    const answer = await harness.invoke('POST', '/api/incidents', {
      body: JSON.stringify(incident),
      headers: BRIDGE,
    });

    expect(answer.status).toBe(400);
    expect(answer.json.code).toBe('invalid-input');
    const problems = answer.json.problems as string[];
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^object\.name: /),
        expect.stringMatching(/^object\.properties\.severity: /),
        expect.stringMatching(/^object\.properties\.incidentNumber: /),
      ]),
    );
    expect(harness.client.started).toEqual([]);
    expect(await harness.auditRecords()).toEqual([]);
  });

  it('refuses a body that is not JSON without quoting it', async () => {
    const answer = await harness.invoke('POST', '/api/incidents', {
      body: '{"object": secret-token-123',
      headers: BRIDGE,
    });

    expect(answer.status).toBe(400);
    expect(answer.json.problems).toEqual(['(body): is not valid JSON']);
    expect(answer.text).not.toContain('secret-token-123');
    expect(harness.client.started).toEqual([]);
  });

  it('refuses an incident of another Sentinel workspace', async () => {
    const body = (await sampleIncident('malicious')).replaceAll('law-sentinel-prod', 'law-other');

    const answer = await harness.invoke('POST', '/api/incidents', { body, headers: BRIDGE });

    expect(answer.status).toBe(400);
    expect(answer.json.problems).toEqual([
      expect.stringContaining(
        'object.id: the incident is not in the configured Sentinel workspace',
      ),
    ]);
    expect(harness.client.started).toEqual([]);
  });

  it('refuses a caller without an authenticated identity', async () => {
    const answer = await harness.invoke('POST', '/api/incidents', {
      body: await sampleIncident('malicious'),
    });

    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({
      accepted: false,
      code: 'unauthorised',
      message: 'Sign in first: the request carries no authenticated identity.',
    });
    expect(harness.client.started).toEqual([]);
  });

  it('refuses a signed-in caller that is not the bridge identity', async () => {
    const answer = await harness.invoke('POST', '/api/incidents', {
      body: await sampleIncident('malicious'),
      headers: principalHeader({
        oid: '11111111-2222-4333-8444-555555555555',
        upn: 'someone@contoso.com',
      }),
    });

    expect(answer.status).toBe(401);
    expect(answer.json.message).toBe('Only the configured bridge identity may submit incidents.');
    expect(harness.client.started).toEqual([]);
  });

  it('refuses every caller in Azure mode when App Service Authentication is off', async () => {
    await harness.close();
    harness = await createHarness({ ...AZURE_ENVIRONMENT, WEBSITE_AUTH_ENABLED: '' });

    const answer = await harness.invoke('POST', '/api/incidents', {
      body: await sampleIncident('malicious'),
      headers: BRIDGE,
    });

    expect(answer.status).toBe(401);
    expect(answer.json.message).toMatch(/^App Service Authentication is not enabled for this app/);
    expect(harness.client.started).toEqual([]);
  });

  it('accepts the incident anonymously in a local run without authentication', async () => {
    await harness.close();
    harness = await createHarness({
      C2R_MODE: 'local',
      C2R_NSG_IDS: AZURE_ENVIRONMENT.C2R_NSG_IDS!,
      C2R_APPROVERS: AZURE_ENVIRONMENT.C2R_APPROVERS!,
    });

    const answer = await harness.invoke('POST', '/api/incidents', {
      body: await sampleIncident('benign'),
    });

    expect(answer.status).toBe(202);
    expect(answer.headers.get('location')).toBe(
      'http://127.0.0.1:7071/api/incidents/ef97da8a-157a-456f-b039-96ab3ea72873',
    );
    expect((await harness.auditRecords())[0]?.actor).toBe('anonymous (local, authentication off)');
  });

  it('logs the incident and instance ids but never the body', async () => {
    await harness.invoke('POST', '/api/incidents', {
      body: await sampleIncident('malicious'),
      headers: BRIDGE,
    });

    expect(harness.logs).toEqual([
      `information: incident ${MALICIOUS_ID} (instance ${MALICIOUS_INSTANCE}): response started for incident 4127`,
    ]);
  });
});
