import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

import { incidentReport, type IncidentReport } from '../../shared/containment/incidentReport';
import { incidentInstanceId } from '../../shared/domain/containment';
import { parseIncidentTriggerBody } from '../../shared/domain/incidentParser';
import {
  RESPOND_TO_INCIDENT,
  type RespondToIncidentInput,
} from '../../orchestrators/respondToIncident';
import { KILL_SWITCH_REFUSAL } from '../../shared/ports/responderPorts';
import type { LocalResponder } from '../localResponder';
import { decideAwaitingContainments } from './approveCommand';
import {
  CommandError,
  open,
  print,
  printJson,
  type CommandEnvironment,
  type StateOptions,
} from './commandContext';
import { presentReport } from './presentReport';

export interface RespondOptions extends StateOptions {
  readonly iocs?: string;
  readonly logs?: string;
  readonly nsgs?: string;
  readonly approveAs?: string;
  readonly rejectAs?: string;
  readonly reason?: string;
  readonly json?: boolean;
  /** Handled by main.ts, which sets C2R_DRY_RUN for this run. */
  readonly dryRun?: boolean;
}

export interface RespondResult extends IncidentReport {
  /** True when the incident already had an instance and no second one was started. */
  readonly alreadyStarted: boolean;
  readonly decisions: readonly {
    readonly containment: string;
    readonly accepted: boolean;
    readonly message: string;
  }[];
  /** Nothing in the NSGs or the incident was changed; the audit log holds what would have been. */
  readonly dryRun: boolean;
  /** The kill switch was on for this run: no NSG and no incident was changed. */
  readonly killSwitch: boolean;
}

/**
 * Responds to one incident file end to end: stores the incident, starts its orchestration (once),
 * runs it until it completes or waits for an analyst, and decides on the analyst's behalf when
 * `--approve-as` or `--reject-as` names one.
 */
export async function respondCommand(
  env: CommandEnvironment,
  incidentFile: string,
  options: RespondOptions,
): Promise<RespondResult> {
  if (options.approveAs && options.rejectAs) {
    throw new CommandError('give --approve-as or --reject-as, not both');
  }
  const body = await readIncidentFile(resolve(env.workingDirectory, incidentFile));
  const incident = parseIncidentTriggerBody(body);

  const showProgress = !options.json && isTerminal(env.stderr);
  const responder = await open(env, {
    state: options.state,
    iocsFile: options.iocs && resolve(env.workingDirectory, options.iocs),
    logsDirectory: options.logs && resolve(env.workingDirectory, options.logs),
    nsgsDirectory: options.nsgs && resolve(env.workingDirectory, options.nsgs),
    // Notices go to stderr even with --json, so that stdout stays one JSON object.
    notices: env.stderr,
    onHuntProgress: showProgress
      ? (progress) =>
          env.stderr.write(
            `\r  reading ${progress.table}: ${progress.rows.toLocaleString('en')} rows`,
          )
      : undefined,
  });
  await responder.incidents.ingest(body);

  const instanceId = incidentInstanceId(incident.name);
  const alreadyStarted = (await responder.host.getStatus(instanceId)) !== undefined;
  if (!alreadyStarted) {
    const input: RespondToIncidentInput = {
      incidentArmId: incident.armId,
      incidentName: incident.name,
      settings: responder.configuration.response,
    };
    await responder.host.start(RESPOND_TO_INCIDENT, instanceId, input);
  }
  await responder.host.runUntilIdle();
  if (showProgress) env.stderr.write('\r\u001b[K');

  const approver = options.approveAs ?? options.rejectAs;
  const decisions = approver
    ? await decideAwaitingContainments(responder, incident.name, {
        approver,
        approve: Boolean(options.approveAs),
        reason:
          options.reason ?? (options.approveAs ? undefined : 'rejected from the command line'),
      })
    : [];

  const started = (await responder.host.getStatus(instanceId))?.input as
    Partial<RespondToIncidentInput> | undefined;
  const { response } = responder.configuration;
  const result: RespondResult = {
    ...(await reportOrFail(responder, incident.name)),
    alreadyStarted,
    decisions,
    dryRun: started?.settings?.dryRun === true || response.dryRun,
    killSwitch: response.killSwitch,
  };
  if (options.json) {
    printJson(env, result);
  } else {
    for (const line of safetyBanner(result)) print(env, line);
    if (alreadyStarted)
      print(
        env,
        `Incident ${incident.number} already has instance ${instanceId}; no second one was started.\n`,
      );
    for (const decision of decisions) print(env, decision.message);
    print(env, presentReport(result));
  }
  return result;
}

/** Said first, so that nobody reads a dry run or a stopped run as a real response. */
export function safetyBanner(result: Pick<RespondResult, 'dryRun' | 'killSwitch'>): string[] {
  return [
    ...(result.killSwitch ? [`KILL SWITCH ON: ${KILL_SWITCH_REFUSAL}`] : []),
    ...(result.dryRun
      ? [
          'DRY RUN: no NSG rule and no incident was changed; the audit log records what would have been written (outcome dry-run).',
        ]
      : []),
  ];
}

export async function reportOrFail(
  responder: LocalResponder,
  incidentName: string,
): Promise<IncidentReport> {
  const report = await incidentReport(responder.host.client, responder.ports.audit, incidentName);
  if (!report) throw new CommandError(`no response instance exists for incident ${incidentName}`);
  return report;
}

async function readIncidentFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new CommandError(`cannot read the incident file ${path}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CommandError(`the incident file ${path} is not JSON: ${(error as Error).message}`);
  }
}

function isTerminal(stream: unknown): boolean {
  return Boolean((stream as { isTTY?: boolean }).isTTY);
}
