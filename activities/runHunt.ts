import { z } from 'zod';

import type { HuntResult } from '../shared/domain/finding';
import type { Indicator } from '../shared/domain/indicator';
import type { HuntRequest } from '../shared/ports/logSource';
import { defineActivity } from './activityHandler';

export const RUN_HUNT = 'runHunt';

export type RunHuntInput = HuntRequest;
export type RunHuntOutput = HuntResult;

const indicator = z.custom<Indicator>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Indicator).address === 'string' &&
    Number.isInteger((value as Indicator).port),
  'must be an indicator with an address and a port',
);

/** Runs one hunt. A failed or partial hunt comes back as a result, never as "no hits". */
export const runHunt = defineActivity(
  RUN_HUNT,
  z.object({
    table: z.enum(['CommonSecurityLog', 'DeviceNetworkEvents']),
    indicators: z.array(indicator).min(1),
    window: z.object({ start: z.iso.datetime(), end: z.iso.datetime() }),
    sampleSize: z.number().int().min(0).max(1000),
  }),
  (input, ports): Promise<RunHuntOutput> => ports.logSource.runHunt(input),
);
