import { createHash } from 'node:crypto';

import { html, SafeHtml } from './safeHtml';

export interface PageFrame {
  readonly title: string;
  /** Set when the product runs on one machine: every page then says the sign-in is a stand-in. */
  readonly localUse: boolean;
  /** Who is signed in, when known. */
  readonly analyst?: string;
  readonly body: SafeHtml;
}

/*
 * One stylesheet inline, so that the page needs nothing else and no script at all. Colours keep a
 * contrast ratio of at least 4.5:1 against their background (WCAG 2.2, 1.4.3); state is always
 * also said in words, never by colour alone (1.4.1); focus is always visible (2.4.7).
 */
const STYLE = `
*,*::before,*::after{box-sizing:border-box}
html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:100%;line-height:1.5;color:#1b1b1b;background:#fff}
body{margin:0;overflow-wrap:break-word}
main p,main li{overflow-wrap:anywhere}
a{color:#0b4fa8}
a:focus-visible,button:focus-visible,textarea:focus-visible,input:focus-visible,summary:focus-visible,[tabindex]:focus-visible{outline:3px solid #1b1b1b;outline-offset:2px}
.skip{position:absolute;left:-999px}
.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem;z-index:1}
header.site{background:#1f2a37;color:#fff;padding:.75rem 1rem}
header.site a{color:#fff}
header.site p{margin:0}
.local{background:#fff4ce;color:#3b2c00;border-bottom:2px solid #8a6d00;padding:.5rem 1rem;margin:0}
main{max-width:72rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;line-height:1.25;margin:.5rem 0 1rem}
h2{font-size:1.25rem;margin:1.75rem 0 .5rem}
h3{font-size:1.05rem;margin:1.25rem 0 .5rem}
.notice{border-left:6px solid #0b4fa8;background:#eef4fc;padding:.75rem 1rem;margin:1rem 0}
.notice.bad{border-color:#a4262c;background:#fdf1f1}
.notice.good{border-color:#0b6b2d;background:#eef8f1}
.notice p{margin:.25rem 0}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}
dl.facts dt{font-weight:600}
dl.facts dd{margin:0;overflow-wrap:anywhere}
.scroll{overflow-x:auto;margin:.5rem 0}
table{border-collapse:collapse;width:100%;font-size:.925rem}
caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{border:1px solid #8c8c8c;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#eef0f3}
td.num{text-align:right;font-variant-numeric:tabular-nums}
td.process{min-width:16rem;overflow-wrap:anywhere}
td.endpoint{white-space:nowrap}
code,.mono{font-family:ui-monospace,SFMono-Regular,Consolas,monospace;font-size:.9em;overflow-wrap:anywhere}
form.decision{border:1px solid #8c8c8c;padding:1rem;margin:1rem 0;max-width:40rem}
label{display:block;font-weight:600;margin-bottom:.25rem}
textarea,input[type=text]{width:100%;font:inherit;padding:.5rem;border:1px solid #5c5c5c;border-radius:4px}
.hint{color:#4a4a4a;margin:.25rem 0 .75rem}
.buttons{display:flex;flex-wrap:wrap;gap:.75rem;margin-top:1rem}
button{font:inherit;font-weight:600;padding:.6rem 1.25rem;border-radius:4px;border:2px solid transparent;cursor:pointer;min-height:44px}
button.approve{background:#0b6b2d;color:#fff}
button.reject{background:#fff;color:#a4262c;border-color:#a4262c}
button.plain{background:#0b4fa8;color:#fff}
ol.timeline{list-style:none;padding:0;margin:0}
ol.timeline li{border-left:4px solid #5c5c5c;padding:.5rem .75rem;margin:0 0 .75rem}
ol.timeline li.refused,ol.timeline li.failed{border-color:#a4262c}
ol.timeline li.succeeded{border-color:#0b6b2d}
.outcome{font-weight:600}
pre{background:#f5f6f8;padding:.5rem;overflow-x:auto;font-size:.85rem;white-space:pre-wrap;overflow-wrap:anywhere}
@media (max-width:40rem){main{padding:.75rem}dl.facts{grid-template-columns:1fr}dl.facts dd{margin-bottom:.5rem}h1{font-size:1.35rem}}
`.trim();

// The stylesheet is a constant of this file, not input, so it is taken as it is.
const STYLE_ELEMENT = new SafeHtml(`<style>${STYLE}</style>`);

/**
 * The Content-Security-Policy of every page: no script at all, only this stylesheet (by its hash,
 * CSP level 2), no framing (clickjacking a decision), and forms post only to this app.
 */
export const PAGE_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE, 'utf8').digest('base64')}'`,
  "img-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const LOCAL_NOTICE = html`<p class="local" role="note">
  <strong>For local use only.</strong> This is the command line's local server: the sign-in is a
  stand-in that trusts the name you type, and nothing here is protected. In Azure, App Service
  Authentication signs analysts in.
</p>`;

/** A whole page: language, title, landmarks, a skip link, and the local-use notice when local. */
export function renderPage(frame: PageFrame): string {
  const page = html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>${frame.title} · C2 responder</title>
        ${STYLE_ELEMENT}
      </head>
      <body>
        <a class="skip" href="#main">Skip to the content</a>
        <header class="site">
          <p>
            Sentinel C2
            responder${frame.analyst ? html` · signed in as <strong>${frame.analyst}</strong>` : ''}
          </p>
        </header>
        ${frame.localUse ? LOCAL_NOTICE : ''}
        <main id="main">
          <h1>${frame.title}</h1>
          ${frame.body}
        </main>
      </body>
    </html> `;

  return page.text;
}
