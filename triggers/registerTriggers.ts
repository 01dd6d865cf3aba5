import { app, type HttpFunctionOptions, type TimerFunctionOptions } from '@azure/functions';
import * as df from 'durable-functions';

import { approvalPage } from './approvalPage';
import { auditTimeline } from './auditTimeline';
import { EXPIRY_SCHEDULE, expireBlocksOnSchedule } from './expireBlocksOnSchedule';
import { getIncidentStatus } from './getIncidentStatus';
import { queryAudit } from './queryAudit';
import { receiveApproval } from './receiveApproval';
import { receiveIncident } from './receiveIncident';
import { requestUnblock } from './requestUnblock';
import type { TriggerDependencies } from './triggerDependencies';

/** The part of `app` from @azure/functions that registers triggers; tests pass a recorder. */
export interface TriggerRegistrar {
  http(name: string, options: HttpFunctionOptions): void;
  timer(name: string, options: TimerFunctionOptions): void;
}

/**
 * Registers the HTTP and timer functions. Every HTTP function is `anonymous` to the Functions host
 * and relies on App Service Authentication in front of it (see callerIdentity.ts): a function key
 * would be one shared secret for every analyst, with no identity to audit.
 */
export function registerTriggers(
  dependencies: TriggerDependencies,
  registrar: TriggerRegistrar = app,
): void {
  const durableClient = [df.input.durableClient()];

  registrar.http('receiveIncident', {
    methods: ['POST'],
    route: 'incidents',
    authLevel: 'anonymous',
    extraInputs: durableClient,
    handler: receiveIncident(dependencies),
  });
  registrar.http('getIncidentStatus', {
    methods: ['GET'],
    route: 'incidents/{incidentId}',
    authLevel: 'anonymous',
    extraInputs: durableClient,
    handler: getIncidentStatus(dependencies),
  });
  registrar.http('receiveApproval', {
    methods: ['POST'],
    route: 'approvals/{instanceId}',
    authLevel: 'anonymous',
    extraInputs: durableClient,
    handler: receiveApproval(dependencies),
  });
  registrar.http('approvalPage', {
    methods: ['GET'],
    route: 'approvals/{instanceId}',
    authLevel: 'anonymous',
    extraInputs: durableClient,
    handler: approvalPage(dependencies),
  });
  registrar.http('auditTimeline', {
    methods: ['GET'],
    route: 'audit/view',
    authLevel: 'anonymous',
    handler: auditTimeline(dependencies),
  });
  registrar.http('queryAudit', {
    methods: ['GET'],
    route: 'audit',
    authLevel: 'anonymous',
    handler: queryAudit(dependencies),
  });
  registrar.http('requestUnblock', {
    methods: ['POST'],
    route: 'blocks/unblock',
    authLevel: 'anonymous',
    handler: requestUnblock(dependencies),
  });
  registrar.timer('expireBlocks', {
    schedule: EXPIRY_SCHEDULE,
    handler: expireBlocksOnSchedule(dependencies),
  });
}
