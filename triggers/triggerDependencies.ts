import type { InvocationContext } from '@azure/functions';

import type { Configuration } from '../shared/config/configuration';
import type { AuditLog } from '../shared/ports/auditLog';
import type { Clock } from '../shared/ports/clock';
import type { NetworkSecurityGroups } from '../shared/ports/networkSecurityGroups';
import type { OrchestrationClient } from '../shared/ports/orchestrationClient';

/**
 * What the HTTP and timer functions need: the configuration read once at start, and the ports of
 * the same composition the activities use. Tests pass local adapters and an in-memory client.
 */
export interface TriggerDependencies {
  readonly configuration: Configuration;
  readonly audit: AuditLog;
  readonly securityGroups: NetworkSecurityGroups;
  readonly clock: Clock;
  /**
   * The key of the approval page's anti-forgery tokens (shared/domain/antiForgeryToken.ts). With it,
   * a decision posted as a form must carry a token the page issued; without it the page offers no
   * form. In Azure it must be the same on every instance (#6); locally it is kept in the state
   * directory.
   */
  readonly antiForgeryKey?: Uint8Array;
  /** The Durable client of one invocation (its durable client input binding in Azure). */
  orchestrationClient(invocationContext: InvocationContext): OrchestrationClient;
}
