import { startHttpsFake } from '../support/httpsFake';
import type { FakeRequest, FakeResponse, HttpsFake } from '../support/httpsFake';

/**
 * A fake of the Microsoft.Network NSG endpoints as documented: GET of the NSG and of one rule, PUT
 * and DELETE of one `securityRules` child resource as a long-running operation (201/200/202 with an
 * Azure-AsyncOperation status URL answering InProgress, then Succeeded), ONE write at a time per NSG
 * (409 AnotherOperationInProgress or 429 RetryableErrorDueToAnotherOperation with Retry-After while
 * another runs), 400 SecurityRuleConflict for a priority taken in the same direction, and 400
 * SecurityRuleCountLimitReached past the rule limit.
 */
export interface ArmNetworkFakeOptions {
  /** Status polls an operation answers InProgress before Succeeded. */
  readonly pollsUntilDone?: number;
  /** Retry-After (seconds) on busy answers and operation polls. */
  readonly retryAfterSeconds?: number;
  /** Answer a busy NSG with 429 RetryableErrorDueToAnotherOperation instead of 409. */
  readonly busyStatus?: 409 | 429;
  readonly ruleLimit?: number;
}

type ArmRuleProperties = Record<string, unknown> & { priority: number; direction: string };

interface StoredRule {
  readonly name: string;
  properties: ArmRuleProperties;
  provisioningState: 'Updating' | 'Deleting' | 'Succeeded';
  etag: number;
}

interface StoredGroup {
  readonly id: string;
  readonly name: string;
  readonly rules: Map<string, StoredRule>;
  etag: number;
  /** The write that holds the NSG. */
  operation?: string;
}

interface Operation {
  readonly group: StoredGroup;
  readonly finish: () => void;
  polls: number;
  done: boolean;
}

export interface ArmNetworkFake extends HttpsFake {
  addGroup(id: string, rules?: readonly { name: string; properties: ArmRuleProperties }[]): void;
  rules(id: string): { name: string; properties: ArmRuleProperties }[];
  /** Answers the next matching requests with a canned response (then behaves normally). */
  inject(match: (request: FakeRequest) => boolean, response: FakeResponse, times?: number): void;
  readonly counters: { writes: number; busy: number; conflicts: number; polls: number };
  /** Keeps every operation InProgress (and its NSG busy) until release(). */
  hold(): void;
  release(): void;
}

const API_VERSION_REQUIRED: FakeResponse = {
  status: 400,
  body: { error: { code: 'MissingApiVersionParameter', message: 'api-version is required' } },
};

function armError(status: number, code: string, message: string): FakeResponse {
  return { status, body: { error: { code, message, details: [] } } };
}

export async function startArmNetworkFake(
  options: ArmNetworkFakeOptions = {},
): Promise<ArmNetworkFake> {
  const pollsUntilDone = options.pollsUntilDone ?? 2;
  const retryAfter = String(options.retryAfterSeconds ?? 0);
  const ruleLimit = options.ruleLimit ?? 1000;
  const groups = new Map<string, StoredGroup>();
  const operations = new Map<string, Operation>();
  const injected: { match: (r: FakeRequest) => boolean; response: FakeResponse; left: number }[] =
    [];
  const counters = { writes: 0, busy: 0, conflicts: 0, polls: 0 };
  let nextOperation = 1;
  let held = false;

  const ruleDocument = (group: StoredGroup, rule: StoredRule): unknown => ({
    name: rule.name,
    id: `${group.id}/securityRules/${rule.name}`,
    etag: `W/"${rule.etag}"`,
    type: 'Microsoft.Network/networkSecurityGroups/securityRules',
    properties: { ...rule.properties, provisioningState: rule.provisioningState },
  });

  const groupDocument = (group: StoredGroup): unknown => ({
    name: group.name,
    id: group.id,
    etag: `W/"${group.etag}"`,
    type: 'Microsoft.Network/networkSecurityGroups',
    location: 'westeurope',
    properties: {
      provisioningState: group.operation ? 'Updating' : 'Succeeded',
      securityRules: [...group.rules.values()].map((rule) => ruleDocument(group, rule)),
      defaultSecurityRules: [],
    },
  });

  const startOperation = (base: string, group: StoredGroup, finish: () => void): string => {
    const id = `op-${nextOperation++}`;
    operations.set(id, { group, finish, polls: 0, done: false });
    group.operation = id;
    const subscription = group.id.split('/')[2];
    return `${base}/subscriptions/${subscription}/providers/Microsoft.Network/locations/westeurope/operations/${id}?api-version=2024-05-01`;
  };

  const busy = (group: StoredGroup): FakeResponse => {
    counters.busy += 1;
    const response =
      options.busyStatus === 429
        ? armError(
            429,
            'RetryableErrorDueToAnotherOperation',
            `Operation on ${group.name} is retryable because another operation is in progress.`,
          )
        : armError(
            409,
            'AnotherOperationInProgress',
            `Another operation on this or dependent resource is in progress. Retry the request after some time. Resource ${group.id}`,
          );
    return { ...response, headers: { 'Retry-After': retryAfter } };
  };

  const putRule = (
    request: FakeRequest,
    base: string,
    group: StoredGroup,
    ruleName: string,
  ): FakeResponse => {
    if (group.operation) return busy(group);
    const properties = (request.body as { properties?: ArmRuleProperties } | undefined)?.properties;
    if (!properties || typeof properties.priority !== 'number') {
      return armError(400, 'InvalidRequestFormat', 'Cannot parse the request.');
    }
    if (properties.priority < 100 || properties.priority > 4096) {
      return armError(
        400,
        'SecurityRuleInvalidPriority',
        `Security rule ${ruleName} has invalid priority.`,
      );
    }
    const clash = [...group.rules.values()].find(
      (rule) =>
        rule.name !== ruleName &&
        rule.properties.priority === properties.priority &&
        rule.properties.direction === properties.direction,
    );
    if (clash) {
      counters.conflicts += 1;
      return armError(
        400,
        'SecurityRuleConflict',
        `Security rule ${clash.name} conflicts with rule ${ruleName}. Rules cannot have the same Priority and Direction. To learn more, see aka.ms/nsgrules.`,
      );
    }
    const existing = group.rules.get(ruleName);
    if (!existing && group.rules.size >= ruleLimit) {
      return armError(
        400,
        'SecurityRuleCountLimitReached',
        `A security group cannot have more than ${ruleLimit} security rules.`,
      );
    }

    const rule: StoredRule = {
      name: ruleName,
      properties: { ...properties },
      provisioningState: 'Updating',
      etag: (existing?.etag ?? 0) + 1,
    };
    group.rules.set(ruleName, rule);
    group.etag += 1;
    const url = startOperation(base, group, () => {
      rule.provisioningState = 'Succeeded';
    });
    return {
      status: existing ? 200 : 201,
      headers: { 'Azure-AsyncOperation': url, 'Retry-After': retryAfter },
      body: ruleDocument(group, rule),
    };
  };

  const deleteRule = (base: string, group: StoredGroup, ruleName: string): FakeResponse => {
    if (group.operation) return busy(group);
    const rule = group.rules.get(ruleName);
    if (!rule) return { status: 204 };

    rule.provisioningState = 'Deleting';
    const url = startOperation(base, group, () => {
      group.rules.delete(ruleName);
      group.etag += 1;
    });
    return {
      status: 202,
      headers: { 'Azure-AsyncOperation': url, Location: url, 'Retry-After': retryAfter },
    };
  };

  const pollOperation = (id: string): FakeResponse => {
    counters.polls += 1;
    const operation = operations.get(id);
    if (!operation) return armError(404, 'NotFound', `Operation ${id} not found.`);
    operation.polls += 1;
    if (!operation.done && !held && operation.polls >= pollsUntilDone) {
      operation.done = true;
      operation.finish();
      operation.group.operation = undefined;
    }

    return {
      status: 200,
      headers: operation.done ? {} : { 'Retry-After': retryAfter },
      body: { status: operation.done ? 'Succeeded' : 'InProgress' },
    };
  };

  const handle = (request: FakeRequest, base: string): FakeResponse => {
    if (!request.query.get('api-version')) return API_VERSION_REQUIRED;
    const hit = injected.find((candidate) => candidate.left > 0 && candidate.match(request));
    if (hit) {
      hit.left -= 1;
      if (request.method !== 'GET') counters.writes += 1;
      return hit.response;
    }

    const operation =
      /\/providers\/Microsoft\.Network\/locations\/[^/]+\/operations\/([^/]+)$/i.exec(request.path);
    if (operation?.[1] && request.method === 'GET') return pollOperation(operation[1]);

    const match =
      /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/networkSecurityGroups\/[^/]+)(?:\/securityRules\/([^/]+))?$/i.exec(
        request.path,
      );
    const group = match?.[1] ? groups.get(match[1].toLowerCase()) : undefined;
    if (!match || !group) {
      return armError(404, 'ResourceNotFound', `The Resource '${request.path}' was not found.`);
    }
    const ruleName = match[2];
    if (ruleName === undefined) {
      return request.method === 'GET'
        ? { status: 200, body: groupDocument(group) }
        : armError(405, 'MethodNotAllowed', 'only GET of the NSG is faked');
    }

    switch (request.method) {
      case 'GET': {
        const rule = group.rules.get(ruleName);
        return rule
          ? { status: 200, body: ruleDocument(group, rule) }
          : armError(404, 'NotFound', `Resource ${group.id}/securityRules/${ruleName} not found.`);
      }
      case 'PUT':
        counters.writes += 1;
        return putRule(request, base, group, ruleName);
      case 'DELETE':
        counters.writes += 1;
        return deleteRule(base, group, ruleName);
      default:
        return armError(405, 'MethodNotAllowed', request.method);
    }
  };

  const server = await startHttpsFake(handle);

  return {
    ...server,
    counters,
    addGroup: (id, rules = []) => {
      const name = id.split('/').at(-1) ?? id;
      groups.set(id.toLowerCase(), {
        id,
        name,
        etag: 1,
        rules: new Map(
          rules.map((rule) => [
            rule.name,
            {
              name: rule.name,
              properties: { ...rule.properties },
              provisioningState: 'Succeeded',
              etag: 1,
            },
          ]),
        ),
      });
    },
    rules: (id) =>
      [...(groups.get(id.toLowerCase())?.rules.values() ?? [])].map((rule) => ({
        name: rule.name,
        properties: rule.properties,
      })),
    hold: () => {
      held = true;
    },
    release: () => {
      held = false;
    },
    inject: (match, response, times = 1) => {
      injected.push({ match, response, left: times });
    },
  };
}
