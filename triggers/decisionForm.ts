import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';

import type { ContainmentStatus } from '../shared/domain/containment';
import { verifyAntiForgeryToken, type AntiForgeryCheck } from '../shared/domain/antiForgeryToken';
import { renderDecisionResultPage } from '../shared/pages/decisionResultPage';
import { describeContainment, resultOf, timelineUrl } from './approvalPage';
import { pageAnswer } from './pageAnswer';
import type { TriggerDependencies } from './triggerDependencies';

/**
 * A decision posted by the approval page's form. A browser sends the analyst's sign-in cookie with
 * a form post from any site, so the form must prove the page issued it: its anti-forgery token,
 * bound to the analyst, the plan hash shown and the containment. JSON posts need no token: a
 * browser cannot send `application/json` across sites without a CORS preflight, which the app
 * never grants.
 */
export function checkDecisionForm(
  dependencies: TriggerDependencies,
  request: HttpRequest,
  form: Readonly<Record<string, string>>,
  binding: { readonly analyst: string; readonly instanceId: string },
  now: Date,
): AntiForgeryCheck {
  const key = dependencies.antiForgeryKey;
  if (key !== undefined) {
    return verifyAntiForgeryToken(
      key,
      { ...binding, planHash: form.planHash ?? '' },
      form.antiForgeryToken,
      now,
    );
  }

  // Without a key there is no token to check (#6); at least refuse what the browser says came
  // from another site (Fetch Metadata, and the Origin a browser sends with every form post).
  const site = request.headers.get('sec-fetch-site');
  const origin = request.headers.get('origin');
  const ownOrigins = [new URL(request.url).origin, originOf(dependencies)];
  if (
    (site !== null && site !== 'same-origin' && site !== 'none') ||
    (origin !== null && !ownOrigins.includes(origin))
  ) {
    return {
      ok: false,
      code: 'forged-token',
      message: 'The decision was posted from another site, so it is not recorded.',
    };
  }
  return { ok: true };
}

/**
 * The answer to a form post as a page: the same status and sentence as the JSON answer, plus where
 * the containment stands now and the rules in force once the block is applied.
 */
export async function decisionResultAnswer(
  dependencies: TriggerDependencies,
  context: InvocationContext,
  instanceId: string,
  analyst: string | undefined,
  answered: HttpResponseInit,
): Promise<HttpResponseInit> {
  const body = (answered.jsonBody ?? {}) as {
    readonly accepted?: boolean;
    readonly message?: string;
  };
  const accepted = body.accepted === true;
  const status = /^contain-/.test(instanceId)
    ? await dependencies.orchestrationClient(context).getStatus(instanceId)
    : undefined;
  const custom = (status?.customStatus ?? {}) as Partial<ContainmentStatus>;
  const result = status?.runtimeStatus === 'Completed' ? resultOf(status) : undefined;
  const blocked = result?.outcome === 'blocked' || result?.outcome === 'already-blocked';
  const firstIncident = custom.incidents?.[0];

  return pageAnswer(
    answered.status ?? 500,
    renderDecisionResultPage({
      localUse: dependencies.configuration.mode === 'local',
      ...(analyst === undefined ? {} : { analyst }),
      accepted,
      message: body.message ?? 'The request failed inside the product; the error is logged.',
      instanceId,
      approvalPageUrl: `/api/approvals/${encodeURIComponent(instanceId)}`,
      ...(status === undefined ? {} : { state: describeContainment(status, custom) }),
      ...(result === undefined ? {} : { resultSummary: result.summary }),
      ...(blocked && result?.plan ? { appliedPlan: result.plan } : {}),
      ...(firstIncident === undefined ? {} : { timelineUrl: timelineUrl(firstIncident.name) }),
    }),
  );
}

function originOf(dependencies: TriggerDependencies): string {
  return new URL(dependencies.configuration.response.publicBaseUrl).origin;
}
