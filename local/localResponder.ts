import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Writable } from 'node:stream';

import { registerResponder } from '../app/registerResponder';
import { ConsoleNotifier } from '../shared/adapters/local/consoleNotifier';
import { ExportedLogSource, type HuntProgress } from '../shared/adapters/local/exportedLogSource';
import { IncidentDocuments } from '../shared/adapters/local/incidentDocuments';
import { JsonlAuditLog } from '../shared/adapters/local/jsonlAuditLog';
import { NsgDocuments } from '../shared/adapters/local/nsgDocuments';
import type { Configuration } from '../shared/config/configuration';
import {
  safetySwitchesOf,
  type ResponderPorts,
  type SafetySwitches,
} from '../shared/ports/responderPorts';
import type { HostClock } from './host/clock';
import { OfflineHost } from './host/offlineHost';
import { packageRoot } from './packageRoot';

/** Where the local responder reads and keeps its data. Defaults point at the bundled lab. */
export interface LocalResponderOptions {
  readonly stateDirectory: string;
  readonly logsDirectory?: string;
  readonly nsgsDirectory?: string;
  readonly iocsFile?: string;
  readonly configuration: Configuration;
  readonly clock?: HostClock;
  /** Where approval notices are written (the console stands in for the webhook). */
  readonly notices?: Writable;
  readonly onHuntProgress?: (progress: HuntProgress) => void;
  /**
   * The live kill switch and dry run; default: this process's configuration. Each command is a
   * process, so a switch set for `approve` reaches a containment that `respond` started earlier.
   */
  readonly safety?: SafetySwitches;
}

export const BUNDLED = {
  logs: join(packageRoot, 'samples', 'logs'),
  nsgs: join(packageRoot, 'samples', 'nsgs'),
  iocs: join(packageRoot, 'samples', 'iocs', 'dcrat-threatfox.json'),
  incidents: join(packageRoot, 'samples', 'incidents'),
} as const;

export interface LocalResponder {
  readonly host: OfflineHost;
  readonly ports: ResponderPorts;
  readonly incidents: IncidentDocuments;
  readonly configuration: Configuration;
}

/**
 * The product on one machine: the local adapters over a state directory, and the offline host
 * running the very orchestrators and activities that run in Azure.
 */
export async function openLocalResponder(options: LocalResponderOptions): Promise<LocalResponder> {
  const stateDirectory = options.stateDirectory;
  const host = await OfflineHost.open({
    stateDir: join(stateDirectory, 'host'),
    clock: options.clock,
  });
  const iocsFile = options.iocsFile ?? BUNDLED.iocs;
  const incidents = new IncidentDocuments({ stateDirectory, clock: host.clock });

  const ports: ResponderPorts = {
    logSource: new ExportedLogSource({
      logsDirectory: options.logsDirectory ?? BUNDLED.logs,
      onProgress: options.onHuntProgress,
    }),
    securityGroups: new NsgDocuments({
      stateDirectory,
      seedDirectory: options.nsgsDirectory ?? BUNDLED.nsgs,
    }),
    incidents,
    audit: new JsonlAuditLog({ stateDirectory }),
    notifier: new ConsoleNotifier(options.notices),
    clock: host.clock,
    indicatorFeed: {
      read: async () => ({ name: basename(iocsFile), text: await readFile(iocsFile, 'utf8') }),
    },
    orchestrationClient: () => host.client,
    safety: options.safety ?? safetySwitchesOf(options.configuration.response),
  };
  await host.load(() => registerResponder(ports));

  return { host, ports, incidents, configuration: options.configuration };
}
