import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { createAzureLogSource } from '../shared/adapters/azure/azureLogSource';
import { createAzureNetworkSecurityGroups } from '../shared/adapters/azure/azureNetworkSecurityGroups';
import { createCredential } from '../shared/adapters/azure/credentials';
import { durableOrchestrationClient } from '../shared/adapters/azure/durableOrchestrationClient';
import { createSentinelIncidents } from '../shared/adapters/azure/sentinelIncidents';
import { createTableAuditLog } from '../shared/adapters/azure/tableAuditLog';
import { createWebhookNotifier, noWebhookNotifier } from '../shared/adapters/azure/webhookNotifier';
import type { Configuration } from '../shared/config/configuration';
import { systemClock } from '../shared/ports/clock';
import type { ResponderPorts } from '../shared/ports/responderPorts';
import { packageRoot } from '../local/packageRoot';

/** The DCRat indicator pack deployed with the app (the write-up's ThreatFox IOCs). */
export const BUNDLED_FEED = join(packageRoot, 'samples', 'iocs', 'dcrat-threatfox.json');

/**
 * The Azure adapters composed into the ports, for a configuration in Azure mode (readConfiguration
 * has checked that every setting they need is there). One credential, the Function App's managed
 * identity, serves every adapter.
 */
export function azurePorts(configuration: Configuration): ResponderPorts {
  const { workspaceId, auditTableEndpoint } = configuration;
  if (configuration.mode !== 'azure' || !workspaceId || !auditTableEndpoint) {
    throw new Error(
      'the Functions entry point runs in Azure mode only: set C2R_MODE=azure (with C2R_WORKSPACE_ID and C2R_AUDIT_TABLE_ENDPOINT); on one machine use the command line, which runs the offline host',
    );
  }
  const credential = createCredential(
    configuration.azureClientId ? { managedIdentityClientId: configuration.azureClientId } : {},
  );

  return {
    logSource: createAzureLogSource({ credential, workspaceId }),
    securityGroups: createAzureNetworkSecurityGroups({ credential }),
    incidents: createSentinelIncidents({ credential }),
    audit: createTableAuditLog({
      endpoint: auditTableEndpoint,
      tableName: configuration.auditTable,
      credential,
    }),
    notifier: configuration.webhookUrl
      ? createWebhookNotifier({ url: configuration.webhookUrl })
      : noWebhookNotifier,
    clock: systemClock,
    // Settings are read once per process; a changed app setting restarts the Functions host.
    safety: {
      killSwitch: () => configuration.response.killSwitch,
      dryRun: () => configuration.response.dryRun,
    },
    indicatorFeed: {
      read: async () => ({
        name: 'dcrat-threatfox.json',
        text: await readFile(BUNDLED_FEED, 'utf8'),
      }),
    },
    orchestrationClient: durableOrchestrationClient,
  };
}
