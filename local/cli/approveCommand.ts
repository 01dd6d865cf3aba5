import { incidentReport } from '../../shared/containment/incidentReport';
import { submitApproval, type SubmissionResult } from '../../shared/containment/submitApproval';
import type { ContainmentStatus } from '../../shared/domain/containment';
import type { LocalResponder } from '../localResponder';
import {
  CommandError,
  open,
  print,
  printJson,
  type CommandEnvironment,
  type StateOptions,
} from './commandContext';
import { planTable } from './presentReport';

export interface ApproveOptions extends StateOptions {
  readonly as: string;
  readonly reject?: boolean;
  readonly reason?: string;
  readonly json?: boolean;
}

/** What a containment's status says; read before and after a decision. */
type ContainmentCustomStatus = Partial<ContainmentStatus>;

/**
 * Decides on the plan a containment shows now, as the named analyst. The same checks and audit
 * records as the HTTP approval endpoint; the local sign-in is the `--as` name.
 */
export async function decideContainment(
  responder: LocalResponder,
  instanceId: string,
  decision: { readonly approver: string; readonly approve: boolean; readonly reason?: string },
): Promise<SubmissionResult> {
  const status = await responder.host.getStatus(instanceId);
  const custom = (status?.customStatus ?? {}) as ContainmentCustomStatus;
  const result = await submitApproval(responder.host.client, responder.ports.audit, {
    instanceId,
    approvers: responder.configuration.response.approvers,
    decision: {
      by: { userPrincipalName: decision.approver },
      planHash: custom.plan?.hash ?? '',
      approve: decision.approve,
      reason: decision.reason,
      at: responder.host.clock.now().toISOString(),
    },
  });
  if (result.accepted) await responder.host.runUntilIdle();
  return result;
}

/** Decides every containment of an incident that awaits a decision (`respond --approve-as`). */
export async function decideAwaitingContainments(
  responder: LocalResponder,
  incidentName: string,
  decision: { readonly approver: string; readonly approve: boolean; readonly reason?: string },
): Promise<{ containment: string; accepted: boolean; message: string }[]> {
  const report = await incidentReport(responder.host.client, responder.ports.audit, incidentName);
  const awaiting = (report?.containments ?? []).filter((c) => c.stage === 'awaiting-approval');

  const results = [];
  for (const containment of awaiting) {
    const result = await decideContainment(responder, containment.instanceId, decision);
    results.push({
      containment: containment.instanceId,
      accepted: result.accepted,
      message: result.message,
    });
  }
  return results;
}

export async function approveCommand(
  env: CommandEnvironment,
  instanceId: string,
  options: ApproveOptions,
): Promise<void> {
  const responder = await open(env, { state: options.state });
  const result = await decideContainment(responder, instanceId, {
    approver: options.as,
    approve: !options.reject,
    reason: options.reason,
  });
  if (!result.accepted) {
    if (options.json) printJson(env, { instanceId, accepted: false, message: result.message });
    throw new CommandError(result.message, 2);
  }

  const status = await responder.host.getStatus(instanceId);
  const custom = (status?.customStatus ?? {}) as ContainmentCustomStatus;
  if (options.json) {
    printJson(env, {
      instanceId,
      accepted: true,
      message: result.message,
      runtimeStatus: status?.runtimeStatus,
      stage: custom.stage,
      outcome: custom.outcome,
      result: status?.output,
      incidents: custom.incidents?.map((incident) => incident.name) ?? [],
    });
    return;
  }
  print(env, result.message);
  const output = status?.output as
    { summary?: string; plan?: Parameters<typeof planTable>[0] } | undefined;
  if (output?.summary) print(env, output.summary);
  if (output?.plan && custom.outcome === 'blocked') print(env, planTable(output.plan));
  print(
    env,
    `Incidents told: ${(custom.incidents ?? []).map((incident) => incident.number).join(', ')}`,
  );
}
