import type { AuditRecord, ChainVerification } from '../domain/auditRecord';
import { renderPage } from './pageLayout';
import { html, type SafeHtml } from './safeHtml';

export interface AuditTimelineView {
  readonly localUse: boolean;
  readonly analyst?: string;
  readonly incidentId: string;
  /** In time order, oldest first. */
  readonly records: readonly AuditRecord[];
  /** Set when more records exist than the page shows; the downloads page through all of them. */
  readonly truncated: boolean;
  readonly verification: ChainVerification;
  readonly csvUrl: string;
  readonly jsonUrl: string;
}

/** `GET /api/audit/view?incident=ID`: an incident's audit records as a timeline. */
export function renderAuditTimelinePage(view: AuditTimelineView): string {
  const { verification } = view;
  const body = html` <div class="notice ${verification.ok ? 'good' : 'bad'}" role="status">
      <p>
        <strong>${verification.ok ? 'Hash chain verified' : 'Hash chain broken'}:</strong>
        ${verification.records} records in ${verification.partitions}
        partitions${verification.ok ? ' link up, match their hashes and end at the record each partition last wrote: none was edited, removed or cut off.' : '. Some records were edited, removed or cut off:'}
      </p>
      <p>
        The chain shows changes to the records, not who made them: whoever can rewrite the whole
        audit store can write a consistent false history, so only the product's identity may write
        it.
      </p>
      ${
        verification.ok
          ? ''
          : html`<ul>
              ${verification.problems.map((problem) => html`<li>${problem}</li>`)}
            </ul>`
      }
    </div>
    <p>
      Downloads of the same records: <a href="${view.csvUrl}" download>CSV</a> ·
      <a href="${view.jsonUrl}">JSON</a>
    </p>
    ${view.truncated ? html`<p>Only the first ${view.records.length} records are shown here; the downloads hold them all.</p>` : ''}
    <h2>Records (${view.records.length})</h2>
    ${
      view.records.length === 0
        ? html`<p>No audit records name this incident.</p>`
        : html`<ol class="timeline">
            ${view.records.map(recordItem)}
          </ol>`
    }`;

  return renderPage({
    title: `Audit timeline of incident ${view.incidentId}`,
    localUse: view.localUse,
    ...(view.analyst === undefined ? {} : { analyst: view.analyst }),
    body,
  });
}

function recordItem(record: AuditRecord): SafeHtml {
  const changes = [
    ['Before', record.before],
    ['After', record.after],
    ['Details', record.details],
  ] as const;
  const shown = changes.filter(([, value]) => value !== undefined && value !== null);

  return html`<li class="${record.outcome}">
    <p>
      <time datetime="${record.time}">${record.time}</time> · <strong>${record.action}</strong> ·
      <span class="outcome">${record.outcome}</span>
    </p>
    <dl class="facts">
      <dt>Actor</dt>
      <dd>${record.actor}</dd>
      ${
        record.target
          ? html`<dt>Target</dt>
              <dd class="mono">${record.target}</dd>`
          : ''
      }
      ${
        record.reason
          ? html`<dt>Reason</dt>
              <dd>${record.reason}</dd>`
          : ''
      }
      <dt>Record</dt>
      <dd class="mono">${record.partition} #${record.sequence}</dd>
    </dl>
    ${
      shown.length
        ? html`<details>
            <summary>Show ${shown.map(([label]) => label.toLowerCase()).join(', ')}</summary>
            ${shown.map(
              ([label, value]) =>
                html`<h3>${label}</h3>
                  <pre>${JSON.stringify(value, null, 2)}</pre>`,
            )}
          </details>`
        : ''
    }
  </li>`;
}
