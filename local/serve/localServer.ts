import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import {
  HttpRequest,
  HttpResponse,
  InvocationContext,
  type HttpFunctionOptions,
  type HttpResponseInit,
} from '@azure/functions';

import type { OrchestrationClient } from '../../shared/ports/orchestrationClient';
import { pageAnswer } from '../../triggers/pageAnswer';
import { registerTriggers } from '../../triggers/registerTriggers';
import type { TriggerDependencies } from '../../triggers/triggerDependencies';
import type { LocalResponder } from '../localResponder';
import { renderLocalIndexPage, renderSignInPage } from './localPages';
import { analystCookie, analystOf, isAnalystName, signedInHeaders } from './localSignIn';

export interface LocalServerOptions {
  readonly responder: LocalResponder;
  readonly antiForgeryKey: Uint8Array;
  /** 0 picks a free port. */
  readonly port: number;
  /** Where the functions' log lines go; nothing is written without it. */
  readonly log?: (line: string) => void;
}

export interface LocalServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  close(): Promise<void>;
}

/** Form posts and JSON bodies are small; anything larger is refused before it is read whole. */
const BODY_LIMIT_BYTES = 256 * 1024;

/** The functions that answer a person with a page: without a sign-in they send to the form. */
const PAGES = new Set(['approvalPage', 'auditTimeline']);

interface Route {
  readonly name: string;
  readonly options: HttpFunctionOptions;
  readonly pattern: RegExp;
  readonly params: readonly string[];
}

/**
 * The product's HTTP functions on 127.0.0.1, served from the very handlers Azure runs, over the
 * offline host of one state directory. A small node:http server turns each request into an
 * @azure/functions HttpRequest, routes it by the registered route, and writes the handler's answer
 * back. Requests are handled one at a time, because the host keeps no lock (#3). After a decision
 * or a start, the host runs until idle, so that the page shows the result.
 */
export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  const { responder } = options;
  const host = responder.host;
  const client: OrchestrationClient = {
    start: async (orchestrator, instanceId, input) => {
      await host.start(orchestrator, instanceId, input);
      await host.runUntilIdle();
    },
    raiseEvent: async (instanceId, eventName, data) => {
      await host.raiseEvent(instanceId, eventName, data);
      await host.runUntilIdle();
    },
    getStatus: (instanceId) => host.getStatus(instanceId),
  };
  // The server stands in for App Service Authentication, so the functions trust the principal
  // header it builds (and drops from clients).
  const dependencies: TriggerDependencies = {
    configuration: { ...responder.configuration, authenticationEnabled: true },
    audit: responder.ports.audit,
    securityGroups: responder.ports.securityGroups,
    clock: host.clock,
    antiForgeryKey: options.antiForgeryKey,
    orchestrationClient: () => client,
  };
  const routes: Route[] = [];
  registerTriggers(dependencies, {
    http: (name, registration) => routes.push(routeOf(name, registration)),
    timer: () => undefined,
  });

  let queue: Promise<void> = Promise.resolve();
  const server = createServer((request, response) => {
    queue = queue.then(() =>
      serve(request, response).catch((error: unknown) => {
        options.log?.(`local server: ${error instanceof Error ? error.message : String(error)}`);
        if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
        response.end('The local server failed; see its output.');
      }),
    );
  });

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const method = (request.method ?? 'GET').toUpperCase();
    const analyst = analystOf(request.headers);
    const body = await readBody(request);
    if (body === undefined)
      return send(response, { status: 413, body: 'The request body is too large.' });

    const local = await serveLocalPage(method, url, body, analyst);
    if (local) return send(response, local);
    const found = findRoute(routes, method, url.pathname);
    if (!found) return send(response, notFound());
    if (method === 'GET' && PAGES.has(found.route.name) && analyst === undefined) {
      return send(
        response,
        redirect(`/local/sign-in?next=${encodeURIComponent(url.pathname + url.search)}`),
      );
    }

    const httpRequest = new HttpRequest({
      method,
      url: `${serverUrl}${url.pathname}${url.search}`,
      headers: signedInHeaders(request.headers, analyst),
      params: found.params,
      ...(body.length === 0 ? {} : { body: { string: body } }),
    });
    const context = new InvocationContext({
      invocationId: randomUUID(),
      functionName: found.route.name,
      options: { extraInputs: found.route.options.extraInputs ?? [] },
      logHandler: (level, ...args) => options.log?.(`${level}: ${args.map(String).join(' ')}`),
    });
    const answer = await found.route.options.handler(httpRequest, context);
    return send(response, answer as HttpResponseInit);
  }

  async function serveLocalPage(
    method: string,
    url: URL,
    body: string,
    analyst: string | undefined,
  ): Promise<HttpResponseInit | undefined> {
    if (url.pathname === '/' && method === 'GET') {
      return pageAnswer(200, renderLocalIndexPage(host.listInstances(), analyst));
    }
    if (url.pathname === '/local/sign-in' && method === 'GET') {
      return pageAnswer(200, renderSignInPage(safeNext(url.searchParams.get('next'))));
    }
    if (url.pathname === '/local/sign-in' && method === 'POST') {
      const form = new URLSearchParams(body);
      const name = (form.get('analyst') ?? '').trim();
      const next = safeNext(form.get('next'));
      if (!isAnalystName(name)) {
        return pageAnswer(
          400,
          renderSignInPage(next, 'Give a name like a UPN: letters, digits and . _ % + @ - only.'),
        );
      }
      return {
        status: 303,
        headers: { location: next, 'set-cookie': analystCookie(name), 'cache-control': 'no-store' },
      };
    }
    if (url.pathname === '/local/sign-out' && method === 'GET') {
      return { status: 303, headers: { location: '/', 'set-cookie': analystCookie(undefined) } };
    }
    return undefined;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: serverUrl,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function routeOf(name: string, options: HttpFunctionOptions): Route {
  const params: string[] = [];
  const source = (options.route ?? name).replace(/\{([^}]+)\}/g, (_, param: string) => {
    params.push(param);
    return '([^/]+)';
  });

  return { name, options, pattern: new RegExp(`^/api/${source}$`), params };
}

function findRoute(
  routes: readonly Route[],
  method: string,
  pathname: string,
): { route: Route; params: Record<string, string> } | undefined {
  for (const route of routes) {
    if (!(route.options.methods ?? ['GET', 'POST']).includes(method as never)) continue;
    const match = route.pattern.exec(pathname);
    if (!match) continue;
    try {
      const params = Object.fromEntries(
        route.params.map((param, index) => [param, decodeURIComponent(match[index + 1] ?? '')]),
      );
      return { route, params };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Only a path of this server: an open redirect would let a link send the analyst elsewhere. */
function safeNext(next: string | null): string {
  return next !== null && /^\/(?![/\\])/.test(next) ? next : '/';
}

function redirect(location: string): HttpResponseInit {
  return { status: 303, headers: { location, 'cache-control': 'no-store' } };
}

function notFound(): HttpResponseInit {
  return {
    status: 404,
    jsonBody: { accepted: false, code: 'not-found', message: 'Nothing is served at this address.' },
  };
}

async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > BODY_LIMIT_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }

  return Buffer.concat(chunks).toString('utf8');
}

async function send(response: ServerResponse, init: HttpResponseInit): Promise<void> {
  const answer = new HttpResponse(init);
  const headers: Record<string, string | string[]> = {};
  answer.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const body = Buffer.from(await answer.arrayBuffer());

  response.writeHead(answer.status, headers);
  response.end(body);
}
