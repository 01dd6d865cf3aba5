import { z } from 'zod';

import {
  containmentInstanceId,
  INCIDENT_JOINED_EVENT,
  type ContainmentResult,
  type IncidentRef,
} from '../shared/domain/containment';
import type { AssessedIndicator } from '../shared/domain/indicator';
import type { ResponseSettings } from '../shared/config/configuration';
import type { RuntimeStatus } from '../shared/ports/orchestrationClient';
import { defineActivity } from './activityHandler';

export const JOIN_CONTAINMENT = 'joinContainment';
/** The containment orchestrator's registered name (kept here so activities need not import orchestrators). */
export const CONTAIN_INDICATOR = 'containIndicator';

export interface ContainIndicatorInput {
  readonly indicator: AssessedIndicator;
  readonly settings: ResponseSettings;
  readonly firstIncident: IncidentRef;
}

export interface JoinContainmentInput extends ContainIndicatorInput {
  /**
   * False on the first call: a finished containment of an earlier incident is not this one's
   * answer, so a new one starts. True when the incident calls again after its wait ran out: the
   * containment it joined has finished, and its result is the answer.
   */
  readonly rejoin: boolean;
}

export type JoinContainmentOutput =
  | { readonly containmentInstanceId: string; readonly joined: 'started' | 'joined' }
  | {
      readonly containmentInstanceId: string;
      readonly joined: 'finished';
      readonly result: ContainmentResult;
    };

const RUNNING: readonly RuntimeStatus[] = ['Pending', 'Running', 'Suspended', 'ContinuedAsNew'];

/**
 * Hands an indicator to its containment: starts it when none runs, otherwise joins the running
 * one, so that the analyst is asked once per C2 endpoint. The status is checked first because
 * starting with an existing id silently replaces a running instance.
 */
export const joinContainment = defineActivity(
  JOIN_CONTAINMENT,
  z.object({
    indicator: z.custom<AssessedIndicator>(
      (v) => typeof (v as AssessedIndicator)?.key === 'string',
    ),
    settings: z.custom<ResponseSettings>((v) => typeof v === 'object' && v !== null),
    firstIncident: z.object({
      armId: z.string().min(1),
      name: z.string().min(1),
      number: z.number().int(),
      instanceId: z.string().min(1),
    }),
    rejoin: z.boolean(),
  }),
  async (input, ports, invocationContext): Promise<JoinContainmentOutput> => {
    const client = ports.orchestrationClient(invocationContext);
    const instanceId = containmentInstanceId(input.indicator.key);
    const status = await client.getStatus(instanceId);

    if (status && RUNNING.includes(status.runtimeStatus)) {
      await client.raiseEvent(instanceId, INCIDENT_JOINED_EVENT, input.firstIncident);
      return { containmentInstanceId: instanceId, joined: 'joined' };
    }
    if (status && input.rejoin && status.runtimeStatus === 'Completed') {
      return {
        containmentInstanceId: instanceId,
        joined: 'finished',
        result: status.output as ContainmentResult,
      };
    }

    const containmentInput: ContainIndicatorInput = {
      indicator: input.indicator,
      settings: input.settings,
      firstIncident: input.firstIncident,
    };
    try {
      await client.start(CONTAIN_INDICATOR, instanceId, containmentInput);
    } catch (error) {
      // Another incident started it between our status check and our start (the host refuses to
      // start over a running instance): join the one that won.
      const winner = await client.getStatus(instanceId);
      if (!winner || !RUNNING.includes(winner.runtimeStatus)) throw error;
      await client.raiseEvent(instanceId, INCIDENT_JOINED_EVENT, input.firstIncident);
      return { containmentInstanceId: instanceId, joined: 'joined' };
    }
    return { containmentInstanceId: instanceId, joined: 'started' };
  },
  { usesOrchestrationClient: true },
);
