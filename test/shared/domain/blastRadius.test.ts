import {
  checkConfidence,
  checkRuleBudgets,
  newRuleCount,
  requiredAcknowledgement,
} from '../../../shared/domain/blastRadius';
import type { BlockPlan, PlannedRule } from '../../../shared/domain/blockPlan';
import type { Indicator } from '../../../shared/domain/indicator';

function indicator(threatFox?: Partial<NonNullable<Indicator['threatFox']>>): Indicator {
  return {
    address: '178.16.52.203',
    port: 1889,
    family: 'IPv4',
    key: '178.16.52.203:1889',
    ...(threatFox ? { threatFox: { tags: [], ...threatFox } } : {}),
  };
}

function plan(states: readonly PlannedRule['state'][]): BlockPlan {
  return {
    indicators: ['178.16.52.203:1889'],
    rules: states.map((state, index) => ({
      nsgId: `/nsg/${index}`,
      nsgName: `nsg-${index}`,
      indicator: '178.16.52.203:1889',
      state,
      rule: {
        name: 'c2r-deny-178.16.52.203-1889',
        priority: 100 + index,
        direction: 'Outbound',
        access: 'Deny',
        protocol: 'Tcp',
        sourceAddressPrefix: '*',
        sourcePortRange: '*',
        destinationAddressPrefix: '178.16.52.203/32',
        destinationPortRange: '1889',
      },
    })),
    expiresAt: '2026-12-10T00:00:00.000Z',
    incidentNumbers: [4127],
    hash: 'abc',
  };
}

const budgets = { maxRulesPerIncident: 2, maxNewRulesPerHour: 5 };

describe('minimum ThreatFox confidence', () => {
  it('lets an indicator at the minimum through', () => {
    expect(checkConfidence(indicator({ confidenceLevel: 50 }), 50)).toEqual({ ok: true });
  });

  it('refuses an indicator below the minimum and names both numbers and the setting', () => {
    expect(checkConfidence(indicator({ confidenceLevel: 40 }), 50)).toEqual({
      ok: false,
      code: 'blast-radius',
      limit: 'confidence',
      reason:
        'ThreatFox rates 178.16.52.203:1889 at confidence 40, below the minimum of 50 (C2R_MIN_CONFIDENCE); the plan is refused.',
    });
  });

  it('refuses an indicator nobody rated while a minimum is set', () => {
    const check = checkConfidence(indicator(), 1);

    expect(check.ok).toBe(false);
    expect(!check.ok && check.reason).toBe(
      '178.16.52.203:1889 has no ThreatFox confidence, and blocking needs at least 1 (C2R_MIN_CONFIDENCE); the plan is refused.',
    );
  });

  it('lets an unrated indicator through when the minimum is 0', () => {
    expect(checkConfidence(indicator(), 0)).toEqual({ ok: true });
  });
});

describe('rule budgets', () => {
  it('counts only the rules a plan adds', () => {
    expect(newRuleCount(plan(['new', 'present', 'new']))).toBe(2);
  });

  it('accepts a plan that fits both budgets exactly', () => {
    expect(checkRuleBudgets(plan(['new', 'new']), budgets, 3)).toEqual({ ok: true });
  });

  it('refuses a plan that adds more rules than one incident may, whole and not trimmed', () => {
    const check = checkRuleBudgets(plan(['new', 'new', 'new']), budgets, 0);

    expect(check).toEqual({
      ok: false,
      code: 'blast-radius',
      limit: 'rules-per-incident',
      reason:
        'The plan for 178.16.52.203:1889 adds 3 NSG rule(s), more than the 2 allowed per incident (C2R_MAX_RULES_PER_INCIDENT); the plan is refused whole, not trimmed.',
    });
  });

  it('does not charge rules already present to the incident budget', () => {
    expect(checkRuleBudgets(plan(['new', 'present', 'present']), budgets, 0)).toEqual({
      ok: true,
    });
  });

  it('refuses a plan that would pass the hourly budget given the rules written in the last hour', () => {
    const check = checkRuleBudgets(plan(['new', 'new']), budgets, 4);

    expect(check).toEqual({
      ok: false,
      code: 'blast-radius',
      limit: 'rules-per-hour',
      reason:
        'The plan for 178.16.52.203:1889 adds 2 NSG rule(s), but 4 rule(s) were written in the last hour and at most 5 are allowed per hour (C2R_MAX_NEW_RULES_PER_HOUR); the plan is refused whole, not trimmed.',
    });
  });

  it('lets a plan that adds nothing through even when the hour is spent', () => {
    expect(checkRuleBudgets(plan(['present']), budgets, 50)).toEqual({ ok: true });
  });
});

describe('compromised legitimate hosts', () => {
  it('asks for an acknowledging reason when ThreatFox marks the host compromised', () => {
    expect(requiredAcknowledgement(indicator({ isCompromised: true }))).toBe(
      'ThreatFox marks 178.16.52.203:1889 as a compromised legitimate host: blocking it also cuts off its legitimate service, so an approval needs a reason that acknowledges this.',
    );
  });

  it('asks for nothing when the host is not marked or the flag is unknown', () => {
    expect(requiredAcknowledgement(indicator({ isCompromised: false }))).toBeUndefined();
    expect(requiredAcknowledgement(indicator())).toBeUndefined();
  });
});
