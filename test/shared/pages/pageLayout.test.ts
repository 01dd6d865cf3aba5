import { createHash } from 'node:crypto';

import { PAGE_SECURITY_POLICY, renderPage } from '../../../shared/pages/pageLayout';
import { html } from '../../../shared/pages/safeHtml';

describe('page layout', () => {
  const page = renderPage({
    title: 'Block <1.2.3.4:80>?',
    localUse: false,
    analyst: 'soc.analyst@contoso.com',
    body: html`<p>body</p>`,
  });

  it('declares the language, the viewport and one escaped title', () => {
    expect(page).toMatch(/^<!doctype html>\s*<html lang="en">/);
    expect(page).toContain(
      '<meta name="viewport" content="width=device-width, initial-scale=1" />',
    );
    expect(page).toContain('<title>Block &lt;1.2.3.4:80&gt;? · C2 responder</title>');
    expect(page).toMatch(/<h1>\s*Block &lt;1\.2\.3\.4:80&gt;\?\s*<\/h1>/);
  });

  it('offers a skip link to the main landmark', () => {
    expect(page).toContain('<a class="skip" href="#main">Skip to the content</a>');
    expect(page).toContain('<main id="main">');
  });

  it('lets the Content-Security-Policy admit its own stylesheet by hash and no script', () => {
    const style = /<style>([\s\S]*?)<\/style>/.exec(page)?.[1] ?? '';
    const hash = createHash('sha256').update(style, 'utf8').digest('base64');

    expect(style.length).toBeGreaterThan(100);
    expect(PAGE_SECURITY_POLICY).toContain(`style-src 'sha256-${hash}'`);
    expect(PAGE_SECURITY_POLICY).toContain("default-src 'none'");
    expect(PAGE_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(page).not.toContain('<script');
  });

  it('says it is for local use only when it is, and only then', () => {
    const local = renderPage({ title: 't', localUse: true, body: html`` });

    expect(local).toContain('<strong>For local use only.</strong>');
    expect(page).not.toContain('For local use only.');
  });
});
