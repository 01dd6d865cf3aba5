import type { BlockPlan } from '../domain/blockPlan';
import { renderPage } from './pageLayout';
import { planTable } from './planTable';
import { html } from './safeHtml';

export interface DecisionResultView {
  readonly localUse: boolean;
  readonly analyst?: string;
  readonly accepted: boolean;
  /** The sentence that says what happened, or why the decision was not recorded. */
  readonly message: string;
  readonly instanceId: string;
  readonly approvalPageUrl: string;
  /** Where the containment stands now, in words, when it could be read. */
  readonly state?: string;
  readonly resultSummary?: string;
  /** The rules in force, once the block is applied. */
  readonly appliedPlan?: BlockPlan;
  readonly timelineUrl?: string;
}

/** What the analyst sees after posting a decision from the approval page. */
export function renderDecisionResultPage(view: DecisionResultView): string {
  const body = html` <div
      class="notice ${view.accepted ? 'good' : 'bad'}"
      role="${view.accepted ? 'status' : 'alert'}"
    >
      <p>
        <strong>${view.accepted ? 'Decision recorded.' : 'Decision not recorded.'}</strong>
        ${view.message}
      </p>
    </div>
    ${view.state ? html`<p>The containment ${view.instanceId} is now: <strong>${view.state}</strong>.</p>` : ''}
    ${view.resultSummary ? html`<p>${view.resultSummary}</p>` : ''}
    ${
      view.appliedPlan
        ? html`${planTable(view.appliedPlan, 'Rules in force')}
            <p>An NSG rule stops new connections only: isolate the affected devices as well.</p>`
        : ''
    }
    <ul>
      <li><a href="${view.approvalPageUrl}">Back to the approval page</a></li>
      ${view.timelineUrl ? html`<li><a href="${view.timelineUrl}">Audit timeline</a></li>` : ''}
    </ul>`;

  return renderPage({
    title: view.accepted ? 'Decision recorded' : 'Decision not recorded',
    localUse: view.localUse,
    ...(view.analyst === undefined ? {} : { analyst: view.analyst }),
    body,
  });
}
