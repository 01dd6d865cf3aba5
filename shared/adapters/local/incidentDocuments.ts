import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { z } from 'zod';

import { COMMENT_LIMIT } from '../../domain/incidentComment';
import type { Incident } from '../../domain/incident';
import { parseIncidentTriggerBody } from '../../domain/incidentParser';
import { ValidationError } from '../../domain/validationError';
import type { Clock } from '../../ports/clock';
import { systemClock } from '../../ports/clock';
import type { IncidentChange, Incidents } from '../../ports/incidents';
import { NotFoundError } from '../../ports/portErrors';
import { createFileAtomic, readJsonFile, writeJsonAtomic } from './atomicFile';
import { withFileLock } from './fileLock';
import { StateDirectory } from './stateDirectory';

/** Sentinel keeps at most this many comments on an incident (Microsoft.SecurityInsights limits). */
export const COMMENTS_PER_INCIDENT = 100;

/**
 * Sentinel's pairing of closing classification and reason (Microsoft.SecurityInsights
 * IncidentClassificationReason): a determined classification needs its reason, Undetermined has none.
 */
const REASONS_BY_CLASSIFICATION: Readonly<Record<string, readonly string[]>> = {
  TruePositive: ['SuspiciousActivity'],
  BenignPositive: ['SuspiciousButExpected'],
  FalsePositive: ['IncorrectAlertLogic', 'InaccurateData'],
  Undetermined: [],
};

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const commentDocument = z.looseObject({
  id: z.string(),
  name: z.string(),
  etag: z.string(),
  properties: z.looseObject({ message: z.string(), createdTimeUtc: z.string() }),
});

/**
 * An incident as the Sentinel REST API returns it (GET incident), with its comments, entities and
 * alerts beside it as the API's sub-resources return them (GET comments, POST entities, POST alerts).
 */
const incidentDocument = z.looseObject({
  id: z.string(),
  name: z.string(),
  etag: z.string(),
  type: z.string(),
  properties: z.looseObject({
    title: z.string(),
    severity: z.string(),
    status: z.string(),
    labels: z.array(z.looseObject({ labelName: z.string(), labelType: z.string() })).nullish(),
    additionalData: z.looseObject({}).optional(),
  }),
  comments: z.array(commentDocument),
  relatedEntities: z.array(z.unknown()).optional(),
  alerts: z.array(z.unknown()),
});

type IncidentDocument = z.infer<typeof incidentDocument>;

const triggerEnvelope = z.looseObject({
  object: z.looseObject({
    id: z.string(),
    name: z.string(),
    etag: z.string().nullish(),
    type: z.string().optional(),
    properties: z.looseObject({
      alerts: z.array(z.unknown()).nullish(),
      relatedEntities: z.array(z.unknown()).nullish(),
      comments: z.array(z.unknown()).nullish(),
      bookmarks: z.array(z.unknown()).nullish(),
    }),
  }),
});

export interface IncidentDocumentsOptions {
  /** Default `.c2-responder` in the working directory. */
  readonly stateDirectory?: string;
  /** Incident files in the Logic App trigger body shape, stored on first use when absent. */
  readonly seedFiles?: readonly string[];
  readonly clock?: Clock;
}

/**
 * Sentinel incidents as REST-shaped documents in `<state>/incidents/<name>.json`, with the checks
 * Sentinel makes on comments and on closing, so a flow that works here is accepted there.
 */
export class IncidentDocuments implements Incidents {
  private readonly state: StateDirectory;
  private readonly seedFiles: readonly string[];
  private readonly clock: Clock;
  private seeded: Promise<void> | undefined;

  constructor(options: IncidentDocumentsOptions = {}) {
    this.state = new StateDirectory(options.stateDirectory);
    this.seedFiles = options.seedFiles ?? [];
    this.clock = options.clock ?? systemClock;
  }

  /**
   * Stores an incident from a trigger body unless a document for it exists already (later changes
   * are kept); returns the incident as stored.
   */
  async ingest(triggerBody: unknown): Promise<Incident> {
    await this.seed();
    const document = documentFromTrigger(triggerBody);

    const path = this.pathOfName(document.name);
    await createFileAtomic(path, `${JSON.stringify(document, null, 2)}\n`);
    return incidentOf(await this.read(document.id));
  }

  async get(incidentArmId: string): Promise<Incident> {
    await this.seed();

    return incidentOf(await this.read(incidentArmId));
  }

  async addComment(incidentArmId: string, commentId: string, html: string): Promise<void> {
    const problems: string[] = [];
    if (commentId.trim() === '') problems.push('the comment id is empty');
    if (html.trim() === '') problems.push('the comment is empty');
    if (html.length > COMMENT_LIMIT) {
      problems.push(`the comment has ${html.length} characters; Sentinel allows ${COMMENT_LIMIT}`);
    }
    if (problems.length > 0) throw new ValidationError(`comment ${commentId}`, problems);
    await this.seed();

    await this.change(incidentArmId, (document) => {
      const existing = document.comments.find((comment) => comment.name === commentId);
      if (existing?.properties.message === html) return undefined;
      if (!existing && document.comments.length >= COMMENTS_PER_INCIDENT) {
        throw new ValidationError(`comment ${commentId}`, [
          `incident ${document.name} has ${document.comments.length} comments; Sentinel allows ${COMMENTS_PER_INCIDENT}`,
        ]);
      }

      const now = this.clock.now().toISOString();
      // A PUT to an existing comment id replaces its message (Sentinel incident comments API).
      const comment = {
        id: `${document.id}/comments/${commentId}`,
        name: commentId,
        etag: newEtag(),
        type: 'Microsoft.SecurityInsights/Incidents/Comments',
        properties: {
          message: html,
          createdTimeUtc: existing?.properties.createdTimeUtc ?? now,
          lastModifiedTimeUtc: now,
          author: { name: 'c2-responder', userPrincipalName: null, objectId: null, email: null },
        },
      };
      const comments = existing
        ? document.comments.map((item) => (item === existing ? comment : item))
        : [...document.comments, comment];
      return {
        ...document,
        properties: {
          ...document.properties,
          additionalData: { ...document.properties.additionalData, commentsCount: comments.length },
        },
        comments,
      };
    });
  }

  async update(incidentArmId: string, change: IncidentChange): Promise<Incident> {
    checkChange(change);
    await this.seed();

    const document = await this.change(incidentArmId, (current) => {
      const properties = { ...current.properties };
      if (change.severity) properties.severity = change.severity;
      if (change.addLabels && change.addLabels.length > 0) {
        const labels = [...(current.properties.labels ?? [])];
        for (const name of change.addLabels) {
          if (!labels.some((label) => label.labelName === name)) {
            labels.push({ labelName: name, labelType: 'User' });
          }
        }
        properties.labels = labels;
      }
      if (change.close) {
        properties.status = 'Closed';
        properties.classification = change.close.classification;
        properties.classificationComment = change.close.classificationComment;
        if (change.close.classificationReason) {
          properties.classificationReason = change.close.classificationReason;
        } else {
          delete properties.classificationReason;
        }
      }
      return { ...current, properties };
    });

    return incidentOf(document);
  }

  /** Read, change and write one document under its lock; `undefined` from `apply` writes nothing. */
  private async change(
    incidentArmId: string,
    apply: (document: IncidentDocument) => IncidentDocument | undefined,
  ): Promise<IncidentDocument> {
    const path = this.pathOf(incidentArmId);

    return withFileLock(path, async () => {
      const current = await this.read(incidentArmId);
      const next = apply(current);
      if (!next) return current;

      const written: IncidentDocument = {
        ...next,
        etag: newEtag(),
        properties: { ...next.properties, lastModifiedTimeUtc: this.clock.now().toISOString() },
      };
      await writeJsonAtomic(path, written);
      return written;
    });
  }

  private async read(incidentArmId: string): Promise<IncidentDocument> {
    const path = this.pathOf(incidentArmId);
    const value = await readJsonFile(path);
    if (value === undefined) {
      throw new NotFoundError(`incident ${incidentArmId} not found in ${this.state.incidents}`);
    }

    const parsed = incidentDocument.safeParse(value);
    if (!parsed.success) {
      throw new ValidationError(
        `incident document ${path}`,
        parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
      );
    }
    // ARM ids are case-insensitive (Sentinel itself returns both `Incidents` and `incidents`).
    if (parsed.data.id.toLowerCase() !== incidentArmId.toLowerCase()) {
      throw new NotFoundError(
        `incident ${incidentArmId} not found: ${path} holds ${parsed.data.id}`,
      );
    }
    return parsed.data;
  }

  /** Documents are keyed by the incident name, the GUID that ends its ARM id. */
  private pathOf(incidentArmId: string): string {
    const name = incidentArmId.split('/').filter(Boolean).at(-1) ?? '';
    if (!GUID.test(name)) throw new NotFoundError(`incident ${incidentArmId} not found`);

    return this.pathOfName(name);
  }

  private pathOfName(name: string): string {
    return join(this.state.incidents, `${name.toLowerCase()}.json`);
  }

  private seed(): Promise<void> {
    this.seeded ??= this.storeSeeds().catch((error: unknown) => {
      this.seeded = undefined;
      throw error;
    });
    return this.seeded;
  }

  private async storeSeeds(): Promise<void> {
    await this.state.ensure(this.state.incidents);

    for (const file of this.seedFiles) {
      const body = JSON.parse(await readFile(file, 'utf8')) as unknown;
      const document = documentFromTrigger(body, file);
      await createFileAtomic(
        this.pathOfName(document.name),
        `${JSON.stringify(document, null, 2)}\n`,
      );
    }
  }
}

function checkChange(change: IncidentChange): void {
  if (!change.close) return;

  const { classification, classificationReason } = change.close;
  const allowed = REASONS_BY_CLASSIFICATION[classification];
  const problems: string[] = [];
  if (!allowed) {
    problems.push(
      `closing needs a classification (${Object.keys(REASONS_BY_CLASSIFICATION).join(', ')})`,
    );
  } else if (allowed.length > 0 && !classificationReason) {
    problems.push(
      `closing as ${classification} needs a classificationReason (${allowed.join(' or ')})`,
    );
  } else if (classificationReason && !allowed.includes(classificationReason)) {
    problems.push(
      `classificationReason ${classificationReason} does not go with ${classification}` +
        (allowed.length > 0 ? ` (${allowed.join(' or ')})` : ''),
    );
  }

  if (problems.length > 0) throw new ValidationError('incident update', problems);
}

/**
 * The REST document for a trigger body: entities, alerts and comments move out of `properties`
 * to sit beside it, as the REST API returns them from their own endpoints.
 */
function documentFromTrigger(body: unknown, source = 'incident trigger body'): IncidentDocument {
  parseIncidentTriggerBody(body);
  const parsed = triggerEnvelope.safeParse(body);
  if (!parsed.success) {
    throw new ValidationError(
      source,
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    );
  }

  const resource = parsed.data.object;
  const {
    alerts,
    relatedEntities,
    comments: _comments,
    bookmarks: _bookmarks,
    ...properties
  } = resource.properties;
  return incidentDocument.parse({
    id: resource.id,
    name: resource.name,
    etag: resource.etag ?? newEtag(),
    type: resource.type ?? 'Microsoft.SecurityInsights/Incidents',
    properties,
    comments: [],
    ...(relatedEntities ? { relatedEntities } : {}),
    alerts: alerts ?? [],
  });
}

/** Read back through the domain parser, so the stored document and a trigger body mean the same. */
function incidentOf(document: IncidentDocument): Incident {
  const { relatedEntities, alerts, comments: _comments, ...resource } = document;

  return parseIncidentTriggerBody({
    objectSchemaType: 'Incident',
    object: {
      ...resource,
      properties: {
        ...resource.properties,
        alerts,
        ...(relatedEntities ? { relatedEntities } : {}),
      },
    },
  });
}

function newEtag(): string {
  return `"${randomUUID()}"`;
}
