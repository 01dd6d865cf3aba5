import type { BlockPlan } from './blockPlan';
import type { Indicator } from './indicator';

/**
 * How much one automated containment may change, so that a new deployment cannot block more than
 * the SOC chose: a minimum ThreatFox confidence, a rule budget per incident, and a rule budget per
 * hour across all incidents. Past a limit the whole plan is refused with the reason; it is never
 * trimmed, because a partial block would look like a full one.
 */
export interface BlastRadiusLimits {
  /** C2R_MIN_CONFIDENCE: ThreatFox `confidence_level` (0-100) an indicator needs to be blocked. */
  readonly minConfidence: number;
  /**
   * C2R_MAX_RULES_PER_INCIDENT: new rules one plan may add, counted across all target NSGs. A plan
   * covers one indicator, so an incident with several blockable indicators may add this many per
   * indicator; the hourly budget still bounds the total (#7).
   */
  readonly maxRulesPerIncident: number;
  /** C2R_MAX_NEW_RULES_PER_HOUR: new rules written in any hour, across all incidents. */
  readonly maxNewRulesPerHour: number;
}

export type BlastRadiusLimit = 'confidence' | 'rules-per-incident' | 'rules-per-hour';

export type BlastRadiusCheck =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly code: 'blast-radius';
      readonly limit: BlastRadiusLimit;
      /** One sentence, shown unchanged in the audit record, the incident comment and the CLI. */
      readonly reason: string;
    };

/** The window C2R_MAX_NEW_RULES_PER_HOUR counts over. */
export const RULE_RATE_WINDOW_MS = 60 * 60 * 1000;

/**
 * Whether ThreatFox is sure enough about the indicator. An indicator without a confidence (a plain
 * `ip:port` line, or a CSV export without the column) fails any minimum above 0: nobody vouched
 * for it, and an operator who wants such lists blocked sets C2R_MIN_CONFIDENCE to 0.
 */
export function checkConfidence(indicator: Indicator, minConfidence: number): BlastRadiusCheck {
  const confidence = indicator.threatFox?.confidenceLevel;
  if (minConfidence <= 0 || (confidence !== undefined && confidence >= minConfidence)) {
    return { ok: true };
  }

  return refused(
    'confidence',
    confidence === undefined
      ? `${indicator.key} has no ThreatFox confidence, and blocking needs at least ${minConfidence} (C2R_MIN_CONFIDENCE); the plan is refused.`
      : `ThreatFox rates ${indicator.key} at confidence ${confidence}, below the minimum of ${minConfidence} (C2R_MIN_CONFIDENCE); the plan is refused.`,
  );
}

/** The rules a plan would write: rules already present cost nothing. */
export function newRuleCount(plan: BlockPlan): number {
  return plan.rules.filter((rule) => rule.state === 'new').length;
}

/**
 * Whether the plan fits both rule budgets. `writtenInLastHour` counts rules the product wrote in
 * the hour before now (succeeded `block.applied` records), whatever incident they were for.
 */
export function checkRuleBudgets(
  plan: BlockPlan,
  limits: Pick<BlastRadiusLimits, 'maxRulesPerIncident' | 'maxNewRulesPerHour'>,
  writtenInLastHour: number,
): BlastRadiusCheck {
  const adds = newRuleCount(plan);

  if (adds > limits.maxRulesPerIncident) {
    return refused(
      'rules-per-incident',
      `The plan for ${plan.indicators.join(', ')} adds ${adds} NSG rule(s), more than the ${limits.maxRulesPerIncident} allowed per incident (C2R_MAX_RULES_PER_INCIDENT); the plan is refused whole, not trimmed.`,
    );
  }
  if (adds > 0 && writtenInLastHour + adds > limits.maxNewRulesPerHour) {
    return refused(
      'rules-per-hour',
      `The plan for ${plan.indicators.join(', ')} adds ${adds} NSG rule(s), but ${writtenInLastHour} rule(s) were written in the last hour and at most ${limits.maxNewRulesPerHour} are allowed per hour (C2R_MAX_NEW_RULES_PER_HOUR); the plan is refused whole, not trimmed.`,
    );
  }
  return { ok: true };
}

/**
 * ThreatFox marks some endpoints as compromised legitimate hosts: blocking them also cuts off
 * whatever the host serves legitimately. Such an approval must carry the analyst's reason, and
 * this is the sentence that asks for it.
 */
export function requiredAcknowledgement(indicator: Indicator): string | undefined {
  if (indicator.threatFox?.isCompromised !== true) return undefined;

  return `ThreatFox marks ${indicator.key} as a compromised legitimate host: blocking it also cuts off its legitimate service, so an approval needs a reason that acknowledges this.`;
}

function refused(limit: BlastRadiusLimit, reason: string): BlastRadiusCheck {
  return { ok: false, code: 'blast-radius', limit, reason };
}
