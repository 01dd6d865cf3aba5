import { randomUUID } from 'node:crypto';

import { blockIncidentsOf } from '../domain/blockDescription';
import { blocksForIndicator, expiredBlocks, type OwnBlock } from '../domain/blockExpiry';
import type { SecurityRule } from '../domain/securityGroup';
import type { AuditLog } from '../ports/auditLog';
import type { Clock } from '../ports/clock';
import type { NetworkSecurityGroups } from '../ports/networkSecurityGroups';
import { KILL_SWITCH_REFUSAL } from '../ports/responderPorts';
import { removeBlocks, type RuleRemoval } from './removeBlocks';

export interface LiftSettings {
  readonly nsgIds: readonly string[];
  readonly dryRun: boolean;
  readonly killSwitch: boolean;
}

export interface LiftedRule extends RuleRemoval {
  readonly nsgId: string;
  readonly nsgName: string;
}

export interface LiftResult {
  /** `refused` when the kill switch is on: nothing was changed. */
  readonly outcome: 'done' | 'nothing-to-do' | 'refused' | 'dry-run' | 'partly-failed';
  readonly rules: readonly LiftedRule[];
  readonly message: string;
}

/** When an expiry sweep runs: the time it judges expiry against, and the time it acts at. */
export interface ExpiryTiming {
  /** Blocks whose expiry is at or before this time are removed; `expire --now` may set any time. */
  readonly now: string;
  /** The real time of each removal, stamped on its audit record. */
  readonly clock: Clock;
}

interface LiftRequest {
  readonly action: 'block.expired' | 'block.unblocked';
  readonly actor: string;
  readonly reason: string;
  readonly clock: Clock;
  readonly details?: Readonly<Record<string, unknown>>;
  readonly select: (groups: Parameters<typeof expiredBlocks>[0]) => OwnBlock[];
}

/** Removes our rules whose time to live has passed at `timing.now`. */
export function expireBlocks(
  port: NetworkSecurityGroups,
  audit: AuditLog,
  settings: LiftSettings,
  timing: ExpiryTiming,
): Promise<LiftResult> {
  return liftBlocks(port, audit, settings, {
    action: 'block.expired',
    actor: 'system:expiry',
    reason: 'the block reached the end of its time to live',
    clock: timing.clock,
    details: { expiredAsOf: timing.now },
    select: (groups) => expiredBlocks(groups, timing.now),
  });
}

/** Removes our rules for one indicator, on an approver's request. */
export function unblockIndicator(
  port: NetworkSecurityGroups,
  audit: AuditLog,
  settings: LiftSettings,
  request: {
    readonly indicatorKey: string;
    readonly actor: string;
    readonly reason: string;
    /** The real time of each removal, stamped on its audit record. */
    readonly clock: Clock;
  },
): Promise<LiftResult> {
  return liftBlocks(port, audit, settings, {
    action: 'block.unblocked',
    actor: request.actor,
    reason: request.reason,
    clock: request.clock,
    select: (groups) => blocksForIndicator(groups, request.indicatorKey),
  });
}

/**
 * Finds our rules, removes them (never a foreign rule), and audits each removal with the rule as
 * it was. The kill switch stops every NSG write, removals included; a dry run records what it
 * would have removed. Expiry and unblock are not retried as activities are, so each attempt gets
 * its own key: a refused attempt must not hide a later removal of the same rule.
 */
async function liftBlocks(
  port: NetworkSecurityGroups,
  audit: AuditLog,
  settings: LiftSettings,
  request: LiftRequest,
): Promise<LiftResult> {
  const groups = await Promise.all(settings.nsgIds.map((id) => port.get(id)));
  const blocks = request.select(groups);
  const partition = 'system';
  const attempt = randomUUID();
  const record = (
    fields: Pick<
      Parameters<AuditLog['append']>[0],
      'outcome' | 'target' | 'before' | 'after' | 'reason'
    >,
    key: string,
  ) =>
    audit.append({
      partition,
      time: request.clock.now().toISOString(),
      actor: request.actor,
      action: request.action,
      idempotencyKey: `${request.action}/${attempt}/${key}`,
      // Found under the first incident that asked for the block, all of them in the details.
      ...incidentsOf(fields.before),
      ...(request.details ? { details: request.details } : {}),
      ...fields,
    });

  if (blocks.length === 0) {
    return {
      outcome: 'nothing-to-do',
      rules: [],
      message: 'No block of ours matched; nothing was changed.',
    };
  }
  if (settings.killSwitch || settings.dryRun) {
    const outcome = settings.killSwitch ? 'refused' : 'dry-run';
    for (const block of blocks) {
      await record(
        {
          outcome,
          target: `${block.nsgId}/securityRules/${block.rule.name}`,
          before: block.rule,
          reason: settings.killSwitch ? KILL_SWITCH_REFUSAL : `dry run: ${request.reason}`,
        },
        `${block.nsgId}/${block.rule.name}`,
      );
    }
    return {
      outcome,
      rules: [],
      message: settings.killSwitch
        ? `${KILL_SWITCH_REFUSAL} ${blocks.length} rule(s) were left in place.`
        : `Dry run: ${blocks.length} rule(s) would have been removed.`,
    };
  }

  const lifted: LiftedRule[] = [];
  for (const nsgId of [...new Set(blocks.map((block) => block.nsgId))]) {
    const names = blocks.filter((block) => block.nsgId === nsgId).map((block) => block.rule.name);
    const removal = await removeBlocks(port, nsgId, names);
    for (const rule of removal.rules) {
      lifted.push({ ...rule, nsgId, nsgName: removal.nsgName });
      await record(
        {
          outcome:
            rule.outcome === 'failed'
              ? 'failed'
              : rule.outcome === 'refused-foreign'
                ? 'refused'
                : 'succeeded',
          target: `${nsgId}/securityRules/${rule.ruleName}`,
          before: rule.before ?? null,
          after: rule.outcome === 'removed' || rule.outcome === 'absent' ? null : rule.before,
          reason: request.reason,
        },
        `${nsgId}/${rule.ruleName}`,
      );
    }
  }

  const failed = lifted.filter((rule) => rule.outcome === 'failed').length;
  const removed = lifted.filter((rule) => rule.outcome === 'removed').length;
  return {
    outcome: failed ? 'partly-failed' : 'done',
    rules: lifted,
    message: failed
      ? `${removed} rule(s) removed, ${failed} could not be removed while the NSG stayed busy.`
      : `${removed} rule(s) removed.`,
  };
}

function incidentsOf(before: unknown): {
  incidentNumber?: number;
  details?: Record<string, unknown>;
} {
  const rule = before as Partial<SecurityRule> | null | undefined;
  const numbers =
    typeof rule?.description === 'string'
      ? blockIncidentsOf({ description: rule.description })
      : [];
  return numbers.length > 0
    ? { incidentNumber: numbers[0], details: { incidentNumbers: numbers } }
    : {};
}
