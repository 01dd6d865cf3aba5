import { stat } from 'node:fs/promises';
import { join } from 'node:path';

import type { LocalResponder } from '../../../local/localResponder';
import { ANTI_FORGERY_KEY_FILE, loadAntiForgeryKey } from '../../../local/serve/antiForgeryKeyFile';
import { startLocalServer, type LocalServer } from '../../../local/serve/localServer';
import { containmentInstanceId } from '../../../shared/domain/containment';
import {
  clockAfterCreation,
  labIncident,
  LAB_APPROVER,
  nsgRules,
  openLabResponder,
  removeDirectory,
  respond,
  temporaryDirectory,
} from '../../support/lab';

const CONTAINMENT = containmentInstanceId('178.16.52.203:1889');
const INCIDENT = 'e7019832-f5b4-4b78-b528-9929bf0ec839';
const AS_APPROVER = { 'x-c2r-local-analyst': LAB_APPROVER };

let stateDirectory: string;
let responder: LocalResponder;
let server: LocalServer;

beforeEach(async () => {
  stateDirectory = await temporaryDirectory('serve');
  const body = await labIncident('malicious');
  responder = await openLabResponder({ stateDirectory, clock: clockAfterCreation(body) });
  await respond(responder, body);
  server = await startLocalServer({
    responder,
    port: 0,
    antiForgeryKey: await loadAntiForgeryKey(stateDirectory),
  });
});

afterEach(async () => {
  await server.close();
  await removeDirectory(stateDirectory);
});

function get(path: string, headers: Record<string, string> = {}) {
  return fetch(`${server.url}${path}`, { headers, redirect: 'manual' });
}

function planHash(): Promise<string> {
  return responder.host
    .getStatus(CONTAINMENT)
    .then((status) => (status?.customStatus as { plan: { hash: string } }).plan.hash);
}

describe('local server', () => {
  it('listens on 127.0.0.1 only', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('sends a person without a sign-in to the local sign-in form, then back', async () => {
    const page = await get(`/api/approvals/${CONTAINMENT}`);

    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe(
      `/local/sign-in?next=${encodeURIComponent(`/api/approvals/${CONTAINMENT}`)}`,
    );

    const signIn = await fetch(`${server.url}/local/sign-in`, {
      method: 'POST',
      body: new URLSearchParams({ analyst: LAB_APPROVER, next: `/api/approvals/${CONTAINMENT}` }),
      redirect: 'manual',
    });
    expect(signIn.status).toBe(303);
    expect(signIn.headers.get('location')).toBe(`/api/approvals/${CONTAINMENT}`);
    expect(signIn.headers.get('set-cookie')).toBe(
      'c2r-local-analyst=soc.analyst%40contoso.com; Path=/; HttpOnly; SameSite=Strict',
    );
  });

  it('never sends the sign-in on to another site', async () => {
    const signIn = await fetch(`${server.url}/local/sign-in`, {
      method: 'POST',
      body: new URLSearchParams({ analyst: LAB_APPROVER, next: '//evil.example/phish' }),
      redirect: 'manual',
    });

    expect(signIn.headers.get('location')).toBe('/');
  });

  it('refuses a name that is not like a UPN', async () => {
    const signIn = await fetch(`${server.url}/local/sign-in`, {
      method: 'POST',
      body: new URLSearchParams({ analyst: '<script>', next: '/' }),
      redirect: 'manual',
    });

    expect(signIn.status).toBe(400);
    expect(await signIn.text()).toContain('Give a name like a UPN');
  });

  it('drops a principal header the client made up', async () => {
    const forged = Buffer.from(
      JSON.stringify({
        auth_typ: 'aad',
        claims: [{ typ: 'preferred_username', val: LAB_APPROVER }],
      }),
    ).toString('base64');

    const answer = await fetch(`${server.url}/api/approvals/${CONTAINMENT}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-ms-client-principal': forged },
      body: JSON.stringify({ approve: true, planHash: await planHash() }),
    });

    expect(answer.status).toBe(401);
    expect(await answer.json()).toMatchObject({ accepted: false, code: 'unauthorised' });
    expect((await responder.host.getStatus(CONTAINMENT))?.runtimeStatus).toBe('Running');
  });

  it('serves the JSON API from the same handlers and runs the host until the block is applied', async () => {
    const answer = await fetch(`${server.url}/api/approvals/${CONTAINMENT}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...AS_APPROVER },
      body: JSON.stringify({ approve: true, planHash: await planHash(), reason: 'beacon' }),
    });

    expect(answer.status).toBe(202);
    expect((await responder.host.getStatus(CONTAINMENT))?.runtimeStatus).toBe('Completed');
    const rules = await nsgRules(stateDirectory, 'nsg-fin-subnet');
    expect(rules.map((rule) => rule.name)).toContain('c2r-deny-178.16.52.203-1889');

    const audit = await get(`/api/audit?incident=${INCIDENT}&action=block.applied`, AS_APPROVER);
    const body = (await audit.json()) as { records: { action: string }[] };
    expect(body.records.map((record) => record.action)).toEqual(['block.applied', 'block.applied']);
  });

  it('answers 404 in JSON for an address no function serves', async () => {
    const answer = await get('/api/nothing-here');

    expect(answer.status).toBe(404);
    expect(await answer.json()).toEqual({
      accepted: false,
      code: 'not-found',
      message: 'Nothing is served at this address.',
    });
  });

  it('lists the containments with their approval pages on its front page, for local use only', async () => {
    const page = await (await get('/', AS_APPROVER)).text();

    expect(page).toContain(`href="/api/approvals/${CONTAINMENT}"`);
    expect(page).toContain('For local use only.');
  });
});

describe('local anti-forgery key', () => {
  it('is made once per state directory, readable by its owner only', async () => {
    const again = await loadAntiForgeryKey(stateDirectory);
    const first = await loadAntiForgeryKey(stateDirectory);
    const file = await stat(join(stateDirectory, ANTI_FORGERY_KEY_FILE));

    expect(Buffer.from(again).equals(Buffer.from(first))).toBe(true);
    expect(again.length).toBe(32);
    expect(file.mode & 0o777).toBe(0o600);
  });
});
