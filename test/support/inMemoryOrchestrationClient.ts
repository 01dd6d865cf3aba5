import type {
  InstanceStatus,
  OrchestrationClient,
  RuntimeStatus,
} from '../../shared/ports/orchestrationClient';

export interface StartedInstance {
  readonly orchestrator: string;
  readonly instanceId: string;
  readonly input: unknown;
}

export interface RaisedEvent {
  readonly instanceId: string;
  readonly eventName: string;
  readonly data: unknown;
}

/** What an instance does when an event reaches it; tests play the orchestrator's part. */
export type EventReaction = (event: RaisedEvent, client: InMemoryOrchestrationClient) => void;

/**
 * The Durable client as triggers see it, in memory, with the extension's documented quirks: a
 * start with an existing id replaces that instance (running or not), and an event raised on a
 * finished instance is accepted and dropped. Tests read what was started and raised.
 */
export class InMemoryOrchestrationClient implements OrchestrationClient {
  readonly started: StartedInstance[] = [];
  readonly raised: RaisedEvent[] = [];
  /** Events that reached a running instance. */
  readonly delivered: RaisedEvent[] = [];
  private readonly instances = new Map<string, InstanceStatus>();
  private reaction: EventReaction | undefined;

  constructor(private readonly now: () => Date = () => new Date()) {}

  async start(orchestrator: string, instanceId: string, input: unknown): Promise<void> {
    this.started.push({ orchestrator, instanceId, input });
    const time = this.now().toISOString();
    this.instances.set(instanceId, {
      instanceId,
      name: orchestrator,
      runtimeStatus: 'Pending',
      input,
      createdTime: time,
      lastUpdatedTime: time,
    });
  }

  async raiseEvent(instanceId: string, eventName: string, data: unknown): Promise<void> {
    const status = this.instances.get(instanceId);
    if (!status) throw new Error(`No instance with ID '${instanceId}' found.`);
    const event = { instanceId, eventName, data };
    this.raised.push(event);

    if (status.runtimeStatus === 'Running' || status.runtimeStatus === 'Pending') {
      this.delivered.push(event);
      this.reaction?.(event, this);
    }
  }

  async getStatus(instanceId: string): Promise<InstanceStatus | undefined> {
    const status = this.instances.get(instanceId);
    return status === undefined ? undefined : structuredClone(status);
  }

  /** Puts an instance in a given state, as if its orchestrator had run so far. */
  put(
    instanceId: string,
    fields: {
      readonly name: string;
      readonly runtimeStatus: RuntimeStatus;
      readonly customStatus?: unknown;
      readonly output?: unknown;
      readonly input?: unknown;
    },
  ): void {
    const time = this.now().toISOString();
    const created = this.instances.get(instanceId)?.createdTime ?? time;
    this.instances.set(instanceId, {
      instanceId,
      createdTime: created,
      lastUpdatedTime: time,
      ...fields,
    });
  }

  onEvent(reaction: EventReaction | undefined): void {
    this.reaction = reaction;
  }
}
