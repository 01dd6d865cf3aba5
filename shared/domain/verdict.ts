import type { HuntResult, JudgedFinding } from './finding';

export type VerdictKind = 'malicious' | 'benign' | 'inconclusive' | 'no-activity';

export interface Verdict {
  readonly kind: VerdictKind;
  /** Sentences a person can read, in order of importance. */
  readonly reasons: readonly string[];
  readonly findings: readonly JudgedFinding[];
  readonly hunts: readonly Pick<HuntResult, 'table' | 'outcome' | 'window'>[];
}
