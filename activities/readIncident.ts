import { z } from 'zod';

import type { Incident } from '../shared/domain/incident';
import { defineActivity } from './activityHandler';

export const READ_INCIDENT = 'readIncident';

export interface ReadIncidentInput {
  readonly incidentArmId: string;
}

export type ReadIncidentOutput = Incident;

/** Reads the incident with its entities and alerts (fetched when the stored shape lacks them). */
export const readIncident = defineActivity(
  READ_INCIDENT,
  z.object({ incidentArmId: z.string().min(1) }),
  (input, ports): Promise<ReadIncidentOutput> => ports.incidents.get(input.incidentArmId),
);
