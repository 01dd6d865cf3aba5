import { allowCoversTraffic, parseAddress, rangesOf } from './allowRuleCoverage';
import type { BlockedTraffic } from './allowRuleCoverage';
import { canonicalJson, sha256Hex } from './auditChain';
import { describeBlock } from './blockDescription';
import type { BlockPlan, PlannedRule, PlanningResult, PlanRefusalCode } from './blockPlan';
import type { AssessedIndicator } from './indicator';
import { limitProblem, NSG_LIMITS } from './nsgLimits';
import { blockRuleName, isOurRule } from './ruleName';
import type { SecurityGroup, SecurityRule } from './securityGroup';

/**
 * DCRat's C2 channel is TCP (the write-up's hunts and every firewall row of it are TCP sessions),
 * so the deny names Tcp: an Allow rule for Udp only cannot let it out and does not force the deny
 * above it.
 */
export const BLOCK_PROTOCOL = 'Tcp' as const;

/** The priorities the product may use, inside NSG_LIMITS' 100..4096; lower wins. */
export interface PriorityBand {
  readonly lowest: number;
  readonly highest: number;
}

export interface BlockSettings {
  readonly priorityBand: PriorityBand;
  readonly timeToLiveMs: number;
}

export interface BlockPlanningInput {
  readonly indicators: readonly AssessedIndicator[];
  /** The target NSGs as just read, with every rule. */
  readonly groups: readonly SecurityGroup[];
  readonly settings: BlockSettings;
  /** ISO time; the plan's expiry is now + time to live. */
  readonly now: string;
  readonly incidentNumbers: readonly number[];
}

export type GroupPlacement =
  | { readonly ok: true; readonly rules: readonly PlannedRule[] }
  | { readonly ok: false; readonly code: PlanRefusalCode; readonly reason: string };

interface DesiredRule {
  readonly indicator: string;
  readonly traffic: BlockedTraffic;
  /** Without a meaningful priority yet; `preferred` is the approved one when re-planning. */
  readonly rule: SecurityRule;
  readonly preferred?: number;
}

/**
 * Plans one Outbound Deny rule per blockable indicator and target NSG. Pure: the NSGs arrive
 * already read and time arrives as `now`. Refuses, before anything is written, when an NSG limit
 * would be exceeded or no free priority in the band sorts before the Allow rules to beat.
 * Indicators that are not blockable are left out, whatever the caller sent.
 */
export function planBlock(input: BlockPlanningInput): PlanningResult {
  checkSettings(input.settings);
  if (input.groups.length === 0) throw new RangeError('a block plan needs at least one target NSG');
  const nowMs = Date.parse(input.now);
  if (Number.isNaN(nowMs)) throw new RangeError(`now is not an ISO time: ${input.now}`);

  const blockable = uniqueByKey(input.indicators.filter((item) => item.blockability.blockable));
  if (blockable.length === 0) {
    const why = input.indicators.map(
      (item) => `${item.key}: ${item.blockability.reason ?? 'not blockable'}`,
    );
    return refusal(
      'no-blockable-indicator',
      `No indicator may be blocked${why.length > 0 ? ` (${why.join('; ')})` : ''}.`,
    );
  }
  const expiresAt = new Date(nowMs + input.settings.timeToLiveMs).toISOString();
  const incidentNumbers = [...new Set(input.incidentNumbers)].sort((a, b) => a - b);
  const desired = blockable.map((indicator) => desiredRule(indicator, incidentNumbers, expiresAt));

  const rules: PlannedRule[] = [];
  for (const group of [...input.groups].sort((a, b) => compare(a.id, b.id))) {
    const placement = placeRules(group, desired, input.settings);
    if (!placement.ok) return placement;
    rules.push(...placement.rules);
  }

  const plan = {
    indicators: blockable.map((item) => item.key),
    rules,
    expiresAt,
    incidentNumbers,
  };
  return { ok: true, plan: { ...plan, hash: blockPlanHash(plan) } };
}

/**
 * Re-plans the approved rules of one NSG against its current rules, at apply time: a rule that is
 * now present is kept; a new rule keeps its approved priority when that is still free and still
 * sorts before the Allow rules, else takes the lowest one that does. The rules themselves (name,
 * match, description) never change, so the plan hash stays valid.
 */
export function replanSecurityGroup(
  group: SecurityGroup,
  approved: readonly PlannedRule[],
  settings: BlockSettings,
): GroupPlacement {
  checkSettings(settings);

  const desired = approved
    .filter((planned) => planned.nsgId === group.id)
    .map((planned) => ({
      indicator: planned.indicator,
      traffic: trafficOf(planned.rule),
      rule: planned.rule,
      preferred: planned.rule.priority,
    }));
  return placeRules(group, desired, settings);
}

/**
 * Why the planned rule does not block in this NSG as read, or undefined when it does: present
 * under its name, equal in what it matches, and sorting before every Allow rule that covers it.
 */
export function blockingProblem(group: SecurityGroup, planned: PlannedRule): string | undefined {
  const existing = group.rules.find((rule) => rule.name === planned.rule.name);
  if (!existing) return `${planned.rule.name} is missing from ${group.name}.`;
  if (!sameMatch(existing, planned.rule)) {
    return `${planned.rule.name} in ${group.name} no longer matches the approved destination, port or direction.`;
  }

  const ceiling = allowCeiling(group, trafficOf(planned.rule));
  if (ceiling !== undefined && existing.priority >= ceiling.priority) {
    return `${planned.rule.name} in ${group.name} sits at ${existing.priority}, after the Allow rule ${ceiling.name} (${ceiling.priority}).`;
  }
  return undefined;
}

/**
 * SHA-256 over what the analyst approves: NSG ids, rule names, direction, access, protocol,
 * destinations, ports, sources and the expiry. Priorities, descriptions, states and incident
 * numbers are left out: a priority taken meanwhile moves at apply time (the applied one is
 * audited), and a later incident joining the block does not change what was approved.
 */
export function blockPlanHash(plan: Pick<BlockPlan, 'rules' | 'expiresAt'>): string {
  const rules = plan.rules
    .map(({ nsgId, rule }) => ({
      nsgId,
      name: rule.name,
      direction: rule.direction,
      access: rule.access,
      protocol: rule.protocol,
      destinations: sortedRanges(rule.destinationAddressPrefix, rule.destinationAddressPrefixes),
      ports: sortedRanges(rule.destinationPortRange, rule.destinationPortRanges),
      sources: sortedRanges(rule.sourceAddressPrefix, rule.sourceAddressPrefixes),
    }))
    .sort((a, b) => compare(`${a.nsgId}\n${a.name}`, `${b.nsgId}\n${b.name}`));
  return sha256Hex(canonicalJson({ expiresAt: plan.expiresAt, rules }));
}

/**
 * The approved plan with its time to live counted from `appliedAt`: a block lasts its time to live
 * from the moment it is applied, however long the approval took (an approval may legitimately
 * arrive after the time to live that started when the plan was made). New rules get the new
 * expiry in their description; rules already present keep theirs. The hash is recomputed, and
 * the caller audits both.
 */
export function planFromApproval(
  plan: BlockPlan,
  appliedAt: string,
  timeToLiveMs: number,
): BlockPlan {
  const appliedMs = Date.parse(appliedAt);
  if (Number.isNaN(appliedMs)) throw new RangeError(`appliedAt is not an ISO time: ${appliedAt}`);

  const expiresAt = new Date(appliedMs + timeToLiveMs).toISOString();
  const rules = plan.rules.map((planned) =>
    planned.state === 'present'
      ? planned
      : {
          ...planned,
          rule: {
            ...planned.rule,
            description: describeBlock(planned.indicator, plan.incidentNumbers, expiresAt),
          },
        },
  );
  const retimed = { ...plan, expiresAt, rules };
  return { ...retimed, hash: blockPlanHash(retimed) };
}

function placeRules(
  group: SecurityGroup,
  desired: readonly DesiredRule[],
  settings: BlockSettings,
): GroupPlacement {
  const byName = new Map(group.rules.map((rule) => [rule.name, rule]));
  const ordered = [...desired].sort((a, b) => compare(a.rule.name, b.rule.name));
  const present = new Set(
    ordered
      .filter(({ rule, traffic }) => {
        const existing = byName.get(rule.name);
        if (!existing || !isOurRule(existing) || !sameMatch(existing, rule)) return false;
        const ceiling = allowCeiling(group, traffic);
        return ceiling === undefined || existing.priority < ceiling.priority;
      })
      .map(({ rule }) => rule.name),
  );
  // Priorities are unique per direction. An own rule about to be rewritten under its name frees
  // its priority; every other rule, ours or foreign, keeps what it holds.
  const replaced = new Set(
    ordered.map(({ rule }) => rule.name).filter((name) => !present.has(name)),
  );
  const taken = new Set(
    group.rules
      .filter((rule) => rule.direction === 'Outbound' && !replaced.has(rule.name))
      .map((rule) => rule.priority),
  );

  const rules: PlannedRule[] = [];
  for (const item of ordered) {
    const existing = byName.get(item.rule.name);
    if (existing && present.has(item.rule.name)) {
      rules.push(planned(group, item.indicator, existing, 'present'));
      continue;
    }
    const ceiling = allowCeiling(group, item.traffic);
    const priority = freePriority(taken, settings.priorityBand, ceiling?.priority, item.preferred);
    if (priority === undefined) {
      const beat = ceiling
        ? ` that sorts before the Allow rule ${ceiling.name} (${ceiling.priority})`
        : '';
      return refusal(
        'no-free-priority',
        `${group.name} has no free Outbound priority between ${settings.priorityBand.lowest} and ${settings.priorityBand.highest}${beat} for ${item.indicator}.`,
      );
    }
    taken.add(priority);
    rules.push(planned(group, item.indicator, { ...item.rule, priority }, 'new'));
  }

  const problem = limitProblem(
    group,
    rules.filter((rule) => rule.state === 'new').map((rule) => rule.rule),
  );
  if (problem) return refusal(problem.code, `${problem.reason} Nothing was written.`);
  return { ok: true, rules };
}

function freePriority(
  taken: ReadonlySet<number>,
  band: PriorityBand,
  ceiling: number | undefined,
  preferred: number | undefined,
): number | undefined {
  const highest = Math.min(band.highest, (ceiling ?? Number.POSITIVE_INFINITY) - 1);
  const fits = (priority: number): boolean =>
    priority >= band.lowest && priority <= highest && !taken.has(priority);

  if (preferred !== undefined && fits(preferred)) return preferred;
  for (let priority = band.lowest; priority <= highest; priority += 1) {
    if (!taken.has(priority)) return priority;
  }
  return undefined;
}

/** The first Outbound Allow rule, by priority, that could let the traffic out. */
function allowCeiling(group: SecurityGroup, traffic: BlockedTraffic): SecurityRule | undefined {
  return group.rules
    .filter((rule) => allowCoversTraffic(rule, traffic))
    .reduce<SecurityRule | undefined>(
      (first, rule) => (first === undefined || rule.priority < first.priority ? rule : first),
      undefined,
    );
}

function desiredRule(
  indicator: AssessedIndicator,
  incidentNumbers: readonly number[],
  expiresAt: string,
): DesiredRule {
  const parsed = parseAddress(indicator.address);
  if (!parsed || parsed.family !== indicator.family) {
    throw new RangeError(`${indicator.key} does not carry a valid ${indicator.family} address`);
  }
  if (!Number.isInteger(indicator.port) || indicator.port < 1 || indicator.port > 65535) {
    throw new RangeError(`${indicator.key} does not carry a valid port`);
  }

  // IPv4 and IPv6 cannot share a rule (NSG rules are per address family), so each indicator
  // gets its own rule with a host prefix of its family.
  const hostBits = indicator.family === 'IPv4' ? 32 : 128;
  const rule: SecurityRule = {
    name: blockRuleName(indicator),
    priority: 0,
    direction: 'Outbound',
    access: 'Deny',
    protocol: BLOCK_PROTOCOL,
    description: describeBlock(indicator.key, incidentNumbers, expiresAt),
    sourceAddressPrefix: '*',
    sourcePortRange: '*',
    destinationAddressPrefix: `${indicator.address}/${hostBits}`,
    destinationPortRange: String(indicator.port),
  };
  return {
    indicator: indicator.key,
    traffic: {
      address: indicator.address,
      family: indicator.family,
      port: indicator.port,
      protocol: BLOCK_PROTOCOL,
    },
    rule,
  };
}

function trafficOf(rule: SecurityRule): BlockedTraffic {
  const [prefix = ''] = rangesOf(rule.destinationAddressPrefix, rule.destinationAddressPrefixes);
  const [port = ''] = rangesOf(rule.destinationPortRange, rule.destinationPortRanges);
  const address = prefix.split('/')[0] ?? '';
  const parsed = parseAddress(address);
  if (!parsed || !/^\d+$/.test(port) || rule.protocol === '*') {
    throw new RangeError(`${rule.name} is not a block rule of this product`);
  }
  return { address, family: parsed.family, port: Number(port), protocol: rule.protocol };
}

function sameMatch(a: SecurityRule, b: SecurityRule): boolean {
  const key = (rule: SecurityRule): string =>
    canonicalJson({
      direction: rule.direction,
      access: rule.access,
      protocol: rule.protocol,
      destinations: sortedRanges(rule.destinationAddressPrefix, rule.destinationAddressPrefixes),
      ports: sortedRanges(rule.destinationPortRange, rule.destinationPortRanges),
      sources: sortedRanges(rule.sourceAddressPrefix, rule.sourceAddressPrefixes),
      sourcePorts: sortedRanges(rule.sourcePortRange, rule.sourcePortRanges),
    });
  return key(a) === key(b);
}

function sortedRanges(single: string | undefined, plural: readonly string[] | undefined): string[] {
  return rangesOf(single, plural)
    .map((item) => item.toLowerCase())
    .sort(compare);
}

function planned(
  group: SecurityGroup,
  indicator: string,
  rule: SecurityRule,
  state: PlannedRule['state'],
): PlannedRule {
  return { nsgId: group.id, nsgName: group.name, indicator, rule, state };
}

function checkSettings(settings: BlockSettings): void {
  const { lowest, highest } = settings.priorityBand;
  if (
    !Number.isInteger(lowest) ||
    !Number.isInteger(highest) ||
    lowest < NSG_LIMITS.lowestPriority ||
    highest > NSG_LIMITS.highestPriority ||
    lowest > highest
  ) {
    throw new RangeError(
      `priority band ${lowest}..${highest} must lie inside ${NSG_LIMITS.lowestPriority}..${NSG_LIMITS.highestPriority}`,
    );
  }
  if (!Number.isFinite(settings.timeToLiveMs) || settings.timeToLiveMs <= 0) {
    throw new RangeError('the block time to live must be a positive number of milliseconds');
  }
}

function uniqueByKey(indicators: readonly AssessedIndicator[]): AssessedIndicator[] {
  const byKey = new Map(indicators.map((item) => [item.key, item]));
  return [...byKey.values()].sort((a, b) => compare(a.key, b.key));
}

function refusal(
  code: PlanRefusalCode,
  reason: string,
): { ok: false; code: PlanRefusalCode; reason: string } {
  return { ok: false, code, reason };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
