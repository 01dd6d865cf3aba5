import type { SecurityRule } from './securityGroup';

/**
 * The exact NSG change an analyst approves: for each blockable indicator and each target NSG, one
 * Outbound Deny rule. Planning lives in blockPlanner.ts; this file is the contract.
 */
export interface PlannedRule {
  readonly nsgId: string;
  readonly nsgName: string;
  /** Indicator key (`ip:port`). */
  readonly indicator: string;
  readonly rule: SecurityRule;
  /** `present`: an equal rule of ours is already there and is kept, not duplicated. */
  readonly state: 'new' | 'present';
}

export interface BlockPlan {
  readonly indicators: readonly string[];
  readonly rules: readonly PlannedRule[];
  readonly expiresAt: string;
  readonly incidentNumbers: readonly number[];
  /** Stable SHA-256 over what the analyst approves; an approval names it. */
  readonly hash: string;
}

export type PlanningResult =
  | { readonly ok: true; readonly plan: BlockPlan }
  | { readonly ok: false; readonly code: PlanRefusalCode; readonly reason: string };

export type PlanRefusalCode =
  | 'no-blockable-indicator'
  | 'no-free-priority'
  | 'rule-limit'
  | 'prefix-limit'
  | 'blast-radius'
  | 'kill-switch';
