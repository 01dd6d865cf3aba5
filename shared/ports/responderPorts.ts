import type { ResponseSettings } from '../config/configuration';
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
 * The safety switches as the running process knows them. Orchestration input is frozen when an
 * orchestration starts, so activities ask here before every write: an operator who turns the kill
 * switch on (or dry run on) stops orchestrations already waiting for approval as well. In Azure a
 * change to an app setting restarts the Functions host, so the next activity sees the new value; an
 * activity already writing finishes with the value it started with.
 */
export interface SafetySwitches {
  /** C2R_KILL_SWITCH: no NSG and no incident is changed while it is on. */
  killSwitch(): boolean;
  /** C2R_DRY_RUN: every write is recorded as what it would have been, and not made. */
  dryRun(): boolean;
}

/**
 * The switches as the configuration read at process start sets them: what both composition roots
 * pass (local/localResponder.ts, and app/azurePorts.ts with `readConfiguration(process.env)`).
 */
export function safetySwitchesOf(
  settings: Pick<ResponseSettings, 'killSwitch' | 'dryRun'>,
): SafetySwitches {
  return { killSwitch: () => settings.killSwitch, dryRun: () => settings.dryRun };
}

/** The one sentence every kill-switch refusal carries: audit record, comment, command line. */
export const KILL_SWITCH_REFUSAL =
  'The kill switch is on (C2R_KILL_SWITCH): no NSG rule and no incident is changed until an operator turns it off.';

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
  /** Read live, not from the orchestration input; see SafetySwitches. */
  readonly safety: SafetySwitches;
  /**
   * The Durable client for one invocation: in Azure it comes from the invocation's durable client
   * input binding, in the offline host it is the host itself.
   */
  orchestrationClient(invocationContext: unknown): OrchestrationClient;
}
