import { randomUUID } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import { VirtualClock } from '../../local/host/clock';
import { BUNDLED, openLocalResponder, type LocalResponder } from '../../local/localResponder';
import { readLocalConfiguration } from '../../local/localSettings';
import {
  RESPOND_TO_INCIDENT,
  type RespondToIncidentInput,
} from '../../orchestrators/respondToIncident';
import { submitApproval, type SubmissionResult } from '../../shared/containment/submitApproval';
import type { AuditRecord } from '../../shared/domain/auditRecord';
import { incidentInstanceId } from '../../shared/domain/containment';
import type { SecurityRule } from '../../shared/domain/securityGroup';

/** The lab's incident files (samples/incidents), by their file name without `.json`. */
export type LabIncident = 'malicious' | 'benign' | 'no-activity';

/** A Logic App incident trigger body, as the lab files hold it. */
export interface TriggerBody {
  readonly object: {
    readonly id: string;
    readonly name: string;
    readonly properties: {
      readonly incidentNumber: number;
      readonly createdTimeUtc: string;
      readonly [property: string]: unknown;
    };
  };
  readonly [property: string]: unknown;
}

export const LAB_APPROVER = 'soc.analyst@contoso.com';
export const NSG_NAMES = ['nsg-fin-subnet', 'nsg-app-subnet'] as const;
export type NsgName = (typeof NSG_NAMES)[number];

export async function labIncident(name: LabIncident): Promise<TriggerBody> {
  const text = await readFile(join(BUNDLED.incidents, `${name}.json`), 'utf8');
  return JSON.parse(text) as TriggerBody;
}

/**
 * The same incident under another GUID and number: a second Sentinel incident on the same
 * indicator, as a storm of alerts produces them. Every occurrence of the GUID (ARM id, name,
 * portal URL) and of the number is replaced.
 */
export function incidentVariant(
  body: TriggerBody,
  change: { readonly name?: string; readonly number: number },
): TriggerBody {
  const name = change.name ?? randomUUID();
  const oldNumber = body.object.properties.incidentNumber;
  const text = JSON.stringify(body)
    .split(body.object.name)
    .join(name)
    .split(`"incidentNumber":${oldNumber}`)
    .join(`"incidentNumber":${change.number}`)
    .split(`"providerIncidentId":"${oldNumber}"`)
    .join(`"providerIncidentId":"${change.number}"`);
  return JSON.parse(text) as TriggerBody;
}

/** A virtual clock a few minutes after the incident was created, as the automation rule runs. */
export function clockAfterCreation(body: TriggerBody, minutes = 5): VirtualClock {
  const created = new Date(body.object.properties.createdTimeUtc).getTime();
  return new VirtualClock(new Date(created + minutes * 60_000));
}

export async function temporaryDirectory(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `c2r-${prefix}-`));
}

export async function removeDirectory(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
}

/** A logs directory holding only the named exports of the lab, as when a connector is missing. */
export async function partialLogsDirectory(
  parent: string,
  tables: readonly string[],
): Promise<string> {
  const directory = join(parent, 'logs');
  await mkdir(directory, { recursive: true });
  for (const table of tables) {
    await copyFile(join(BUNDLED.logs, `${table}.csv`), join(directory, `${table}.csv`));
  }
  return directory;
}

/** Discards what it is given: approval notices are not under test here. */
export function silentStream(): Writable {
  return new Writable({ write: (_chunk, _encoding, done) => done() });
}

export interface LabResponderOptions {
  readonly stateDirectory: string;
  readonly clock: VirtualClock;
  /** Settings over the bundled demo settings, e.g. `C2R_TIMEOUT_POLICY`. */
  readonly settings?: Readonly<Record<string, string>>;
  readonly logsDirectory?: string;
}

/** The local responder on the lab data and a virtual clock, as the command line builds it. */
export function openLabResponder(options: LabResponderOptions): Promise<LocalResponder> {
  return openLocalResponder({
    stateDirectory: options.stateDirectory,
    logsDirectory: options.logsDirectory,
    configuration: readLocalConfiguration(options.settings ?? {}, options.stateDirectory),
    clock: options.clock,
    notices: silentStream(),
  });
}

/** Stores the incident and starts its response, without running it; returns the instance id. */
export async function startResponse(responder: LocalResponder, body: TriggerBody): Promise<string> {
  await responder.incidents.ingest(body);
  const instanceId = incidentInstanceId(body.object.name);
  const input: RespondToIncidentInput = {
    incidentArmId: body.object.id,
    incidentName: body.object.name,
    settings: responder.configuration.response,
  };

  await responder.host.start(RESPOND_TO_INCIDENT, instanceId, input);
  return instanceId;
}

/** Starts the response and runs it until it completes or waits for an analyst or a timer. */
export async function respond(responder: LocalResponder, body: TriggerBody): Promise<string> {
  const instanceId = await startResponse(responder, body);

  await responder.host.runUntilIdle();
  return instanceId;
}

/**
 * Submits a decision on the plan the containment shows now, without driving the host (unlike
 * `decideContainment`), so that a test chooses when the host runs.
 */
export async function submitDecision(
  responder: LocalResponder,
  containmentId: string,
  decision: { readonly approver?: string; readonly approve: boolean; readonly reason?: string },
): Promise<SubmissionResult> {
  const status = await responder.host.getStatus(containmentId);
  const plan = (status?.customStatus as { plan?: { hash?: string } } | undefined)?.plan;

  return submitApproval(responder.host.client, responder.ports.audit, {
    instanceId: containmentId,
    approvers: responder.configuration.response.approvers,
    decision: {
      by: { userPrincipalName: decision.approver ?? LAB_APPROVER },
      planHash: plan?.hash ?? '',
      approve: decision.approve,
      reason: decision.reason,
      at: responder.host.clock.now().toISOString(),
    },
  });
}

/** The NSG's security rules as the state directory holds them (ARM GET shape). */
export async function nsgRules(
  stateDirectory: string,
  nsg: NsgName,
): Promise<readonly ArmRuleDocument[]> {
  const text = await readFile(join(stateDirectory, 'nsgs', `${nsg}.json`), 'utf8');
  const document = JSON.parse(text) as { properties: { securityRules: ArmRuleDocument[] } };
  return document.properties.securityRules;
}

/** The lab's NSG before any change. */
export async function seedNsgRules(nsg: NsgName): Promise<readonly ArmRuleDocument[]> {
  const text = await readFile(join(BUNDLED.nsgs, `${nsg}.json`), 'utf8');
  const document = JSON.parse(text) as { properties: { securityRules: ArmRuleDocument[] } };
  return document.properties.securityRules;
}

export interface ArmRuleDocument {
  readonly name: string;
  readonly etag?: string;
  readonly properties: Partial<Record<keyof SecurityRule, unknown>> & {
    readonly priority: number;
    readonly direction: string;
    readonly access: string;
    readonly description?: string;
    readonly destinationAddressPrefix?: string;
    readonly destinationPortRange?: string;
  };
}

/** The product's rules: the deny rules whose description the product wrote. */
export function productRules(
  rules: readonly ArmRuleDocument[],
  seed: readonly ArmRuleDocument[],
): ArmRuleDocument[] {
  const foreign = new Set(seed.map((rule) => rule.name));
  return rules.filter((rule) => !foreign.has(rule.name));
}

export interface IncidentDocumentView {
  readonly name: string;
  readonly properties: {
    readonly title: string;
    readonly severity: string;
    readonly status: string;
    readonly owner: unknown;
    readonly labels: readonly { readonly labelName: string }[];
    readonly classification?: string;
    readonly classificationReason?: string;
    readonly classificationComment?: string;
    readonly [property: string]: unknown;
  };
  readonly comments: readonly {
    readonly name: string;
    readonly properties: { readonly message: string };
  }[];
}

export async function incidentDocument(
  stateDirectory: string,
  incidentName: string,
): Promise<IncidentDocumentView> {
  const path = join(stateDirectory, 'incidents', `${incidentName.toLowerCase()}.json`);
  return JSON.parse(await readFile(path, 'utf8')) as IncidentDocumentView;
}

/** Every audit record in the file, in the order they were written. */
export async function auditRecords(stateDirectory: string): Promise<AuditRecord[]> {
  const text = await readFile(join(stateDirectory, 'audit.jsonl'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as AuditRecord);
}

/** The host's instance documents, raw, by file name: what a crash leaves on disk. */
export async function instanceFiles(stateDirectory: string): Promise<Map<string, string>> {
  const directory = join(stateDirectory, 'host', 'instances');
  const files = new Map<string, string>();
  for (const name of (await readdir(directory)).filter((file) => file.endsWith('.json'))) {
    files.set(name, await readFile(join(directory, name), 'utf8'));
  }
  return files;
}
