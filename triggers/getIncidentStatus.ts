import type { HttpHandler, HttpRequest, InvocationContext } from '@azure/functions';

import type { ContainmentStatus } from '../shared/domain/containment';
import type { IncidentResponse, IncidentStatus } from '../orchestrators/respondToIncident';
import { incidentInstanceId } from '../shared/domain/containment';
import type { InstanceStatus } from '../shared/ports/orchestrationClient';
import { readCaller } from './callerIdentity';
import { answer, answerFailures, refusal } from './httpAnswer';
import type { TriggerDependencies } from './triggerDependencies';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `GET /api/incidents/{incidentId}`: where the response to an incident stands, combined from its
 * own instance and the containments it handed its indicators to (plan, deadline, approval link).
 * Only the product's own links appear; the Durable management links carry the system key.
 * It overlaps shared/containment/incidentReport.ts, which the command line shows; answering with
 * that one report (and its findings) is left to (#4).
 */
export function getIncidentStatus(dependencies: TriggerDependencies): HttpHandler {
  const { configuration } = dependencies;

  return async (request: HttpRequest, context: InvocationContext) => {
    const incidentId = request.params.incidentId ?? '';
    const instanceId = incidentInstanceId(incidentId);
    const logIds = `incident ${incidentId} (instance ${instanceId})`;
    return answerFailures(
      context,
      () => logIds,
      async () => {
        const reading = readCaller(request, configuration, 'reader');
        if (!reading.ok) return refusal(401, 'unauthorised', reading.message);
        if (!GUID.test(incidentId)) {
          return refusal(400, 'invalid-input', 'The incident id must be the incident GUID.');
        }

        const client = dependencies.orchestrationClient(context);
        const status = await client.getStatus(instanceId);
        if (!status) {
          return refusal(404, 'unknown-incident', `No response to incident ${incidentId} exists.`);
        }
        const custom = (status.customStatus ?? {}) as Partial<IncidentStatus>;
        const response =
          status.runtimeStatus === 'Completed' ? (status.output as IncidentResponse) : undefined;
        const containments = await Promise.all(
          (custom.containments ?? []).map(async ({ indicator, instanceId: containmentId }) =>
            describeContainment(indicator, containmentId, await client.getStatus(containmentId)),
          ),
        );

        return answer(200, {
          incidentId,
          instanceId,
          runtimeStatus: status.runtimeStatus,
          stage: custom.stage ?? (status.runtimeStatus === 'Pending' ? 'pending' : 'unknown'),
          ...(custom.verdict === undefined ? {} : { verdict: custom.verdict }),
          ...(response === undefined ? {} : { verdictReasons: response.verdict.reasons }),
          ...(custom.outcome === undefined ? {} : { outcome: custom.outcome }),
          containments,
          createdTime: status.createdTime,
          lastUpdatedTime: status.lastUpdatedTime,
        });
      },
    );
  };
}

function describeContainment(
  indicator: string,
  instanceId: string,
  status: InstanceStatus | undefined,
) {
  if (!status) return { indicator, instanceId, stage: 'unknown' };
  const custom = (status.customStatus ?? {}) as Partial<ContainmentStatus>;

  return {
    indicator,
    instanceId,
    runtimeStatus: status.runtimeStatus,
    stage: custom.stage ?? 'unknown',
    ...(custom.plan === undefined ? {} : { plan: custom.plan }),
    ...(custom.deadline === undefined ? {} : { deadline: custom.deadline }),
    ...(custom.approvalUrl === undefined ? {} : { approvalUrl: custom.approvalUrl }),
    ...(custom.lastRefusal === undefined ? {} : { lastRefusal: custom.lastRefusal }),
    ...(custom.outcome === undefined ? {} : { outcome: custom.outcome }),
    incidents: (custom.incidents ?? []).map((incident) => incident.number),
  };
}
