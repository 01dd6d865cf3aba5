import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium, type BrowserContext, type Page } from 'playwright-core';

import type { VirtualClock } from '../../local/host/clock';
import type { LocalResponder } from '../../local/localResponder';
import { loadAntiForgeryKey } from '../../local/serve/antiForgeryKeyFile';
import { startLocalServer, type LocalServer } from '../../local/serve/localServer';
import { containmentInstanceId } from '../../shared/domain/containment';
import {
  clockAfterCreation,
  labIncident,
  LAB_APPROVER,
  nsgRules,
  openLabResponder,
  removeDirectory,
  respond,
  temporaryDirectory,
} from '../support/lab';

/**
 * The analyst's side in a real browser: Debian's chromium driven by playwright-core, against
 * `c2-responder serve` over the lab, with scripts enabled only in the browser's own tooling (the
 * pages have none). Screenshots are kept in test-results/browser/ as artefacts.
 */
const CHROMIUM = '/usr/bin/chromium';
const INDICATOR = '178.16.52.203:1889';
const CONTAINMENT = containmentInstanceId(INDICATOR);
const RULE_NAME = 'c2r-deny-178.16.52.203-1889';
const SCREENSHOTS = join(__dirname, '..', '..', 'test-results', 'browser');

jest.setTimeout(60_000);

/** The one browser API the tests read, typed here because the test build has no DOM library. */
interface BrowserWindow {
  getComputedStyle(element: unknown): { readonly backgroundColor: string };
}

let browser: BrowserContext | undefined;
let profile: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The browser tests need Debian's chromium at ${CHROMIUM}; install it with ` +
        '`apt-get update && apt-get install -y chromium` (.ci/run does).',
    );
  }
  profile = await mkdtemp(join(tmpdir(), 'c2r-chromium-'));
  await mkdir(SCREENSHOTS, { recursive: true });
  // A fresh profile (playwright takes it as userDataDir, not as --user-data-dir).
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    // The pages need no script; a page that did would fail these tests.
    javaScriptEnabled: false,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
});

interface Lab {
  readonly stateDirectory: string;
  readonly responder: LocalResponder;
  readonly clock: VirtualClock;
  readonly server: LocalServer;
  readonly context: BrowserContext;
  readonly page: Page;
}

let lab: Lab | undefined;

beforeEach(async () => {
  const stateDirectory = await temporaryDirectory('browser');
  const body = await labIncident('malicious');
  const clock = clockAfterCreation(body);
  const responder = await openLabResponder({ stateDirectory, clock });
  await respond(responder, body);
  const server = await startLocalServer({
    responder,
    port: 0,
    antiForgeryKey: await loadAntiForgeryKey(stateDirectory),
  });
  if (!browser) throw new Error('the browser did not start');
  const context = browser;
  await context.clearCookies();
  const page = await context.newPage();
  lab = { stateDirectory, responder, clock, server, context, page };
});

afterEach(async () => {
  if (!lab) return;
  await lab.page.close();
  await lab.server.close();
  await removeDirectory(lab.stateDirectory);
  lab = undefined;
});

function current(): Lab {
  if (!lab) throw new Error('the lab did not start');
  return lab;
}

async function signInAndOpenApprovalPage(page: Page, analyst = LAB_APPROVER): Promise<void> {
  await page.goto(`${current().server.url}/api/approvals/${CONTAINMENT}`);
  await expectHeading(page, 'Local sign-in');
  await page.getByLabel('Analyst (UPN)').fill(analyst);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expectHeading(page, `Block ${INDICATOR}?`);
}

async function expectHeading(page: Page, name: string): Promise<void> {
  await page.getByRole('heading', { level: 1, name }).waitFor({ timeout: 10_000 });
}

async function productRulesIn(nsg: 'nsg-fin-subnet' | 'nsg-app-subnet'): Promise<string[]> {
  const rules = await nsgRules(current().stateDirectory, nsg);
  return rules.map((rule) => rule.name).filter((name) => name.startsWith('c2r-'));
}

async function bodyText(page: Page): Promise<string> {
  return (await page.locator('main').innerText()).replace(/\s+/g, ' ');
}

describe('approval page in a browser', () => {
  it('shows the evidence and the exact plan, approves, writes the rules and shows them on the timeline', async () => {
    const { page } = current();
    await signInAndOpenApprovalPage(page);

    const text = await bodyText(page);
    expect(text).toContain('Decide before');
    expect(await page.locator('.local').innerText()).toContain('For local use only.');
    expect(text).toContain('Incident 4127: verdict malicious');
    expect(text).toContain(
      'svchost.exe in c:\\users\\user07\\appdata\\roaming\\microsoft\\svchost.exe',
    );
    expect(
      await page
        .getByRole('table', { name: /Rules to write \(2\)/ })
        .locator('tbody tr')
        .count(),
    ).toBe(2);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    // The stylesheet passes the page's Content-Security-Policy (by its hash).
    expect(
      await page
        .getByRole('button', { name: 'Approve the block' })
        .evaluate(
          (button) =>
            (globalThis as unknown as BrowserWindow).getComputedStyle(button).backgroundColor,
        ),
    ).toBe('rgb(11, 107, 45)');
    await page.screenshot({ path: join(SCREENSHOTS, 'approval-page.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(SCREENSHOTS, 'approval-page-phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });

    await page.getByLabel('Reason').fill('Beacon from a user folder, no change ticket & no owner.');
    await page.getByRole('button', { name: 'Approve the block' }).click();

    await expectHeading(page, 'Decision recorded');
    const result = await bodyText(page);
    expect(result).toContain(`${LAB_APPROVER} approved the block plan`);
    expect(result).toContain(`The containment ${CONTAINMENT} is now: done: blocked.`);
    expect(
      await page.getByRole('table', { name: 'Rules in force' }).locator('tbody tr').count(),
    ).toBe(2);
    await page.screenshot({ path: join(SCREENSHOTS, 'decision-result-page.png'), fullPage: true });
    expect(await productRulesIn('nsg-fin-subnet')).toEqual([RULE_NAME]);
    expect(await productRulesIn('nsg-app-subnet')).toEqual([RULE_NAME]);

    await page.getByRole('link', { name: 'Audit timeline' }).click();
    await expectHeading(page, 'Audit timeline of incident e7019832-f5b4-4b78-b528-9929bf0ec839');
    const timeline = await bodyText(page);
    expect(timeline).toMatch(
      /Hash chain verified: \d+ records in 2 partitions link up, match their hashes and end at the record each partition last wrote/,
    );
    expect(timeline).toContain('approval.submitted');
    expect(timeline).toContain('block.applied');
    expect(timeline).toContain('Beacon from a user folder, no change ticket & no owner.');
    const applied = page.locator('ol.timeline > li', { hasText: 'block.applied' }).first();
    expect(await applied.locator('pre').first().isVisible()).toBe(false);
    await applied.locator('summary').click();
    expect(await applied.locator('pre').first().isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: 'CSV' }).getAttribute('href')).toBe(
      '/api/audit?incident=e7019832-f5b4-4b78-b528-9929bf0ec839&limit=1000&format=csv',
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'audit-timeline-page.png'), fullPage: true });
  });

  it('rejects with a reason from the keyboard, and writes no rule', async () => {
    const { page } = current();
    await signInAndOpenApprovalPage(page);

    await page.getByLabel('Reason').focus();
    await page.keyboard.type('Authorised red-team infrastructure, ticket RT-1187.');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').innerText()).toBe('Reject the block');
    await page.keyboard.press('Enter');

    await expectHeading(page, 'Decision recorded');
    expect(await bodyText(page)).toContain(
      `The containment ${CONTAINMENT} is now: done: rejected.`,
    );
    expect(await productRulesIn('nsg-fin-subnet')).toEqual([]);
    expect(await productRulesIn('nsg-app-subnet')).toEqual([]);
  });

  it('refuses a rejection without a reason in a sentence, and the plan still waits', async () => {
    const { page } = current();
    await signInAndOpenApprovalPage(page);

    await page.getByRole('button', { name: 'Reject the block' }).click();

    await expectHeading(page, 'Decision not recorded');
    expect(await bodyText(page)).toContain(
      'A rejection needs a reason, so that the incidents left open explain why.',
    );
    expect(await bodyText(page)).toContain('is now: waiting for an analyst’s decision.');
  });

  it('refuses a decision that arrives after the deadline', async () => {
    const { page, responder } = current();
    await signInAndOpenApprovalPage(page);
    const status = await responder.host.getStatus(CONTAINMENT);
    const deadline = (status?.customStatus as { deadline: string }).deadline;

    current().clock.advanceTo(new Date(Date.parse(deadline) + 60_000));
    const answer = page.waitForResponse((response) => response.request().method() === 'POST');
    await page.getByRole('button', { name: 'Approve the block' }).click();

    expect((await answer).status()).toBe(410);
    await expectHeading(page, 'Decision not recorded');
    expect(await bodyText(page)).toContain(`after the deadline of ${deadline}`);
    expect(await productRulesIn('nsg-fin-subnet')).toEqual([]);
  });

  it('refuses a forged post without the token, though it carries the sign-in cookie', async () => {
    const { page, context } = current();
    await signInAndOpenApprovalPage(page);
    const planHash = await page.locator('input[name=planHash]').getAttribute('value');

    const forged = await context.request.post(
      `${current().server.url}/api/approvals/${CONTAINMENT}`,
      {
        form: { approve: 'true', planHash: planHash ?? '' },
      },
    );

    expect(forged.status()).toBe(403);
    expect((await forged.text()).replace(/\s+/g, ' ')).toContain(
      'The decision carries no form token, so it cannot be told apart from a forged request',
    );
    await page.reload();
    expect(await bodyText(page)).toContain('State waiting for an analyst’s decision');
    expect(await productRulesIn('nsg-fin-subnet')).toEqual([]);
  });

  it('does not let a page on another site post a decision with the analyst’s sign-in', async () => {
    const { page } = current();
    await signInAndOpenApprovalPage(page);
    const attacker = await attackerSite(`${current().server.url}/api/approvals/${CONTAINMENT}`);

    try {
      await page.goto(attacker.url);
      await page.getByRole('button', { name: 'Win a prize' }).click();
      await page.waitForLoadState();

      expect(await bodyText(page)).toContain('Sign in first');
      expect(await productRulesIn('nsg-fin-subnet')).toEqual([]);
    } finally {
      attacker.server.closeAllConnections();
      await new Promise((resolve) => attacker.server.close(resolve));
    }
  });

  it('shows a person who is not an approver the plan without the decision buttons', async () => {
    const { page } = current();
    await signInAndOpenApprovalPage(page, 'intern@contoso.com');

    expect(await bodyText(page)).toContain(
      'intern@contoso.com is not on the approver list for blocks, so this page shows the plan but takes no decision from you.',
    );
    expect(await page.getByRole('button', { name: 'Approve the block' }).count()).toBe(0);
  });
});

/** A page on another origin (another port) with a form that posts a decision to the product. */
async function attackerSite(target: string): Promise<{ server: Server; url: string }> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end(
      `<!doctype html><html lang="en"><title>Prize</title><form method="post" action="${target}">` +
        '<input type="hidden" name="approve" value="true"><input type="hidden" name="planHash" value="x">' +
        '<button type="submit">Win a prize</button></form></html>',
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  // Another host name is another site: the browser keeps the SameSite sign-in cookie to itself.
  return { server, url: `http://localhost:${(server.address() as AddressInfo).port}/` };
}
