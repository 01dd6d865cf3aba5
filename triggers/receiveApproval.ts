import { randomUUID } from 'node:crypto';

import type { HttpHandler, HttpRequest, InvocationContext } from '@azure/functions';
import { z } from 'zod';

import type { ApprovalDecision } from '../shared/domain/approval';
import { ValidationError } from '../shared/domain/validationError';
import { submitApproval, type SubmissionRefusal } from '../shared/containment/submitApproval';
import { callerName, readCaller } from './callerIdentity';
import { checkDecisionForm, decisionResultAnswer } from './decisionForm';
import { answer, answerFailures, refusal } from './httpAnswer';
import { isFormPost, readFormBody, readJsonBody } from './requestBody';
import type { TriggerDependencies } from './triggerDependencies';

/** Containment instance ids as shared/domain/containment.ts makes them. */
const CONTAINMENT_INSTANCE = /^contain-[A-Za-z0-9._-]{1,200}$/;
const REASON_LIMIT = 1000;

const jsonDecision = z.object({
  approve: z.boolean(),
  planHash: z.string().trim().min(1).max(200),
  reason: z.string().trim().max(REASON_LIMIT).optional(),
});

// An HTML form sends text: `approve=true` or `approve=false` from the button pressed.
const formDecision = z.object({
  approve: z.enum(['true', 'false']).transform((value) => value === 'true'),
  planHash: z.string().trim().min(1).max(200),
  reason: z
    .string()
    .trim()
    .max(REASON_LIMIT)
    .optional()
    .transform((value) => (value === '' ? undefined : value)),
});

const STATUS_OF: Readonly<Record<SubmissionRefusal, number>> = {
  'unknown-instance': 404,
  'not-awaiting': 409,
  expired: 410,
  refused: 403,
};

/**
 * `POST /api/approvals/{instanceId}`: an analyst's decision on a block plan, as JSON
 * `{approve, planHash, reason?}` or as a form post. The identity comes from App Service
 * Authentication only; submitApproval makes every check and audits every attempt. Attempts refused
 * before it (no identity, bad body) are audited here, in the same partition.
 */
export function receiveApproval(dependencies: TriggerDependencies): HttpHandler {
  const { configuration, audit, clock } = dependencies;

  return async (request: HttpRequest, context: InvocationContext) => {
    const instanceId = request.params.instanceId ?? '';
    const logIds = `approval for instance ${instanceId}`;
    let analyst: string | undefined;
    const answered = await answerFailures(
      context,
      () => logIds,
      async () => {
        if (!CONTAINMENT_INSTANCE.test(instanceId)) {
          return refusal(404, 'unknown-instance', 'No containment has that id.');
        }
        const at = clock.now().toISOString();
        const refuseEarly = async (
          status: number,
          code: string,
          message: string,
          actor: string,
          problems?: readonly string[],
        ) => {
          await audit.append({
            partition: instanceId,
            time: at,
            actor,
            action: 'approval.refused',
            outcome: 'refused',
            instanceId,
            target: instanceId,
            reason: message,
            details: { code },
            idempotencyKey: `${instanceId}/submission/refused/${at}/${randomUUID()}`,
          });
          context.warn(`${logIds}: refused (${code})`);
          return refusal(status, code, message, problems);
        };

        const reading = readCaller(request, configuration, 'person');
        if (!reading.ok)
          return refuseEarly(401, 'unauthorised', reading.message, 'unauthenticated');
        const actor = callerName(reading.caller);
        analyst = actor;
        const form = isFormPost(request) ? await readFormBody(request) : undefined;
        if (form) {
          const check = checkDecisionForm(
            dependencies,
            request,
            form,
            { analyst: actor, instanceId },
            clock.now(),
          );
          if (!check.ok) return refuseEarly(403, check.code, check.message, actor);
        }
        let fields: z.infer<typeof jsonDecision>;
        try {
          fields = await readDecision(request, form);
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          return refuseEarly(400, error.code, error.message, actor, error.problems);
        }

        const decision: ApprovalDecision = {
          by: identityOnly(reading.caller),
          planHash: fields.planHash,
          approve: fields.approve,
          ...(fields.reason === undefined ? {} : { reason: fields.reason }),
          at,
        };
        const client = dependencies.orchestrationClient(context);
        const result = await submitApproval(client, audit, {
          instanceId,
          decision,
          approvers: configuration.response.approvers,
        });

        if (!result.accepted) {
          context.warn(
            `${logIds}: refused (${result.code}${result.rule ? `, ${result.rule}` : ''})`,
          );
          return answer(STATUS_OF[result.code], {
            accepted: false,
            code: result.code,
            ...(result.rule === undefined ? {} : { rule: result.rule }),
            message: result.message,
          });
        }
        context.info(
          `${logIds}: ${fields.approve ? 'approval' : 'rejection'} by ${actor} accepted`,
        );
        return answer(202, { accepted: true, message: result.message, instanceId });
      },
    );

    // A form post comes from the approval page in a browser: it gets a page back.
    return isFormPost(request)
      ? decisionResultAnswer(dependencies, context, instanceId, analyst, answered)
      : answered;
  };
}

async function readDecision(
  request: HttpRequest,
  form: Record<string, string> | undefined,
): Promise<z.infer<typeof jsonDecision>> {
  const parsed = form
    ? formDecision.safeParse(form)
    : jsonDecision.safeParse(await readJsonBody(request));
  if (!parsed.success) {
    throw new ValidationError(
      'decision',
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`),
    );
  }

  return parsed.data;
}

/** The decision event carries who decided, not how the platform described the token. */
function identityOnly(caller: ApprovalDecision['by']): ApprovalDecision['by'] {
  return {
    ...(caller.objectId === undefined ? {} : { objectId: caller.objectId }),
    ...(caller.userPrincipalName === undefined
      ? {}
      : { userPrincipalName: caller.userPrincipalName }),
    ...(caller.groupIds === undefined ? {} : { groupIds: caller.groupIds }),
  };
}
