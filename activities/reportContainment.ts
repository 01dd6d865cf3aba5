import { z } from 'zod';

import {
  containmentResultEvent,
  type ContainmentResult,
  type IncidentRef,
} from '../shared/domain/containment';
import { defineActivity } from './activityHandler';

export const REPORT_CONTAINMENT = 'reportContainment';

export interface ReportContainmentInput {
  readonly incidents: readonly IncidentRef[];
  readonly result: ContainmentResult;
}

/**
 * Tells every joined incident how its indicator's containment ended. Events arrive at least once;
 * an incident that already finished ignores it.
 */
export const reportContainment = defineActivity(
  REPORT_CONTAINMENT,
  z.object({
    incidents: z.array(z.object({ instanceId: z.string().min(1) }).passthrough()),
    result: z.custom<ContainmentResult>(
      (v) => typeof (v as ContainmentResult)?.indicator === 'string',
    ),
  }),
  async (input, ports, invocationContext): Promise<number> => {
    const client = ports.orchestrationClient(invocationContext);
    const eventName = containmentResultEvent(input.result.indicator);
    const instanceIds = [...new Set(input.incidents.map((incident) => incident.instanceId))];
    for (const instanceId of instanceIds) {
      await client.raiseEvent(instanceId, eventName, input.result);
    }
    return instanceIds.length;
  },
  { usesOrchestrationClient: true },
);
