import type { BlockPlan } from '../domain/blockPlan';
import type { JudgedFinding } from '../domain/finding';
import type { VerdictKind } from '../domain/verdict';
import { findingsTable } from './findingsTable';
import { renderPage } from './pageLayout';
import { planTable } from './planTable';
import { html, type SafeHtml } from './safeHtml';

/** One incident behind a containment, with the evidence of its verdict. */
export interface IncidentEvidence {
  readonly name: string;
  readonly number: number;
  readonly verdict?: VerdictKind;
  readonly reasons: readonly string[];
  readonly findings: readonly JudgedFinding[];
  readonly timelineUrl: string;
}

/** What the page offers the signed-in analyst. */
export type DecisionOffer =
  | {
      readonly kind: 'form';
      readonly postUrl: string;
      readonly token: string;
      readonly planHash: string;
      /** Set when even an approval needs a reason, with the sentence that says why. */
      readonly approvalNeedsReason?: string;
    }
  /** Why no decision can be taken here now, in a plain sentence. */
  | { readonly kind: 'closed'; readonly message: string };

export interface ApprovalPageView {
  readonly localUse: boolean;
  readonly analyst?: string;
  readonly instanceId: string;
  readonly indicator: string;
  /** Where the containment stands, in words. */
  readonly state: string;
  readonly plan?: BlockPlan;
  readonly deadline?: string;
  readonly lastRefusal?: string;
  /** The containment's result sentence once it has one. */
  readonly resultSummary?: string;
  readonly incidents: readonly IncidentEvidence[];
  readonly offer: DecisionOffer;
}

/** `GET /api/approvals/{instanceId}`: the incidents, the evidence, the exact plan, the decision. */
export function renderApprovalPage(view: ApprovalPageView): string {
  const body = html` <section aria-labelledby="summary-heading">
      <h2 id="summary-heading">What is asked</h2>
      <dl class="facts">
        <dt>Indicator</dt>
        <dd class="mono">${view.indicator}</dd>
        <dt>Incidents</dt>
        <dd>
          ${view.incidents.map((incident) => `#${incident.number}`).join(', ') || 'none recorded'}
        </dd>
        <dt>State</dt>
        <dd>${view.state}</dd>
        ${
          view.deadline
            ? html`<dt>Decide before</dt>
                <dd><time datetime="${view.deadline}">${view.deadline}</time> (UTC)</dd>`
            : ''
        }
        ${
          view.plan
            ? html`<dt>Rules expire</dt>
                <dd><time datetime="${view.plan.expiresAt}">${view.plan.expiresAt}</time> (UTC)</dd>
                <dt>Plan hash</dt>
                <dd class="mono">${view.plan.hash}</dd>`
            : ''
        }
        <dt>Containment</dt>
        <dd class="mono">${view.instanceId}</dd>
      </dl>
      ${
        view.resultSummary
          ? html`<div class="notice" role="status">
              <p><strong>Result:</strong> ${view.resultSummary}</p>
            </div>`
          : ''
      }
      ${
        view.lastRefusal
          ? html`<div class="notice bad">
              <p><strong>The last decision was not counted:</strong> ${view.lastRefusal}</p>
            </div>`
          : ''
      }
    </section>
    ${decisionSection(view)}
    <section aria-labelledby="plan-heading">
      <h2 id="plan-heading">The plan</h2>
      ${
        view.plan
          ? html`<p>
                Each rule denies outbound traffic to the indicator in one NSG. An NSG rule stops new
                connections only: isolate the affected devices as well.
              </p>
              ${planTable(view.plan, `Rules to write (${view.plan.rules.length})`)}`
          : html`<p>No plan has been made for this containment.</p>`
      }
    </section>
    <section aria-labelledby="evidence-heading">
      <h2 id="evidence-heading">The evidence</h2>
      ${view.incidents.length === 0 ? html`<p>No incident has been recorded for this containment.</p>` : ''}
      ${view.incidents.map((incident) => incidentSection(incident))}
    </section>`;

  return renderPage({
    title: `Block ${view.indicator}?`,
    localUse: view.localUse,
    ...(view.analyst === undefined ? {} : { analyst: view.analyst }),
    body,
  });
}

function decisionSection(view: ApprovalPageView): SafeHtml {
  const offer = view.offer;
  if (offer.kind === 'closed') {
    return html`<section aria-labelledby="decision-heading">
      <h2 id="decision-heading">Decision</h2>
      <div class="notice"><p>${offer.message}</p></div>
    </section>`;
  }

  return html`<section aria-labelledby="decision-heading">
    <h2 id="decision-heading">Decision</h2>
    <form class="decision" method="post" action="${offer.postUrl}">
      <input type="hidden" name="planHash" value="${offer.planHash}" />
      <input type="hidden" name="antiForgeryToken" value="${offer.token}" />
      <label for="reason">Reason</label>
      <p class="hint" id="reason-hint">
        ${offer.approvalNeedsReason ?? 'Required to reject, optional to approve. It goes into the audit record and the incident comment.'}
      </p>
      <textarea
        id="reason"
        name="reason"
        rows="3"
        maxlength="1000"
        aria-describedby="reason-hint"
      ></textarea>
      <div class="buttons">
        <button class="approve" type="submit" name="approve" value="true">Approve the block</button>
        <button class="reject" type="submit" name="approve" value="false">Reject the block</button>
      </div>
    </form>
  </section>`;
}

function incidentSection(incident: IncidentEvidence): SafeHtml {
  return html`<article aria-labelledby="incident-${incident.number}">
    <h3 id="incident-${incident.number}">
      Incident ${incident.number}${incident.verdict ? html`: verdict ${incident.verdict}` : ''}
    </h3>
    ${
      incident.reasons.length
        ? html`<ul>
            ${incident.reasons.map((reason) => html`<li>${reason}</li>`)}
          </ul>`
        : html`<p>No verdict has been recorded yet.</p>`
    }
    ${findingsTable(incident.findings, `Findings of incident ${incident.number} (${incident.findings.length})`)}
    <p><a href="${incident.timelineUrl}">Audit timeline of incident ${incident.number}</a></p>
  </article>`;
}
