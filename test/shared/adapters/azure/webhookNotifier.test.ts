import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';

import { createWebhookNotifier } from '../../../../shared/adapters/azure/webhookNotifier';
import { selfSignedCertificate } from '../../../contract/support/selfSignedCertificate';

const NOTICE = {
  incidentNumbers: [4127, 4128],
  indicator: '203.0.113.77:8808',
  verdict: 'malicious',
  approvalUrl: 'https://c2r.contoso.example/api/approvals/contain-203.0.113.77_8808',
  deadline: '2025-03-04T14:00:00.000Z',
};

describe('webhookNotifier', () => {
  let server: Server;
  let url: string;
  let ca: string;
  const bodies: unknown[] = [];
  let status = 200;

  beforeAll(async () => {
    const certificate = await selfSignedCertificate();
    ca = certificate.cert;
    server = createServer({ cert: certificate.cert, key: certificate.key }, (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        response.statusCode = status;
        response.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/secret-path-token`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('posts the notice with a readable sentence and the product’s approval link', async () => {
    const notifier = createWebhookNotifier({ url, tlsOptions: { ca } });

    await notifier.notifyApprovalRequested(NOTICE);

    expect(bodies.at(-1)).toEqual({
      text: 'Approval needed: block 203.0.113.77:8808 (verdict malicious; incidents #4127, #4128). Decide before 2025-03-04T14:00:00.000Z: https://c2r.contoso.example/api/approvals/contain-203.0.113.77_8808',
      ...NOTICE,
    });
  });

  it.each([
    'https://c2r.contoso.example/runtime/webhooks/durabletask/instances/contain-1?taskHub=x',
    'https://c2r.contoso.example/api/approvals/contain-1?code=system-key',
    'not a link',
  ])('refuses to post a link that carries a key or a management path (%s)', async (link) => {
    const notifier = createWebhookNotifier({ url, tlsOptions: { ca } });
    const posted = bodies.length;

    await expect(
      notifier.notifyApprovalRequested({ ...NOTICE, approvalUrl: link }),
    ).rejects.toThrow('the approval link carries a key or a Durable management path');
    expect(bodies).toHaveLength(posted);
  });

  it('fails without naming the secret webhook address when the hook refuses', async () => {
    status = 403;
    const notifier = createWebhookNotifier({ url, tlsOptions: { ca } });

    const failure = notifier.notifyApprovalRequested(NOTICE);

    await expect(failure).rejects.toThrow(
      'the approval webhook answered HTTP 403; check C2R_WEBHOOK_URL',
    );
    await expect(failure).rejects.not.toThrow(/secret-path-token/);
  });
});
