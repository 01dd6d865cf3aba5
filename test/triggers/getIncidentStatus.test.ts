import { AZURE_ENVIRONMENT, BRIDGE, createHarness, type Harness } from './triggerHarness';

const INCIDENT = 'e7019832-f5b4-4b78-b528-9929bf0ec839';
const CONTAINMENT = 'contain-203.0.113.77_8808';

describe('GET /api/incidents/{incidentId}', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await createHarness();
  });
  afterEach(() => harness.close());

  it('combines the incident’s stage with its containment’s plan, deadline and approval link', async () => {
    harness.client.put(`incident-${INCIDENT}`, {
      name: 'respondToIncident',
      runtimeStatus: 'Running',
      customStatus: {
        stage: 'containing',
        verdict: 'malicious',
        containments: [{ indicator: '203.0.113.77:8808', instanceId: CONTAINMENT }],
      },
    });
    harness.client.put(CONTAINMENT, {
      name: 'containIndicator',
      runtimeStatus: 'Running',
      customStatus: {
        stage: 'awaiting-approval',
        indicator: '203.0.113.77:8808',
        incidents: [
          { armId: 'a', name: INCIDENT, number: 4127, instanceId: `incident-${INCIDENT}` },
        ],
        plan: { hash: 'abc', rules: [] },
        deadline: '2025-03-04T14:00:00.000Z',
        approvalUrl: `https://c2r.contoso.example/api/approvals/${CONTAINMENT}`,
      },
    });

    const answer = await harness.invoke('GET', `/api/incidents/${INCIDENT}`, { headers: BRIDGE });

    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      incidentId: INCIDENT,
      instanceId: `incident-${INCIDENT}`,
      runtimeStatus: 'Running',
      stage: 'containing',
      verdict: 'malicious',
      containments: [
        {
          indicator: '203.0.113.77:8808',
          instanceId: CONTAINMENT,
          runtimeStatus: 'Running',
          stage: 'awaiting-approval',
          plan: { hash: 'abc', rules: [] },
          deadline: '2025-03-04T14:00:00.000Z',
          approvalUrl: `https://c2r.contoso.example/api/approvals/${CONTAINMENT}`,
          incidents: [4127],
        },
      ],
      createdTime: '2025-03-04T10:00:00.000Z',
      lastUpdatedTime: '2025-03-04T10:00:00.000Z',
    });
  });

  it('shows the verdict’s reasons and the outcome once the response is done', async () => {
    harness.client.put(`incident-${INCIDENT}`, {
      name: 'respondToIncident',
      runtimeStatus: 'Completed',
      customStatus: { stage: 'done', verdict: 'benign', outcome: 'closed-benign' },
      output: {
        verdict: { kind: 'benign', reasons: ['Every finding is a Windows Update download.'] },
      },
    });

    const answer = await harness.invoke('GET', `/api/incidents/${INCIDENT}`, { headers: BRIDGE });

    expect(answer.json).toMatchObject({
      stage: 'done',
      verdict: 'benign',
      outcome: 'closed-benign',
      verdictReasons: ['Every finding is a Windows Update download.'],
      containments: [],
    });
  });

  it('answers 404 for an incident without a response', async () => {
    const answer = await harness.invoke('GET', `/api/incidents/${INCIDENT}`, { headers: BRIDGE });

    expect(answer.status).toBe(404);
    expect(answer.json).toEqual({
      accepted: false,
      code: 'unknown-incident',
      message: `No response to incident ${INCIDENT} exists.`,
    });
  });

  it('answers 400 for an id that is not an incident GUID', async () => {
    const answer = await harness.invoke('GET', '/api/incidents/4127', { headers: BRIDGE });

    expect(answer.status).toBe(400);
    expect(answer.json.code).toBe('invalid-input');
  });

  it('refuses an anonymous reader in Azure mode', async () => {
    const answer = await harness.invoke('GET', `/api/incidents/${INCIDENT}`);

    expect(answer.status).toBe(401);
  });

  it('lets an anonymous reader in a local run without authentication', async () => {
    await harness.close();
    harness = await createHarness({
      C2R_MODE: 'local',
      C2R_NSG_IDS: AZURE_ENVIRONMENT.C2R_NSG_IDS!,
    });

    const answer = await harness.invoke('GET', `/api/incidents/${INCIDENT}`);

    expect(answer.status).toBe(404);
  });
});
