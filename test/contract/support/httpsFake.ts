import { createServer } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { selfSignedCertificate } from './selfSignedCertificate';

export interface FakeRequest {
  readonly method: string;
  /** Path without the query string, decoded. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** Parsed JSON body, or undefined when there is none. */
  readonly body: unknown;
}

export interface FakeResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

export type FakeHandler = (
  request: FakeRequest,
  baseUrl: string,
) => FakeResponse | Promise<FakeResponse>;

export interface HttpsFake {
  /** `https://127.0.0.1:<port>` */
  readonly url: string;
  /** The PEM the clients must trust. */
  readonly ca: string;
  /** Every request received, in order. */
  readonly requests: FakeRequest[];
  close(): Promise<void>;
}

export const FAKE_TOKEN = 'contract-test-token';

/**
 * Serves a fake Azure endpoint over HTTPS on 127.0.0.1 (the SDKs refuse to send a bearer token over
 * plain HTTP). Requests without the fake bearer token get 401, as the real services answer.
 */
export async function startHttpsFake(handler: FakeHandler): Promise<HttpsFake> {
  const { cert, key } = await selfSignedCertificate();
  const requests: FakeRequest[] = [];
  let baseUrl = '';

  const server = createServer({ cert, key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', baseUrl);
      const text = Buffer.concat(chunks).toString('utf8');
      const request: FakeRequest = {
        method: req.method ?? 'GET',
        path: decodeURIComponent(url.pathname),
        query: url.searchParams,
        headers: req.headers,
        body: text.length > 0 ? (JSON.parse(text) as unknown) : undefined,
      };
      requests.push(request);

      const answer = (response: FakeResponse): void => {
        const payload = response.body === undefined ? '' : JSON.stringify(response.body);
        res.writeHead(response.status, {
          ...(payload ? { 'content-type': 'application/json; charset=utf-8' } : {}),
          ...response.headers,
        });
        res.end(payload);
      };
      if (req.headers.authorization !== `Bearer ${FAKE_TOKEN}`) {
        answer({
          status: 401,
          body: { error: { code: 'AuthenticationFailed', message: 'no token' } },
        });
        return;
      }
      Promise.resolve()
        .then(() => handler(request, baseUrl))
        .then(answer, (error: unknown) =>
          answer({ status: 500, body: { error: { code: 'FakeFailure', message: String(error) } } }),
        );
    });
  });

  // Every socket, also those still in their TLS handshake, which closeAllConnections() misses.
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    ca: cert,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        for (const socket of sockets) socket.destroy();
      }),
  };
}
