import { z } from 'zod';

import type { HostEntity, Incident } from './incident';
import { canonicalAddress } from './indicatorParser';
import { ValidationError } from './validationError';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// ARM ids of incidents: `.../providers/Microsoft.SecurityInsights/Incidents/<guid>`; the trigger
// spells the segment "Incidents", the REST API "incidents".
const INCIDENT_ARM_ID =
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.OperationalInsights\/workspaces\/[^/]+\/providers\/Microsoft\.SecurityInsights\/incidents\/([^/]+)$/i;

const time = z.iso.datetime({ offset: true });

const owner = z
  .object({
    objectId: z.string().nullish(),
    email: z.string().nullish(),
    assignedTo: z.string().nullish(),
    userPrincipalName: z.string().nullish(),
  })
  .nullish();

const label = z.object({ labelName: z.string().min(1), labelType: z.string().default('User') });

/**
 * The incident's `properties` as both the Logic App trigger and the REST API send them
 * (Microsoft.SecurityInsights 2024-09-01 `IncidentProperties`), only the fields used. Entities and
 * alerts are read one by one later, so that one partial entity never rejects the incident.
 */
const incidentProperties = z.object({
  title: z.string().min(1),
  severity: z.enum(['High', 'Medium', 'Low', 'Informational']),
  status: z.enum(['New', 'Active', 'Closed']),
  owner: owner,
  labels: z.array(label).nullish(),
  createdTimeUtc: time,
  firstActivityTimeUtc: time.nullish(),
  lastActivityTimeUtc: time.nullish(),
  incidentNumber: z.number().int().positive(),
  relatedAnalyticRuleIds: z.array(z.string()).nullish(),
  incidentUrl: z.string().nullish(),
  alerts: z.array(z.unknown()).nullish(),
  relatedEntities: z.array(z.unknown()).nullish(),
});

const incidentResource = z
  .object({
    id: z
      .string()
      .regex(
        INCIDENT_ARM_ID,
        'must be an ARM id ending in /providers/Microsoft.SecurityInsights/Incidents/<guid>',
      ),
    name: z.string().regex(GUID, 'must be the incident GUID'),
    etag: z.string().nullish(),
    properties: incidentProperties,
  })
  .superRefine((resource, context) => {
    const idName = INCIDENT_ARM_ID.exec(resource.id)?.[1] ?? '';
    if (idName.toLowerCase() !== resource.name.toLowerCase()) {
      context.addIssue({
        code: 'custom',
        path: ['id'],
        message: `does not end with the name ${resource.name}`,
      });
    }
  });

const triggerBody = z.object({
  objectSchemaType: z.literal('Incident').optional(),
  object: incidentResource,
});

const entitiesEnvelope = z.union([
  z.object({ entities: z.array(z.unknown()) }),
  z.array(z.unknown()),
]);
const alertsEnvelope = z.union([z.object({ value: z.array(z.unknown()) }), z.array(z.unknown())]);

type IncidentResource = z.infer<typeof incidentResource>;

function problemsOf(error: z.ZodError, prefix: readonly (string | number)[] = []): string[] {
  return error.issues.map((issue) => {
    const path = [...prefix, ...issue.path.map(String)].join('.');
    return `${path || '(body)'}: ${issue.message}`;
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

interface EntityReading {
  readonly ipAddresses: string[];
  readonly hosts: HostEntity[];
  /** An Ip or Host entity lacked what we need; fetching the entities again may complete it. */
  partial: boolean;
}

function hostOf(properties: Record<string, unknown>): HostEntity | undefined {
  const hostName = text(properties.hostName);
  if (hostName === undefined) return undefined;
  const dnsDomain = text(properties.dnsDomain);
  const additional = isRecord(properties.additionalData) ? properties.additionalData : {};
  const azureId = text(properties.azureID) ?? text(properties.azureId);
  const mdatpDeviceId = text(additional.MdatpDeviceId) ?? text(properties.mdatpDeviceId);

  return {
    hostName,
    ...(dnsDomain === undefined ? {} : { dnsDomain }),
    fqdn: (dnsDomain === undefined ? hostName : `${hostName}.${dnsDomain}`).toLowerCase(),
    ...(azureId === undefined ? {} : { azureId }),
    ...(mdatpDeviceId === undefined ? {} : { mdatpDeviceId }),
  };
}

/**
 * Ip and Host entities, in any order, among entities of every other kind (Account, File, ...),
 * which are ignored. A partial Ip or Host entity is skipped with a note, never fatal.
 */
function readEntities(entities: readonly unknown[], notes: string[]): EntityReading {
  const reading: EntityReading = { ipAddresses: [], hosts: [], partial: false };

  entities.forEach((entity, index) => {
    const where = `entity ${index + 1}`;
    if (!isRecord(entity) || typeof entity.kind !== 'string') {
      notes.push(`${where} has no kind; skipped`);
      return;
    }
    const kind = entity.kind.toLowerCase();
    if (kind !== 'ip' && kind !== 'host') return;
    const properties = isRecord(entity.properties) ? entity.properties : {};

    if (kind === 'ip') {
      const address = text(properties.address);
      const parsed = address === undefined ? undefined : canonicalAddress(address);
      if (!parsed?.ok) {
        reading.partial = true;
        notes.push(`${where} (Ip) ${parsed ? parsed.reason : 'has no address'}; skipped`);
        return;
      }
      if (!reading.ipAddresses.includes(parsed.text)) reading.ipAddresses.push(parsed.text);
      return;
    }
    const host = hostOf(properties);
    if (!host) {
      reading.partial = true;
      notes.push(`${where} (Host) has no hostName; skipped`);
      return;
    }
    if (!reading.hosts.some((known) => known.fqdn === host.fqdn)) reading.hosts.push(host);
  });

  return reading;
}

function customDetail(details: Record<string, unknown>, name: string): unknown[] {
  const key = Object.keys(details).find(
    (candidate) => candidate.toLowerCase() === name.toLowerCase(),
  );
  const value = key === undefined ? undefined : details[key];
  if (value === undefined || value === null) return [];

  return Array.isArray(value) ? value : [value];
}

/**
 * C2 ports and addresses from the alerts' custom details. Sentinel passes
 * `additionalData["Custom Details"]` as a JSON string (`{"C2IP":["1.2.3.4"],"C2Port":["1889"]}`);
 * an object is accepted too. A malformed value costs only that alert's details, with a note.
 */
function readCustomDetails(
  alerts: readonly unknown[],
  notes: string[],
): { ports: number[]; addresses: string[] } {
  const ports: number[] = [];
  const addresses: string[] = [];

  alerts.forEach((alert, index) => {
    const properties = isRecord(alert) && isRecord(alert.properties) ? alert.properties : {};
    const additional = isRecord(properties.additionalData) ? properties.additionalData : {};
    const raw = additional['Custom Details'];
    if (raw === undefined || raw === null) return;
    const where = `alert ${index + 1} custom details`;

    let details: unknown = raw;
    if (typeof raw === 'string') {
      try {
        details = JSON.parse(raw);
      } catch {
        notes.push(`${where} are not JSON; its C2 port and address are unknown`);
        return;
      }
    }
    if (!isRecord(details)) {
      notes.push(`${where} are not an object; its C2 port and address are unknown`);
      return;
    }

    for (const value of customDetail(details, 'C2Port')) {
      const portText =
        typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
      const port = /^[0-9]{1,5}$/.test(portText) ? Number(portText) : NaN;
      if (!(port >= 1 && port <= 65535)) {
        notes.push(
          `${where}: C2Port ${JSON.stringify(value) ?? String(value)} is not a port 1-65535; ignored`,
        );
      } else if (!ports.includes(port)) ports.push(port);
    }
    for (const value of customDetail(details, 'C2IP')) {
      const parsed = typeof value === 'string' ? canonicalAddress(value.trim()) : undefined;
      if (!parsed?.ok) {
        notes.push(
          `${where}: C2IP ${JSON.stringify(value) ?? String(value)} is not an IP address; ignored`,
        );
      } else if (!addresses.includes(parsed.text)) addresses.push(parsed.text);
    }
  });

  return { ports, addresses };
}

/**
 * The typed incident. `entitiesComplete` is false when no entity list was given (the trigger
 * body may omit `relatedEntities`) or when an Ip or Host entity in it was partial: either way the
 * entities must be fetched before the incident's addresses can be trusted as complete.
 */
function toIncident(
  resource: IncidentResource,
  entities: readonly unknown[] | undefined,
  alerts: readonly unknown[],
): Incident {
  const notes: string[] = [];
  const properties = resource.properties;

  const reading = readEntities(entities ?? [], notes);
  const custom = readCustomDetails(alerts, notes);

  return {
    armId: resource.id,
    name: resource.name,
    number: properties.incidentNumber,
    title: properties.title,
    severity: properties.severity,
    status: properties.status,
    owner: properties.owner ?? {},
    labels: properties.labels ?? [],
    ...(resource.etag ? { etag: resource.etag } : {}),
    createdTime: properties.createdTimeUtc,
    ...(properties.firstActivityTimeUtc
      ? { firstActivityTime: properties.firstActivityTimeUtc }
      : {}),
    ...(properties.lastActivityTimeUtc ? { lastActivityTime: properties.lastActivityTimeUtc } : {}),
    ipAddresses: reading.ipAddresses,
    hosts: reading.hosts,
    c2Ports: custom.ports,
    c2Addresses: custom.addresses,
    entitiesComplete: entities !== undefined && !reading.partial,
    analyticRuleIds: properties.relatedAnalyticRuleIds ?? [],
    ...(properties.incidentUrl ? { incidentUrl: properties.incidentUrl } : {}),
    notes,
  };
}

/**
 * The body that the Logic App "Microsoft Sentinel incident" trigger sends (`object` holds the
 * incident resource with `relatedEntities` and `alerts`). Throws one ValidationError listing every
 * problem found.
 */
export function parseIncidentTriggerBody(body: unknown): Incident {
  const parsed = triggerBody.safeParse(body);
  if (!parsed.success)
    throw new ValidationError('Sentinel incident trigger body', problemsOf(parsed.error));

  const properties = parsed.data.object.properties;
  return toIncident(
    parsed.data.object,
    properties.relatedEntities ?? undefined,
    properties.alerts ?? [],
  );
}

/**
 * The REST shapes: the incident resource (GET), its entities (POST .../entities, `{entities,
 * metaData}`) and alerts (POST .../alerts, `{value}`); a bare array is accepted for either. Without
 * `entities`, the entities in the resource's own properties are used when present (documents
 * stored in the trigger's shape), else the incident is marked as lacking entities.
 */
export function parseIncidentResource(
  incident: unknown,
  entities?: unknown,
  alerts?: unknown,
): Incident {
  const problems: string[] = [];
  const resource = incidentResource.safeParse(incident);
  if (!resource.success) problems.push(...problemsOf(resource.error));
  const entityList = entities === undefined ? undefined : entitiesEnvelope.safeParse(entities);
  if (entityList && !entityList.success)
    problems.push('entities: expected {entities: [...]} or an array');
  const alertList = alerts === undefined ? undefined : alertsEnvelope.safeParse(alerts);
  if (alertList && !alertList.success) problems.push('alerts: expected {value: [...]} or an array');
  if (!resource.success || entityList?.success === false || alertList?.success === false) {
    throw new ValidationError('Sentinel incident', problems);
  }

  const properties = resource.data.properties;
  const entityItems = entityList?.data;
  const alertItems = alertList?.data;
  return toIncident(
    resource.data,
    entityItems === undefined
      ? (properties.relatedEntities ?? undefined)
      : Array.isArray(entityItems)
        ? entityItems
        : entityItems.entities,
    alertItems === undefined
      ? (properties.alerts ?? [])
      : Array.isArray(alertItems)
        ? alertItems
        : alertItems.value,
  );
}
