import { incidentReport } from '../../shared/containment/incidentReport';
import {
  open,
  print,
  printJson,
  CommandError,
  type CommandEnvironment,
  type StateOptions,
} from './commandContext';
import { presentReport, textTable } from './presentReport';

export interface StatusOptions extends StateOptions {
  readonly json?: boolean;
}

const INCIDENT_PREFIX = 'incident-';

/** One instance (an incident's response or a containment), or a list of every instance. */
export async function statusCommand(
  env: CommandEnvironment,
  instanceId: string | undefined,
  options: StatusOptions,
): Promise<void> {
  const responder = await open(env, { state: options.state });

  if (!instanceId) {
    const instances = responder.host.listInstances();
    if (options.json) return printJson(env, instances);
    if (instances.length === 0) return print(env, 'No instances yet.');
    const rows = instances.map((status) => {
      const custom = (status.customStatus ?? {}) as {
        stage?: string;
        outcome?: string;
        verdict?: string;
      };
      return [
        status.instanceId,
        status.name,
        status.runtimeStatus,
        custom.stage ?? '',
        custom.verdict ?? '',
        `${custom.outcome ?? ''}${(status.input as { settings?: { dryRun?: boolean } } | undefined)?.settings?.dryRun ? ' (dry run)' : ''}`,
        status.lastUpdatedTime,
      ];
    });
    return print(
      env,
      textTable(
        ['Instance', 'Orchestration', 'Status', 'Stage', 'Verdict', 'Outcome', 'Updated'],
        rows,
      ),
    );
  }

  if (instanceId.startsWith(INCIDENT_PREFIX)) {
    const report = await incidentReport(
      responder.host.client,
      responder.ports.audit,
      instanceId.slice(INCIDENT_PREFIX.length),
    );
    if (report) return options.json ? printJson(env, report) : print(env, presentReport(report));
  }
  const status = await responder.host.getStatus(instanceId);
  if (!status) throw new CommandError(`no instance ${instanceId} in this state directory`);
  if (options.json) return printJson(env, status);
  print(env, `${status.instanceId} (${status.name}): ${status.runtimeStatus}`);
  print(env, JSON.stringify(status.customStatus ?? {}, null, 2));
}
