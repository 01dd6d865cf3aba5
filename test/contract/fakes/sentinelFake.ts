import { startHttpsFake } from '../support/httpsFake';
import type { FakeRequest, FakeResponse, HttpsFake } from '../support/httpsFake';

/**
 * A fake of the Microsoft.SecurityInsights incident endpoints (2024-09-01) as documented: GET and
 * PUT of an incident with an etag (PUT with another etag answers 409), POST .../entities and
 * .../alerts, PUT .../comments/{id} (201 new, 200 same id again). Closing needs a classification,
 * and a determined classification needs its reason; otherwise 400.
 */
export interface StoredIncident {
  resource: {
    id: string;
    name: string;
    type: string;
    etag: string;
    properties: Record<string, unknown>;
  };
  readonly entities: unknown;
  readonly alerts: unknown;
  readonly comments: Map<string, string>;
}

export interface SentinelFake extends HttpsFake {
  addIncident(resource: unknown, entities: unknown, alerts: unknown): void;
  incident(armId: string): StoredIncident | undefined;
  /** Someone else edits the incident just before the next `times` PUTs (their etag goes stale). */
  editBeforeNextPut(times: number): void;
  readonly counters: { puts: number; conflicts: number };
}

/** Determined classifications and the reasons the API accepts with them. */
const REASONS: Record<string, readonly string[]> = {
  BenignPositive: ['SuspiciousButExpected'],
  TruePositive: ['SuspiciousActivity'],
  FalsePositive: ['IncorrectAlertLogic', 'InaccurateData'],
};
const COMPUTED = [
  'incidentNumber',
  'createdTimeUtc',
  'incidentUrl',
  'additionalData',
  'relatedAnalyticRuleIds',
];

function badRequest(message: string): FakeResponse {
  return { status: 400, body: { error: { code: 'BadRequest', message } } };
}

export async function startSentinelFake(): Promise<SentinelFake> {
  const incidents = new Map<string, StoredIncident>();
  const counters = { puts: 0, conflicts: 0 };
  let editsPending = 0;
  let version = 0;
  const nextEtag = (): string => `"0300bf09-0000-0000-0000-${String(++version).padStart(12, '0')}"`;

  const putIncident = (request: FakeRequest, stored: StoredIncident): FakeResponse => {
    counters.puts += 1;
    if (editsPending > 0) {
      editsPending -= 1;
      stored.resource.etag = nextEtag();
    }
    const body = request.body as
      { etag?: string; properties?: Record<string, unknown> } | undefined;
    const properties = body?.properties;
    if (!properties) return badRequest('properties are required');
    if (body.etag !== undefined && body.etag !== stored.resource.etag) {
      counters.conflicts += 1;
      return {
        status: 409,
        body: {
          error: {
            code: 'Conflict',
            message: `Etag ${body.etag} does not match the current etag ${stored.resource.etag}. Get the incident and retry.`,
          },
        },
      };
    }
    for (const required of ['title', 'severity', 'status']) {
      if (typeof properties[required] !== 'string') return badRequest(`${required} is required`);
    }
    if (properties.status === 'Closed') {
      const classification = properties.classification;
      if (typeof classification !== 'string') {
        return badRequest('Classification is required when closing an incident');
      }
      const reasons = REASONS[classification];
      if (reasons && !reasons.includes(String(properties.classificationReason))) {
        return badRequest(
          `Classification reason ${String(properties.classificationReason)} is not valid for classification ${classification}`,
        );
      }
    }

    const kept = Object.fromEntries(COMPUTED.map((key) => [key, stored.resource.properties[key]]));
    stored.resource = {
      ...stored.resource,
      etag: nextEtag(),
      properties: { ...properties, ...kept, lastModifiedTimeUtc: new Date().toISOString() },
    };
    return { status: 200, body: stored.resource };
  };

  const putComment = (request: FakeRequest, stored: StoredIncident, id: string): FakeResponse => {
    const message = (request.body as { properties?: { message?: unknown } } | undefined)?.properties
      ?.message;
    if (typeof message !== 'string' || message.length === 0)
      return badRequest('message is required');
    if (message.length > 30_000)
      return badRequest('The comment message is limited to 30000 characters');
    const existed = stored.comments.has(id);
    stored.comments.set(id, message);

    return {
      status: existed ? 200 : 201,
      body: {
        id: `${stored.resource.id}/comments/${id}`,
        name: id,
        type: 'Microsoft.SecurityInsights/Incidents/Comments',
        properties: { message, createdTimeUtc: new Date().toISOString() },
      },
    };
  };

  const handle = (request: FakeRequest): FakeResponse => {
    if (request.query.get('api-version') !== '2024-09-01') {
      return badRequest(`unsupported api-version ${String(request.query.get('api-version'))}`);
    }
    const match =
      /^(.*\/providers\/Microsoft\.SecurityInsights\/incidents\/[^/]+)(?:\/(entities|alerts|comments)(?:\/([^/]+))?)?$/i.exec(
        request.path,
      );
    const stored = match?.[1] ? incidents.get(match[1].toLowerCase()) : undefined;
    if (!match || !stored) {
      return { status: 404, body: { error: { code: 'NotFound', message: 'Incident not found' } } };
    }
    const route = `${request.method} ${match[2] ?? 'incident'}`;

    switch (route) {
      case 'GET incident':
        return { status: 200, body: stored.resource };
      case 'PUT incident':
        return putIncident(request, stored);
      case 'POST entities':
        return { status: 200, body: stored.entities };
      case 'POST alerts':
        return { status: 200, body: stored.alerts };
      case 'PUT comments':
        return match[3] ? putComment(request, stored, match[3]) : badRequest('comment id missing');
      default:
        return { status: 405, body: { error: { code: 'MethodNotAllowed', message: route } } };
    }
  };

  const server = await startHttpsFake(handle);

  return {
    ...server,
    counters,
    addIncident: (resource, entities, alerts) => {
      const copy = JSON.parse(JSON.stringify(resource)) as StoredIncident['resource'];
      incidents.set(copy.id.toLowerCase(), {
        resource: copy,
        entities,
        alerts,
        comments: new Map(),
      });
    },
    incident: (armId) => incidents.get(armId.toLowerCase()),
    editBeforeNextPut: (times) => {
      editsPending = times;
    },
  };
}
