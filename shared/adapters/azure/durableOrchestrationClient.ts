import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';

import type {
  InstanceStatus,
  OrchestrationClient,
  RuntimeStatus,
} from '../../ports/orchestrationClient';

const RUNTIME_STATUSES: readonly string[] = [
  'Pending',
  'Running',
  'Completed',
  'Failed',
  'Terminated',
  'ContinuedAsNew',
  'Suspended',
] satisfies readonly RuntimeStatus[];

/**
 * durable-functions 3.x `DurableClient.getStatus` throws a plain Error for the extension's HTTP 404
 * (no instance with that id); its message is the only mark. The golden test of this adapter fails
 * when an upgrade changes it.
 */
const NOT_FOUND = /replied with HTTP 404/;

/**
 * The OrchestrationClient port over the Durable client of one invocation. The function must be
 * registered with the durable client input binding (`extraInputs: [df.input.durableClient()]`);
 * `df.getClient` reads that binding's data and calls the host's Durable HTTP API.
 */
export function durableOrchestrationClient(invocationContext: unknown): OrchestrationClient {
  const client = df.getClient(asInvocationContext(invocationContext));

  return {
    async start(orchestrator, instanceId, input) {
      await client.startNew(orchestrator, { instanceId, input });
    },

    async raiseEvent(instanceId, eventName, data) {
      await client.raiseEvent(instanceId, eventName, data);
    },

    async getStatus(instanceId) {
      let status: df.DurableOrchestrationStatus;
      try {
        status = await client.getStatus(instanceId);
      } catch (error) {
        if (error instanceof Error && NOT_FOUND.test(error.message)) return undefined;
        throw error;
      }

      return toInstanceStatus(status);
    },
  };
}

function toInstanceStatus(status: df.DurableOrchestrationStatus): InstanceStatus {
  // The library's enum also names `Canceled`, which the extension never reports; read it as ended.
  const reported = String(status.runtimeStatus);
  const runtimeStatus = reported === 'Canceled' ? 'Terminated' : reported;
  if (!RUNTIME_STATUSES.includes(runtimeStatus)) {
    throw new Error(
      `instance ${status.instanceId} has a runtime status this product does not know: ${runtimeStatus}`,
    );
  }

  return {
    instanceId: status.instanceId,
    name: status.name,
    runtimeStatus: runtimeStatus as RuntimeStatus,
    input: status.input,
    output: status.output,
    customStatus: status.customStatus,
    createdTime: new Date(status.createdTime).toISOString(),
    lastUpdatedTime: new Date(status.lastUpdatedTime).toISOString(),
  };
}

function asInvocationContext(value: unknown): InvocationContext {
  const candidate = value as Partial<InvocationContext> | undefined;
  if (!candidate?.options?.extraInputs || typeof candidate.extraInputs?.get !== 'function') {
    throw new TypeError(
      'the Durable client needs the invocation context of a function registered with the durable client input binding',
    );
  }

  return candidate as InvocationContext;
}
