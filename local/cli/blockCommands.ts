import { randomUUID } from 'node:crypto';

import { ownBlocks } from '../../shared/domain/blockExpiry';
import {
  expireBlocks,
  unblockIndicator,
  type LiftResult,
} from '../../shared/containment/liftBlocks';
import { isApprover } from '../../shared/domain/approval';
import {
  CommandError,
  open,
  print,
  printJson,
  type CommandEnvironment,
  type StateOptions,
} from './commandContext';
import { textTable } from './presentReport';

export interface UnblockOptions extends StateOptions {
  readonly as: string;
  readonly reason?: string;
  readonly json?: boolean;
}

export interface ExpireOptions extends StateOptions {
  readonly now?: string;
  readonly json?: boolean;
}

/** Prints the result; a removal the kill switch refused exits 2, like any refused unblock. */
function present(env: CommandEnvironment, result: LiftResult, json: boolean | undefined): void {
  if (json) printJson(env, result);
  if (result.outcome === 'refused') throw new CommandError(result.message, 2);
  if (json) return;
  print(env, result.message);
  if (result.rules.length > 0) {
    print(
      env,
      textTable(
        ['NSG', 'Rule', 'Result'],
        result.rules.map((rule) => [rule.nsgName, rule.ruleName, rule.outcome]),
      ),
    );
  }
}

/** Removes our rules for one indicator; only an approver may. Refusals are audited too. */
export async function unblockCommand(
  env: CommandEnvironment,
  indicatorKey: string,
  options: UnblockOptions,
): Promise<void> {
  const responder = await open(env, { state: options.state });
  const { response } = responder.configuration;
  const now = responder.host.clock.now().toISOString();
  if (!isApprover(response.approvers, { userPrincipalName: options.as })) {
    await responder.ports.audit.append({
      partition: 'system',
      time: now,
      actor: options.as,
      action: 'block.unblocked',
      outcome: 'refused',
      target: indicatorKey,
      reason: `${options.as} is not on the approver list`,
      idempotencyKey: `unblock-refused/${randomUUID()}`,
    });
    throw new CommandError(
      `${options.as} is not on the approver list, so nothing was unblocked.`,
      2,
    );
  }

  let result: LiftResult;
  try {
    result = await unblockIndicator(
      responder.ports.securityGroups,
      responder.ports.audit,
      response,
      {
        indicatorKey,
        actor: options.as,
        reason: options.reason ?? `manual unblock by ${options.as}`,
        clock: responder.host.clock,
      },
    );
  } catch (error) {
    if (error instanceof RangeError) throw new CommandError(error.message);
    throw error;
  }
  present(env, result, options.json);
}

/** Removes every rule of ours whose time to live has passed (the timer function does the same in Azure). */
export async function expireCommand(
  env: CommandEnvironment,
  options: ExpireOptions,
): Promise<void> {
  const responder = await open(env, { state: options.state });
  const now = options.now ?? responder.host.clock.now().toISOString();
  if (Number.isNaN(Date.parse(now)))
    throw new CommandError(`--now must be an ISO time, got ${now}`);

  const result = await expireBlocks(
    responder.ports.securityGroups,
    responder.ports.audit,
    responder.configuration.response,
    { now: new Date(now).toISOString(), clock: responder.host.clock },
  );
  present(env, result, options.json);
}

/** Lists the product's rules in force in every target NSG. */
export async function blocksCommand(
  env: CommandEnvironment,
  options: StateOptions & { readonly json?: boolean },
): Promise<void> {
  const responder = await open(env, { state: options.state });
  const groups = await Promise.all(
    responder.configuration.response.nsgIds.map((id) => responder.ports.securityGroups.get(id)),
  );
  const blocks = ownBlocks(groups);
  if (options.json) return printJson(env, blocks);
  if (blocks.length === 0) return print(env, 'No block rules of ours in the target NSGs.');
  print(
    env,
    textTable(
      ['NSG', 'Rule', 'Priority', 'Destination', 'Expires'],
      blocks.map((block) => [
        block.nsgName,
        block.rule.name,
        String(block.rule.priority),
        `${block.rule.destinationAddressPrefix ?? ''}:${block.rule.destinationPortRange ?? ''}`,
        block.expiresAt ?? 'unknown',
      ]),
    ),
  );
}
