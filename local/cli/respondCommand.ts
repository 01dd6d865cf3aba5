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
  configurationOf,
  open,
  print,
  printJson,
  type CommandEnvironment,
  type StateOptions,
} from './commandContext';
import { presentReport } from './presentReport';
import { checkRespondInputs } from './respondInputs';

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
  /** True when the incident's previous response had failed and a new one was started. */
  readonly restarted: boolean;
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
  if (options.rejectAs && !options.reason?.trim()) {
    // The same rule as `approve --reject` (shared/domain/approval.ts), checked before anything runs.
    throw new CommandError(
      'A rejection needs a reason (--reason), so that the incidents left open explain why.',
      2,
    );
  }
  const body = await readIncidentFile(resolve(env.workingDirectory, incidentFile));
  const incident = parseIncidentTriggerBody(body);
  const inputs = await checkRespondInputs(env, options, configurationOf(env));

  const showProgress = !options.json && isTerminal(env.stderr);
  const responder = await open(env, {
    state: options.state,
    createState: true,
    ...inputs,
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
  const existing = await responder.host.getStatus(instanceId);
  // A failed response, or a finished dry run answered now for real, gets a new execution.
  const wasDryRun =
    existing?.runtimeStatus === 'Completed' &&
    (existing.input as Partial<RespondToIncidentInput> | undefined)?.settings?.dryRun === true &&
    !responder.configuration.response.dryRun;
  // Likewise a response the kill switch stopped, once the switch is off again.
  const wasStopped =
    existing?.runtimeStatus === 'Completed' &&
    !responder.configuration.response.killSwitch &&
    (
      (existing.output as { containments?: readonly { summary?: string }[] } | undefined)
        ?.containments ?? []
    ).some((result) => result.summary?.startsWith(KILL_SWITCH_REFUSAL) === true);
  const restarted = existing?.runtimeStatus === 'Failed' || wasDryRun || wasStopped;
  const alreadyStarted = existing !== undefined && !restarted;
  if (!alreadyStarted) {
    const input: RespondToIncidentInput = {
      incidentArmId: incident.armId,
      incidentName: incident.name,
      settings: responder.configuration.response,
    };
    await responder.host.start(RESPOND_TO_INCIDENT, instanceId, input);
  }
  await settle(responder, incident.name);
  if (showProgress) env.stderr.write('\r\u001b[K');

  const approver = options.approveAs ?? options.rejectAs;
  const decisions = approver
    ? await decideAwaitingContainments(responder, incident.name, {
        approver,
        approve: Boolean(options.approveAs),
        reason: options.reason,
      })
    : [];
  if (decisions.some((decision) => decision.accepted)) await settle(responder, incident.name);

  const started = (await responder.host.getStatus(instanceId))?.input as
    Partial<RespondToIncidentInput> | undefined;
  const { response } = responder.configuration;
  const result: RespondResult = {
    ...(await reportOrFail(responder, incident.name)),
    alreadyStarted,
    restarted,
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
    if (restarted)
      print(
        env,
        `The previous response to incident ${incident.number} ${wasDryRun ? 'was a dry run' : wasStopped ? 'was stopped by the kill switch' : 'failed'}; a new one was started.\n`,
      );
    for (const decision of decisions) print(env, decision.message);
    print(env, presentReport(result));
  }

  throwUnlessSettled(result, incident.number);
  const refused = decisions.find((decision) => !decision.accepted);
  if (refused) throw new CommandError(refused.message, 2);
  return result;
}

/**
 * How long `respond` keeps driving a response whose activity is being retried; the transient
 * retry policy (orchestrators/retryPolicies.ts) gives up well within it.
 */
export const SETTLE_LIMIT_MS = 2 * 60_000;

/** Exit code of a response still running when `respond` stops driving it. */
export const STILL_RUNNING_EXIT_CODE = 4;

/**
 * Drives the host until the incident's response completes, fails or waits for an analyst,
 * sleeping through retry timers; a bare runUntilIdle would stop at the first pending retry.
 */
async function settle(responder: LocalResponder, incidentName: string): Promise<void> {
  const { host } = responder;
  const deadline = new Date(host.clock.now().getTime() + SETTLE_LIMIT_MS);

  await host.runUntil(
    async () =>
      (await incidentReport(host.client, responder.ports.audit, incidentName))?.runtimeStatus !==
      'running',
    { deadline },
  );
}

function throwUnlessSettled(result: RespondResult, incidentNumber: number): void {
  if (result.runtimeStatus === 'failed') {
    throw new CommandError(
      // The first line only: the rest repeats the error's details as JSON.
      `the response to incident ${incidentNumber} failed: ${result.error?.split('\n')[0]?.trim() || 'no reason given'}; respond again to start a new one`,
    );
  }
  if (result.runtimeStatus === 'running') {
    throw new CommandError(
      `the response to incident ${incidentNumber} is still running (stage ${result.stage ?? 'unknown'}) after ${SETTLE_LIMIT_MS / 60_000} minutes; it continues when a command runs on this state directory`,
      STILL_RUNNING_EXIT_CODE,
    );
  }
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
