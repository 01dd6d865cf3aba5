import { specialUseRangeOf } from './addressRange';
import type { Incident } from './incident';
import type { AssessedIndicator } from './indicator';
import { canonicalAddress } from './indicatorParser';

/** Step 2 of the flow: which of the incident's addresses are known C2 endpoints, on which ports. */
export interface IndicatorMatch {
  /** Feed indicators the incident points at, unique by key, in the incident's address order. */
  readonly indicators: readonly AssessedIndicator[];
  /** Sentences for the analyst and the audit record: what matched, what did not, and why. */
  readonly notes: readonly string[];
  /** Incident addresses (entities and C2IP custom details) that yielded no indicator. */
  readonly unmatchedAddresses: readonly string[];
}

function incidentAddresses(incident: Incident): string[] {
  const addresses: string[] = [];
  for (const text of [...incident.ipAddresses, ...incident.c2Addresses]) {
    const parsed = canonicalAddress(text);
    const address = parsed.ok ? parsed.text : text;
    if (!addresses.includes(address)) addresses.push(address);
  }

  return addresses;
}

function whyNotKnown(address: string): string {
  const parsed = canonicalAddress(address);
  const special = parsed.ok ? specialUseRangeOf(parsed.address) : undefined;

  return special
    ? `${address} is not a known C2 endpoint (${special.kind})`
    : `${address} is not a known C2 endpoint`;
}

/**
 * Matches the incident against the feed. IP entities carry no port, so the alert's C2Port custom
 * details choose among the feed's ports for an address; without them, every port the feed lists
 * for the address counts. A port the feed does not list is noted, never turned into an indicator:
 * only the feed says what is a C2 endpoint. The custom details do not pair ports with addresses,
 * so each C2Port applies to every address of the incident.
 */
export function matchIndicators(
  incident: Incident,
  feed: readonly AssessedIndicator[],
): IndicatorMatch {
  const byAddress = new Map<string, AssessedIndicator[]>();
  for (const indicator of feed) {
    byAddress.set(indicator.address, [...(byAddress.get(indicator.address) ?? []), indicator]);
  }

  const matched = new Map<string, AssessedIndicator>();
  const notes: string[] = [];
  const unmatchedAddresses: string[] = [];
  for (const address of incidentAddresses(incident)) {
    const known = byAddress.get(address) ?? [];
    if (known.length === 0) {
      notes.push(whyNotKnown(address));
      unmatchedAddresses.push(address);
      continue;
    }

    const knownPorts = known.map((indicator) => indicator.port);
    const chosen =
      incident.c2Ports.length === 0
        ? known
        : known.filter((indicator) => incident.c2Ports.includes(indicator.port));
    for (const port of incident.c2Ports.filter((port) => !knownPorts.includes(port))) {
      notes.push(
        `the alert names port ${port}, but the feed lists ${address} only on ${knownPorts.join(', ')}`,
      );
    }
    if (chosen.length === 0) {
      unmatchedAddresses.push(address);
      continue;
    }
    for (const indicator of chosen) {
      if (matched.has(indicator.key)) continue;
      matched.set(indicator.key, indicator);
      const source =
        incident.c2Ports.length === 0 ? 'every port the feed lists' : 'the alert names the port';
      const guard = indicator.blockability.blockable
        ? ''
        : `; never blockable: ${indicator.blockability.reason ?? 'no reason given'}`;
      notes.push(`${indicator.key} is a known C2 endpoint (${source})${guard}`);
    }
  }

  return { indicators: [...matched.values()], notes, unmatchedAddresses };
}
