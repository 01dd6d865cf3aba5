import * as df from 'durable-functions';

import { applyBlock } from '../activities/applyBlock';
import { commentOnIncident } from '../activities/commentOnIncident';
import { joinContainment } from '../activities/joinContainment';
import { loadIndicatorFeed } from '../activities/loadIndicatorFeed';
import { planContainment } from '../activities/planContainment';
import { readIncident } from '../activities/readIncident';
import { recordAudit } from '../activities/recordAudit';
import { reportContainment } from '../activities/reportContainment';
import { requestApproval } from '../activities/requestApproval';
import { runHunt } from '../activities/runHunt';
import { updateIncident } from '../activities/updateIncident';
import { CONTAIN_INDICATOR, containIndicator } from '../orchestrators/containIndicator';
import { RESPOND_TO_INCIDENT, respondToIncident } from '../orchestrators/respondToIncident';
import type { ResponderPorts } from '../shared/ports/responderPorts';

export const ACTIVITIES = [
  readIncident,
  loadIndicatorFeed,
  runHunt,
  recordAudit,
  commentOnIncident,
  updateIncident,
  joinContainment,
  reportContainment,
  planContainment,
  requestApproval,
  applyBlock,
];

/**
 * Registers the orchestrators and activities with durable-functions, exactly as the Functions host
 * loads them; the offline host records the same registrations. Activities get the ports here.
 */
export function registerResponder(ports: ResponderPorts): void {
  df.app.orchestration(RESPOND_TO_INCIDENT, respondToIncident);
  df.app.orchestration(CONTAIN_INDICATOR, containIndicator);

  for (const define of ACTIVITIES) {
    const activity = define(ports);
    df.app.activity(activity.name, {
      handler: activity.handler,
      extraInputs: activity.usesOrchestrationClient ? [df.input.durableClient()] : [],
    });
  }
}
