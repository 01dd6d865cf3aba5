/**
 * The few Durable client operations that triggers and activities need. One implementation wraps
 * the durable-functions client in Azure; the offline host offers its own.
 */
export type RuntimeStatus =
  'Pending' | 'Running' | 'Completed' | 'Failed' | 'Terminated' | 'ContinuedAsNew' | 'Suspended';

export interface InstanceStatus {
  readonly instanceId: string;
  readonly name: string;
  readonly runtimeStatus: RuntimeStatus;
  readonly input?: unknown;
  readonly output?: unknown;
  readonly customStatus?: unknown;
  readonly createdTime: string;
  readonly lastUpdatedTime: string;
}

export interface OrchestrationClient {
  /** Starts a new instance. The caller checks the status first: an existing id would be replaced. */
  start(orchestrator: string, instanceId: string, input: unknown): Promise<void>;
  raiseEvent(instanceId: string, eventName: string, data: unknown): Promise<void>;
  /** Undefined when no instance has that id. */
  getStatus(instanceId: string): Promise<InstanceStatus | undefined>;
}
