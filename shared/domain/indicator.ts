/**
 * A command-and-control endpoint from the threat feed: one address and one port.
 * The contract other modules rely on; parsing lives in indicatorParser.ts and threatFoxFeed.ts.
 */
export type AddressFamily = 'IPv4' | 'IPv6';

/** What ThreatFox says about an indicator, when it came from ThreatFox. */
export interface ThreatFoxContext {
  readonly iocId?: string;
  readonly malware?: string;
  readonly threatType?: string;
  readonly confidenceLevel?: number;
  readonly firstSeen?: string;
  readonly isCompromised?: boolean;
  readonly tags: readonly string[];
  readonly reference?: string;
}

export interface Indicator {
  /** Canonical address: dotted quad, or RFC 5952 compressed lower-case IPv6. */
  readonly address: string;
  readonly port: number;
  readonly family: AddressFamily;
  /** `1.2.3.4:1889` or `[2001:db8::1]:443`; the identity of the indicator everywhere. */
  readonly key: string;
  readonly threatFox?: ThreatFoxContext;
}

/** Why an indicator must never be blocked, when it must not. */
export interface Blockability {
  readonly blockable: boolean;
  readonly reason?: string;
}

export interface AssessedIndicator extends Indicator {
  readonly blockability: Blockability;
}

/** A feed line that could not become an indicator, with the reason, so that one bad line never aborts the feed. */
export interface RejectedLine {
  readonly line: number;
  readonly text: string;
  readonly reason: string;
}

export interface IndicatorFeed {
  readonly indicators: readonly AssessedIndicator[];
  readonly rejected: readonly RejectedLine[];
  readonly duplicates: number;
}
