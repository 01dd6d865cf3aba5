import { randomUUID } from 'node:crypto';

import type { HttpHandler, HttpRequest, InvocationContext } from '@azure/functions';
import { z } from 'zod';

import { unblockIndicator, type LiftResult } from '../shared/containment/liftBlocks';
import { isApprover } from '../shared/domain/approval';
import { tryParseIndicator } from '../shared/domain/indicatorParser';
import { ValidationError } from '../shared/domain/validationError';
import { callerName, readCaller } from './callerIdentity';
import { answer, answerFailures, refusal } from './httpAnswer';
import { readJsonBody } from './requestBody';
import type { TriggerDependencies } from './triggerDependencies';

const bodySchema = z.object({
  indicator: z.string().trim().min(1).max(200),
  reason: z.string().trim().min(1, 'an unblock needs a reason for the audit log').max(1000),
});

const STATUS_OF: Readonly<Record<LiftResult['outcome'], number>> = {
  done: 200,
  'nothing-to-do': 200,
  'dry-run': 200,
  refused: 409,
  'partly-failed': 503,
};

/**
 * `POST /api/blocks/unblock` `{indicator: "ip:port", reason}`: an approver removes our rules for
 * one indicator before their time to live ends. Only approvers may; a refusal is audited in the
 * system partition, where unblocks are recorded.
 */
export function requestUnblock(dependencies: TriggerDependencies): HttpHandler {
  const { configuration, audit, clock, securityGroups } = dependencies;

  return async (request: HttpRequest, context: InvocationContext) => {
    let logIds = `unblock ${context.invocationId}`;
    return answerFailures(
      context,
      () => logIds,
      async () => {
        const now = clock.now().toISOString();
        const refuse = async (status: number, code: string, message: string, actor: string) => {
          await audit.append({
            partition: 'system',
            time: now,
            actor,
            action: 'block.unblocked',
            outcome: 'refused',
            reason: message,
            details: { code },
            idempotencyKey: `block.unblocked/refused/${now}/${randomUUID()}`,
          });
          context.warn(`${logIds}: refused (${code})`);
          return refusal(status, code, message);
        };

        const reading = readCaller(request, configuration, 'person');
        if (!reading.ok) return refuse(401, 'unauthorised', reading.message, 'unauthenticated');
        const actor = callerName(reading.caller);
        if (!isApprover(configuration.response.approvers, reading.caller)) {
          return refuse(
            403,
            'not-approver',
            `${actor} is not on the approver list, so no block was lifted.`,
            actor,
          );
        }
        const body = bodySchema.safeParse(await readJsonBody(request));
        const indicator = body.success ? tryParseIndicator(body.data.indicator) : undefined;
        if (!body.success || !indicator?.ok) {
          const problems = body.success
            ? [`indicator: ${indicator && !indicator.ok ? indicator.reason : 'is not an ip:port'}`]
            : body.error.issues.map(
                (issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`,
              );
          throw new ValidationError('unblock request', problems);
        }

        const key = indicator.indicator.key;
        logIds = `unblock of ${key}`;
        const result = await unblockIndicator(
          securityGroups,
          audit,
          {
            nsgIds: configuration.response.nsgIds,
            dryRun: configuration.response.dryRun,
            killSwitch: configuration.response.killSwitch,
          },
          { indicatorKey: key, actor, reason: body.data.reason, clock },
        );

        context.info(`${logIds} by ${actor}: ${result.outcome}`);
        return answer(STATUS_OF[result.outcome], {
          accepted: result.outcome !== 'refused' && result.outcome !== 'partly-failed',
          outcome: result.outcome,
          indicator: key,
          message: result.message,
          rules: result.rules.map((rule) => ({
            nsgId: rule.nsgId,
            ruleName: rule.ruleName,
            outcome: rule.outcome,
          })),
        });
      },
    );
  };
}
