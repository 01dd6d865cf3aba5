import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';

import { durableOrchestrationClient } from '../../../../shared/adapters/azure/durableOrchestrationClient';

interface Received {
  readonly method: string;
  readonly path: string;
  readonly body: string;
}

/**
 * The few endpoints of the Functions host's Durable HTTP API (rpcBaseUrl) that the adapter uses,
 * answering as the extension does: 202 on start and raise, 200 or 404 on status.
 */
async function startDurableApi(): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = new URL(request.url ?? '/', 'http://x').pathname;
      received.push({ method: request.method ?? '', path, body: Buffer.concat(chunks).toString() });
      response.setHeader('content-type', 'application/json');
      if (request.method === 'POST' && path.startsWith('/durabletask/orchestrators/')) {
        response.statusCode = 202;
        response.end(JSON.stringify({ id: path.split('/').pop() }));
      } else if (request.method === 'POST' && path.includes('/raiseEvent/')) {
        response.statusCode = 202;
        response.end();
      } else if (path === '/durabletask/instances/incident-known') {
        response.statusCode = 200;
        response.end(
          JSON.stringify({
            name: 'respondToIncident',
            instanceId: 'incident-known',
            runtimeStatus: 'Running',
            input: { incidentName: 'known' },
            customStatus: { stage: 'hunting' },
            output: null,
            createdTime: '2025-03-04T10:00:00Z',
            lastUpdatedTime: '2025-03-04T10:00:05Z',
          }),
        );
      } else {
        response.statusCode = 404;
        response.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/durabletask/`, received, server };
}

function contextWithClient(rpcBaseUrl: string): InvocationContext {
  const binding = df.input.durableClient();
  const context = new InvocationContext({ options: { extraInputs: [binding] } });
  context.extraInputs.set(binding, {
    taskHubName: 'C2Responder',
    creationUrls: {},
    managementUrls: {},
    baseUrl: rpcBaseUrl,
    requiredQueryStringParameters: '',
    rpcBaseUrl,
  });
  return context;
}

describe('durableOrchestrationClient', () => {
  let api: Awaited<ReturnType<typeof startDurableApi>>;
  beforeAll(async () => {
    api = await startDurableApi();
  });
  afterAll(() => new Promise<void>((resolve) => api.server.close(() => resolve())));

  it('starts an orchestration under the given instance id with its input', async () => {
    const client = durableOrchestrationClient(contextWithClient(api.url));

    await client.start('respondToIncident', 'incident-new', { incidentName: 'new' });

    expect(api.received.at(-1)).toEqual({
      method: 'POST',
      path: '/durabletask/orchestrators/respondToIncident/incident-new',
      body: '{"incidentName":"new"}',
    });
  });

  it('raises an event with its data', async () => {
    const client = durableOrchestrationClient(contextWithClient(api.url));

    await client.raiseEvent('contain-1', 'ApprovalDecision', { approve: true });

    expect(api.received.at(-1)).toEqual({
      method: 'POST',
      path: '/durabletask/instances/contain-1/raiseEvent/ApprovalDecision',
      body: '{"approve":true}',
    });
  });

  it('maps a status to the port’s shape with ISO times', async () => {
    const client = durableOrchestrationClient(contextWithClient(api.url));

    expect(await client.getStatus('incident-known')).toEqual({
      instanceId: 'incident-known',
      name: 'respondToIncident',
      runtimeStatus: 'Running',
      input: { incidentName: 'known' },
      output: null,
      customStatus: { stage: 'hunting' },
      createdTime: '2025-03-04T10:00:00.000Z',
      lastUpdatedTime: '2025-03-04T10:00:05.000Z',
    });
  });

  it('reads the extension’s 404 as no such instance', async () => {
    const client = durableOrchestrationClient(contextWithClient(api.url));

    expect(await client.getStatus('incident-unknown')).toBeUndefined();
  });
});
