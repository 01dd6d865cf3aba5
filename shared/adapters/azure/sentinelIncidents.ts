import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineFromOptions,
  createPipelineRequest,
} from '@azure/core-rest-pipeline';
import type { HttpClient, HttpMethods, Pipeline } from '@azure/core-rest-pipeline';

import type { Incident, IncidentLabel } from '../../domain/incident';
import { COMMENT_LIMIT } from '../../domain/incidentComment';
import { parseIncidentResource } from '../../domain/incidentParser';
import { ValidationError } from '../../domain/validationError';
import type { IncidentChange, Incidents } from '../../ports/incidents';
import { ConcurrencyError, NotFoundError, TransientError } from '../../ports/portErrors';
import type { AzureClientOptions } from './azureClientOptions';
import { retryAfterMs } from './armErrors';

export interface SentinelIncidentsOptions extends AzureClientOptions {
  /** Re-reads after a stale etag (409) before giving up. */
  readonly maxUpdateAttempts?: number;
}

/** The stable Microsoft.SecurityInsights API version. */
export const SENTINEL_API_VERSION = '2024-09-01';
const ARM_SCOPE = 'https://management.azure.com/.default';
const INCIDENT_ARM_ID =
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.OperationalInsights\/workspaces\/[^/]+\/providers\/Microsoft\.SecurityInsights\/incidents\/[^/]+$/i;
/**
 * Incident properties the service computes; everything else read is sent back, since the PUT
 * replaces the incident and a property left out would be cleared.
 */
const READ_ONLY_PROPERTIES = [
  'additionalData',
  'createdTimeUtc',
  'lastModifiedTimeUtc',
  'incidentNumber',
  'incidentUrl',
  'relatedAnalyticRuleIds',
  'providerIncidentId',
  'alerts',
  'relatedEntities',
] as const;

interface Answer {
  readonly status: number;
  readonly body: unknown;
  readonly header: (name: string) => string | undefined;
}

interface IncidentResource {
  readonly etag?: string;
  readonly properties: Record<string, unknown>;
}

function incidentPath(armId: string): string {
  if (!INCIDENT_ARM_ID.test(armId)) {
    throw new ValidationError('incident ARM id', [
      `${armId} is not a Sentinel incident resource id`,
    ]);
  }

  return armId;
}

function asResource(body: unknown, armId: string): IncidentResource {
  const resource = body as { etag?: unknown; properties?: unknown } | null;
  if (typeof resource?.properties !== 'object' || resource.properties === null) {
    throw new Error(`incident ${armId}: the service returned no properties`);
  }

  return {
    ...(typeof resource.etag === 'string' ? { etag: resource.etag } : {}),
    properties: resource.properties as Record<string, unknown>,
  };
}

function errorText(answer: Answer): string {
  const error = (answer.body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  return `${answer.status} ${String(error?.code ?? '')}: ${String(error?.message ?? '')}`.trim();
}

/** The properties to PUT: all that were read, minus computed ones, with the change applied. */
export function updatedProperties(
  read: Readonly<Record<string, unknown>>,
  change: IncidentChange,
): Record<string, unknown> {
  const properties: Record<string, unknown> = { ...read };
  for (const key of READ_ONLY_PROPERTIES) delete properties[key];

  if (change.severity !== undefined) properties.severity = change.severity;
  if (change.addLabels && change.addLabels.length > 0) {
    const labels = Array.isArray(read.labels) ? (read.labels as IncidentLabel[]) : [];
    const names = new Set(labels.map((label) => label.labelName));
    const added = [...new Set(change.addLabels)]
      .filter((name) => !names.has(name))
      .map((labelName) => ({ labelName, labelType: 'User' }));
    properties.labels = [...labels, ...added];
  }
  if (change.close) {
    properties.status = 'Closed';
    properties.classification = change.close.classification;
    properties.classificationComment = change.close.classificationComment;
    if (change.close.classificationReason === undefined) delete properties.classificationReason;
    else properties.classificationReason = change.close.classificationReason;
  }

  return properties;
}

/**
 * Sentinel incidents over the REST API (Microsoft.SecurityInsights, stable 2024-09-01) through a
 * core-rest-pipeline with bearer tokens for ARM; the pipeline retries 429 and 5xx after
 * Retry-After. An update reads the incident, sends back every writable property with the read
 * etag, and on 409 (the incident changed meanwhile) reads again, a bounded number of times.
 */
export class SentinelIncidents implements Incidents {
  constructor(
    private readonly pipeline: Pipeline,
    private readonly httpClient: HttpClient,
    private readonly endpoint: string,
    private readonly maxUpdateAttempts: number,
  ) {}

  async get(incidentArmId: string): Promise<Incident> {
    const path = incidentPath(incidentArmId);

    const [incident, entities, alerts] = await Promise.all([
      this.expect('GET', path, 200, 'reading incident'),
      this.expect('POST', `${path}/entities`, 200, 'reading incident entities'),
      this.expect('POST', `${path}/alerts`, 200, 'reading incident alerts'),
    ]);
    return parseIncidentResource(incident.body, entities.body, alerts.body);
  }

  /**
   * Sentinel keeps at most 100 comments per incident; that count is not checked before writing,
   * so a 101st comment surfaces as the service's 400 (#4).
   */
  async addComment(incidentArmId: string, commentId: string, html: string): Promise<void> {
    const path = incidentPath(incidentArmId);
    if (html.length > COMMENT_LIMIT) {
      throw new ValidationError('incident comment', [
        `${html.length} characters; Sentinel accepts at most ${COMMENT_LIMIT}`,
      ]);
    }
    if (!/^[A-Za-z0-9-]{1,128}$/.test(commentId)) {
      throw new ValidationError('incident comment', [
        `comment id ${commentId} is not a GUID-like id`,
      ]);
    }

    await this.expect('PUT', `${path}/comments/${commentId}`, [200, 201], 'writing a comment', {
      properties: { message: html },
    });
  }

  async update(incidentArmId: string, change: IncidentChange): Promise<Incident> {
    const path = incidentPath(incidentArmId);

    for (let attempt = 1; ; attempt += 1) {
      const read = asResource((await this.expect('GET', path, 200, 'reading incident')).body, path);
      const body = {
        ...(read.etag === undefined ? {} : { etag: read.etag }),
        properties: updatedProperties(read.properties, change),
      };
      const answer = await this.send('PUT', path, body);
      if (answer.status === 409 && attempt < this.maxUpdateAttempts) continue;
      if (answer.status === 409) {
        throw new ConcurrencyError(
          `incident ${path}: still changed by someone else after ${attempt} attempts (${errorText(answer)})`,
        );
      }
      this.check(answer, [200, 201], 'updating incident', path);

      const [entities, alerts] = await Promise.all([
        this.expect('POST', `${path}/entities`, 200, 'reading incident entities'),
        this.expect('POST', `${path}/alerts`, 200, 'reading incident alerts'),
      ]);
      return parseIncidentResource(answer.body, entities.body, alerts.body);
    }
  }

  private async expect(
    method: HttpMethods,
    path: string,
    ok: number | readonly number[],
    doing: string,
    body?: unknown,
  ): Promise<Answer> {
    const answer = await this.send(method, path, body);
    this.check(answer, typeof ok === 'number' ? [ok] : ok, doing, path);
    return answer;
  }

  private check(answer: Answer, ok: readonly number[], doing: string, path: string): void {
    if (ok.includes(answer.status)) return;

    const text = `${doing} ${path}: ${errorText(answer)}`;
    if (answer.status === 404) throw new NotFoundError(text);
    if (answer.status === 400) throw new ValidationError(`${doing} ${path}`, [errorText(answer)]);
    if (answer.status === 409) throw new ConcurrencyError(text);
    if (answer.status === 429 || answer.status === 408 || answer.status >= 500) {
      throw new TransientError(text, retryAfterMs(answer.header));
    }
    throw new Error(text);
  }

  private async send(method: HttpMethods, path: string, body?: unknown): Promise<Answer> {
    const request = createPipelineRequest({
      url: `${this.endpoint}${path}?api-version=${SENTINEL_API_VERSION}`,
      method,
      headers: createHttpHeaders({
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      }),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

    const response = await this.pipeline.sendRequest(this.httpClient, request);
    const text = response.bodyAsText ?? '';
    let parsed: unknown = undefined;
    if (text.length > 0) {
      try {
        parsed = JSON.parse(text) as unknown;
      } catch {
        parsed = { error: { message: text.slice(0, 500) } };
      }
    }
    return { status: response.status, body: parsed, header: (name) => response.headers.get(name) };
  }
}

export function createSentinelIncidents(options: SentinelIncidentsOptions): SentinelIncidents {
  const pipeline = createPipelineFromOptions({
    ...(options.retryOptions === undefined ? {} : { retryOptions: options.retryOptions }),
    ...(options.tlsOptions === undefined ? {} : { tlsOptions: options.tlsOptions }),
  });
  pipeline.addPolicy(
    bearerTokenAuthenticationPolicy({ credential: options.credential, scopes: ARM_SCOPE }),
  );
  const endpoint = (options.endpoint ?? 'https://management.azure.com').replace(/\/+$/, '');

  return new SentinelIncidents(
    pipeline,
    createDefaultHttpClient(),
    endpoint,
    options.maxUpdateAttempts ?? 5,
  );
}
