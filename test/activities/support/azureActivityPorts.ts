import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { AzureNamedKeyCredential } from '@azure/data-tables';

import { createAzureNetworkSecurityGroups } from '../../../shared/adapters/azure/azureNetworkSecurityGroups';
import { createSentinelIncidents } from '../../../shared/adapters/azure/sentinelIncidents';
import { createTableAuditLog } from '../../../shared/adapters/azure/tableAuditLog';
import { readConfiguration, type ResponseSettings } from '../../../shared/config/configuration';
import type { AuditRecord } from '../../../shared/domain/auditRecord';
import type { ResponderPorts } from '../../../shared/ports/responderPorts';
import { startArmNetworkFake, type ArmNetworkFake } from '../../contract/fakes/armNetworkFake';
import { startSentinelFake, type SentinelFake } from '../../contract/fakes/sentinelFake';
import { DEV_ACCOUNT, DEV_ACCOUNT_KEY } from '../../contract/support/azurite';
import type { AzuriteTable } from '../../contract/support/azurite';
import { staticCredential } from '../../contract/support/staticCredential';

export const NSG_IDS = [
  '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-net/providers/Microsoft.Network/networkSecurityGroups/nsg-fin',
  '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-net/providers/Microsoft.Network/networkSecurityGroups/nsg-app',
] as const;
export const APPROVER = 'soc.analyst@contoso.com';

/** An allow rule the product must beat and never touch, as the contract tests use it. */
export const FOREIGN_ALLOW = {
  name: 'allow-web-out',
  properties: {
    priority: 300,
    direction: 'Outbound',
    access: 'Allow',
    protocol: '*',
    sourceAddressPrefix: '*',
    sourcePortRange: '*',
    destinationAddressPrefix: 'Internet',
    destinationPortRanges: ['80', '443'],
  },
};

interface Reference {
  responses: { '200': { body: Record<string, unknown> } };
}

function reference(file: string): Record<string, unknown> {
  const path = join(__dirname, '..', '..', 'fixtures', 'reference', file);
  return (JSON.parse(readFileSync(path, 'utf8')) as Reference).responses['200'].body;
}

/** The Sentinel incident of the reference fixtures, open, as the fake serves it. */
export function referenceIncident(): { armId: string; add: (fake: SentinelFake) => void } {
  const incident = reference('sentinel_rest_incident_get_response.json') as {
    id: string;
    properties: Record<string, unknown>;
  };
  const entities = reference('sentinel_rest_incident_entities_response.json');
  const alerts = reference('sentinel_rest_incident_alerts_response.json');
  const open = {
    ...incident,
    properties: {
      ...incident.properties,
      status: 'Active',
      classification: undefined,
      classificationReason: undefined,
      classificationComment: undefined,
      labels: [{ labelName: 'ThreatFox', labelType: 'AutoAssigned' }],
    },
  };
  return { armId: incident.id, add: (fake) => fake.addIncident(open, entities, alerts) };
}

export interface AzureActivityWorld {
  readonly ports: ResponderPorts;
  readonly arm: ArmNetworkFake;
  readonly sentinel: SentinelFake;
  /** The live switches the activities read; a test flips them as an operator would. */
  readonly switches: { killSwitch: boolean; dryRun: boolean };
  readonly settings: (overrides?: Record<string, string>) => ResponseSettings;
  records(): Promise<AuditRecord[]>;
  close(): Promise<void>;
}

let tables = 0;

/**
 * ResponderPorts built from the Azure adapters, as app/azurePorts.ts composes them, against the
 * HTTPS fakes of Microsoft.Network and Microsoft.SecurityInsights and an Azurite table. The ports
 * activities here do not use (hunts, feed, notices, the Durable client) refuse to be called.
 */
export async function startAzureActivityWorld(
  azurite: AzuriteTable,
  now: () => Date,
): Promise<AzureActivityWorld> {
  const [arm, sentinel] = await Promise.all([
    startArmNetworkFake({ pollsUntilDone: 1, retryAfterSeconds: 0 }),
    startSentinelFake(),
  ]);
  for (const id of NSG_IDS) arm.addGroup(id, [FOREIGN_ALLOW]);
  const retryOptions = { maxRetries: 1, retryDelayInMs: 5, maxRetryDelayInMs: 10 };
  tables += 1;
  const audit = createTableAuditLog({
    endpoint: azurite.url,
    tableName: `safety${process.pid}x${tables}`,
    credential: new AzureNamedKeyCredential(DEV_ACCOUNT, DEV_ACCOUNT_KEY),
    allowInsecureConnection: true,
  });
  const switches = { killSwitch: false, dryRun: false };
  const unused = (port: string) => () => {
    throw new Error(`the ${port} port is not part of this test`);
  };

  const ports: ResponderPorts = {
    securityGroups: createAzureNetworkSecurityGroups({
      credential: staticCredential(),
      endpoint: arm.url,
      tlsOptions: { ca: arm.ca },
      retryOptions,
      pollIntervalMs: 5,
    }),
    incidents: createSentinelIncidents({
      credential: staticCredential(),
      endpoint: sentinel.url,
      tlsOptions: { ca: sentinel.ca },
      retryOptions,
      maxUpdateAttempts: 3,
    }),
    audit,
    clock: { now },
    safety: { killSwitch: () => switches.killSwitch, dryRun: () => switches.dryRun },
    logSource: { runHunt: unused('log source') },
    notifier: { notifyApprovalRequested: unused('notifier') },
    indicatorFeed: { read: unused('indicator feed') },
    orchestrationClient: unused('orchestration client'),
  };

  return {
    ports,
    arm,
    sentinel,
    switches,
    settings: (overrides = {}) =>
      readConfiguration({
        C2R_NSG_IDS: NSG_IDS.join(','),
        C2R_APPROVERS: APPROVER,
        ...overrides,
      }).response,
    records: async () => {
      const records: AuditRecord[] = [];
      let continuationToken: string | undefined;
      do {
        const page = await audit.query({
          limit: 1000,
          ...(continuationToken ? { continuationToken } : {}),
        });
        records.push(...page.records);
        continuationToken = page.continuationToken;
      } while (continuationToken);
      return records;
    },
    close: async () => {
      await Promise.all([arm.close(), sentinel.close()]);
    },
  };
}
