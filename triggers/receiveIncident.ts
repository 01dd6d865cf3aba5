import type { HttpHandler, HttpRequest, InvocationContext } from '@azure/functions';

import { incidentInstanceId } from '../shared/domain/containment';
import type { Incident } from '../shared/domain/incident';
import { parseIncidentTriggerBody } from '../shared/domain/incidentParser';
import { ValidationError } from '../shared/domain/validationError';
import type { InstanceStatus, OrchestrationClient } from '../shared/ports/orchestrationClient';
import {
  RESPOND_TO_INCIDENT,
  type RespondToIncidentInput,
} from '../orchestrators/respondToIncident';
import { callerName, readCaller } from './callerIdentity';
import { answer, answerFailures, refusal } from './httpAnswer';
import { readJsonBody } from './requestBody';
import type { TriggerDependencies } from './triggerDependencies';

/** The product's own status link of an incident; never a Durable management URL (they carry the system key). */
export function incidentStatusUrl(publicBaseUrl: string, incidentId: string): string {
  return `${publicBaseUrl}/api/incidents/${encodeURIComponent(incidentId)}`;
}

/**
 * `POST /api/incidents`: the Sentinel incident trigger body that the bridge Logic App forwards.
 * Starts at most one running response per incident: the status is checked first, because starting
 * with an existing instance id silently replaces a running instance (Durable Functions). A response
 * that failed is started again; a running or completed one is reported as a duplicate.
 */
export function receiveIncident(dependencies: TriggerDependencies): HttpHandler {
  const { configuration, audit, clock } = dependencies;

  return async (request: HttpRequest, context: InvocationContext) => {
    let logIds = `incident intake ${context.invocationId}`;
    return answerFailures(
      context,
      () => logIds,
      async () => {
        const reading = readCaller(request, configuration, 'bridge');
        if (!reading.ok) return refusal(401, 'unauthorised', reading.message);

        const incident = parseIncidentTriggerBody(await readJsonBody(request));
        checkWorkspace(incident, configuration.sentinelWorkspaceResourceId);
        const instanceId = incidentInstanceId(incident.name);
        logIds = `incident ${incident.name} (instance ${instanceId})`;
        const statusUrl = incidentStatusUrl(configuration.response.publicBaseUrl, incident.name);
        const client = dependencies.orchestrationClient(context);
        const actor = callerName(reading.caller);
        const now = clock.now().toISOString();
        const received = {
          partition: incident.name,
          time: now,
          actor,
          action: 'incident.received',
          incidentId: incident.name,
          incidentNumber: incident.number,
          instanceId,
          target: incident.armId,
        } as const;

        const existing = await client.getStatus(instanceId);
        // A failed response is no answer: a new delivery starts a fresh one under the same id,
        // which Durable allows for an instance that is no longer running.
        const retried = existing?.runtimeStatus === 'Failed' ? existing : undefined;
        if (existing && !retried) {
          await audit.append({
            ...received,
            outcome: 'skipped',
            reason: `a response to this incident already exists (${existing.runtimeStatus}); nothing was started`,
            idempotencyKey: `${instanceId}/received/duplicate/${now}`,
          });
          context.info(`${logIds}: duplicate delivery, the response is ${existing.runtimeStatus}`);
          return duplicateAnswer(existing, incident, statusUrl);
        }

        await audit.append({
          ...received,
          outcome: 'succeeded',
          ...(retried && {
            reason: `the previous response failed (${retried.lastUpdatedTime}); a new one was started`,
          }),
          details: {
            incidentNumber: incident.number,
            severity: incident.severity,
            ipEntities: incident.ipAddresses.length,
            hostEntities: incident.hosts.length,
            notes: incident.notes ?? [],
          },
          idempotencyKey: retried
            ? `${instanceId}/received/after-failure/${retried.lastUpdatedTime}`
            : `${instanceId}/received`,
        });
        const input: RespondToIncidentInput = {
          incidentArmId: incident.armId,
          incidentName: incident.name,
          settings: configuration.response,
        };
        const raced = await startOnce(client, instanceId, input);
        if (raced) {
          context.info(`${logIds}: another delivery started the response first`);
          return duplicateAnswer(raced, incident, statusUrl);
        }

        context.info(
          `${logIds}: response ${retried ? 'started again after a failure' : 'started'} for incident ${incident.number}`,
        );
        return answer(
          202,
          {
            accepted: true,
            message: retried
              ? `The previous response to incident ${incident.number} failed; a new one has started.`
              : `The response to incident ${incident.number} has started.`,
            incidentId: incident.name,
            instanceId,
            statusUrl,
          },
          { location: statusUrl, 'retry-after': '10' },
        );
      },
    );
  };
}

/**
 * Starts the response; when the start fails because another delivery won the race (the task hub
 * may refuse to replace a running instance), answers with that instance instead.
 */
async function startOnce(
  client: OrchestrationClient,
  instanceId: string,
  input: RespondToIncidentInput,
): Promise<InstanceStatus | undefined> {
  try {
    await client.start(RESPOND_TO_INCIDENT, instanceId, input);
    return undefined;
  } catch (error) {
    const winner = await client.getStatus(instanceId);
    if (winner) return winner;
    throw error;
  }
}

function duplicateAnswer(existing: InstanceStatus, incident: Incident, statusUrl: string) {
  return answer(
    200,
    {
      accepted: true,
      duplicate: true,
      message: `A response to incident ${incident.number} already exists (${existing.runtimeStatus}); nothing new was started.`,
      incidentId: incident.name,
      instanceId: existing.instanceId,
      statusUrl,
    },
    { location: statusUrl },
  );
}

/** An incident of another workspace would be read, commented and closed with our rights there. */
function checkWorkspace(incident: Incident, workspaceResourceId: string | undefined): void {
  if (!workspaceResourceId) return;

  const prefix = `${workspaceResourceId}/providers/Microsoft.SecurityInsights/incidents/`;
  if (!incident.armId.toLowerCase().startsWith(prefix.toLowerCase())) {
    throw new ValidationError('Sentinel incident trigger body', [
      `object.id: the incident is not in the configured Sentinel workspace ${workspaceResourceId}`,
    ]);
  }
}
