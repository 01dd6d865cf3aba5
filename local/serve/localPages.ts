import { renderPage } from '../../shared/pages/pageLayout';
import { html } from '../../shared/pages/safeHtml';
import type { InstanceStatus } from '../../shared/ports/orchestrationClient';

/** The local sign-in form: a name, no password; the page says so. */
export function renderSignInPage(next: string, problem?: string): string {
  return renderPage({
    title: 'Local sign-in',
    localUse: true,
    body: html` ${problem ? html`<div class="notice bad" role="alert"><p>${problem}</p></div>` : ''}
      <p>
        Name the analyst you act as. There is no password: this stand-in trusts the name, and the
        audit records it as given.
      </p>
      <form class="decision" method="post" action="/local/sign-in">
        <input type="hidden" name="next" value="${next}" />
        <label for="analyst">Analyst (UPN)</label>
        <p class="hint" id="analyst-hint">
          For example soc.analyst@contoso.com, an approver of the bundled demo settings.
        </p>
        <input
          type="text"
          id="analyst"
          name="analyst"
          autocomplete="username"
          required
          aria-describedby="analyst-hint"
        />
        <div class="buttons"><button class="plain" type="submit">Sign in</button></div>
      </form>`,
  });
}

/** What runs in the state directory, with the links to the pages. */
export function renderLocalIndexPage(
  instances: readonly InstanceStatus[],
  analyst: string | undefined,
): string {
  const containments = instances.filter((status) => status.instanceId.startsWith('contain-'));
  const incidents = instances.filter((status) => status.instanceId.startsWith('incident-'));
  const stage = (status: InstanceStatus) =>
    ((status.customStatus ?? {}) as { readonly stage?: string }).stage ?? status.runtimeStatus;

  return renderPage({
    title: 'Local responder',
    localUse: true,
    ...(analyst === undefined ? {} : { analyst }),
    body: html` <p>
        ${analyst ? html`<a href="/local/sign-out">Sign out</a>` : html`<a href="/local/sign-in">Sign in</a>`}
      </p>
      <h2>Containments</h2>
      ${
        containments.length === 0
          ? html`<p>
              None yet. Respond to an incident first, for example
              <code>c2-responder respond samples/incidents/malicious.json</code> with the same state
              directory.
            </p>`
          : html`<ul>
              ${containments.map((status) => html`<li><a href="/api/approvals/${encodeURIComponent(status.instanceId)}">${status.instanceId}</a>: ${stage(status)}</li>`)}
            </ul>`
      }
      <h2>Incidents</h2>
      ${
        incidents.length === 0
          ? html`<p>None yet.</p>`
          : html`<ul>
              ${incidents.map((status) => html`<li>${status.instanceId}: ${stage(status)} · <a href="/api/audit/view?incident=${encodeURIComponent(status.instanceId.replace(/^incident-/, ''))}">audit timeline</a></li>`)}
            </ul>`
      }`,
  });
}
