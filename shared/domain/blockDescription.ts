import type { SecurityRule } from './securityGroup';

/** ARM security rule descriptions: at most 140 characters. */
export const MAX_RULE_DESCRIPTION_LENGTH = 140;

const EXPIRY_MARKER = '; expires ';

/**
 * The deny rule's description: what it blocks, for which incidents, and until when. The expiry is
 * the last field, so `blockExpiryOf` can read it back and the expiry sweep needs no other store.
 * Incident numbers that do not fit the 140 characters are counted, not listed.
 */
export function describeBlock(
  indicatorKey: string,
  incidentNumbers: readonly number[],
  expiresAt: string,
): string {
  const head = `c2r block ${indicatorKey}`;
  const tail = `${EXPIRY_MARKER}${expiresAt}`;
  const numbers = [...new Set(incidentNumbers)].sort((a, b) => a - b);

  for (let shown = numbers.length; shown >= 0; shown -= 1) {
    const listed = numbers.slice(0, shown).join(', ');
    const more = shown < numbers.length ? ` +${numbers.length - shown} more` : '';
    const label = numbers.length === 0 ? '' : numbers.length === 1 ? '; incident ' : '; incidents ';
    const text = `${head}${label}${listed}${more}${tail}`;
    if (text.length <= MAX_RULE_DESCRIPTION_LENGTH) return text;
  }
  throw new RangeError(`a block description for ${indicatorKey} cannot fit 140 characters`);
}

/** The expiry a rule's description carries, or undefined when it carries none that parses. */
export function blockExpiryOf(rule: Pick<SecurityRule, 'description'>): string | undefined {
  const description = rule.description ?? '';
  const at = description.lastIndexOf(EXPIRY_MARKER);
  if (at < 0) return undefined;

  const text = description.slice(at + EXPIRY_MARKER.length).trim();
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/**
 * The incident numbers a rule's description lists (those that fit; `+N more` are not known), so
 * that lifting a block can be found under the incidents that asked for it.
 */
export function blockIncidentsOf(rule: Pick<SecurityRule, 'description'>): number[] {
  const match = /; incidents? ([\d, ]+)/.exec(rule.description ?? '');
  if (!match?.[1]) return [];

  return match[1]
    .split(',')
    .map((text) => Number(text.trim()))
    .filter((number) => Number.isInteger(number) && number > 0);
}
