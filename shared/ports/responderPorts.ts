import type { AuditLog } from './auditLog';
import type { Clock } from './clock';
import type { Incidents } from './incidents';
import type { LogSource } from './logSource';
import type { NetworkSecurityGroups } from './networkSecurityGroups';
import type { Notifier } from './notifier';
import type { OrchestrationClient } from './orchestrationClient';

/** Where the indicator feed comes from: the bundled DCRat pack, or a file the operator names. */
export interface IndicatorFeedSource {
  /** The feed's text and a name for it in messages. */
  read(): Promise<{ readonly name: string; readonly text: string }>;
}

/**
 * Every port an activity may use. One instance per process, built by the composition root
 * (app/ for Azure, local/ for the offline host); activities receive it as a parameter.
 */
export interface ResponderPorts {
  readonly logSource: LogSource;
  readonly securityGroups: NetworkSecurityGroups;
  readonly incidents: Incidents;
  readonly audit: AuditLog;
  readonly notifier: Notifier;
  readonly clock: Clock;
  readonly indicatorFeed: IndicatorFeedSource;
  /**
   * The Durable client for one invocation: in Azure it comes from the invocation's durable client
   * input binding, in the offline host it is the host itself.
   */
  orchestrationClient(invocationContext: unknown): OrchestrationClient;
}
