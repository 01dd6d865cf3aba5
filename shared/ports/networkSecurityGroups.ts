import type { SecurityGroup, SecurityRule } from '../domain/securityGroup';

/**
 * Reads NSGs and writes single security rules. Writing one rule (the `securityRules` child
 * resource) never rewrites another writer's rules, which a PUT of the whole NSG would.
 *
 * Errors: `FirewallBusyError` while another operation runs on the NSG (retry after the delay),
 * `PriorityTakenError` when the rule's priority was taken meanwhile (plan again),
 * `RuleLimitError` when the NSG is full.
 */
export interface NetworkSecurityGroups {
  get(nsgId: string): Promise<SecurityGroup>;
  putRule(nsgId: string, rule: SecurityRule): Promise<SecurityRule>;
  /** Deleting a rule that is not there succeeds (idempotent). */
  deleteRule(nsgId: string, ruleName: string): Promise<void>;
}
