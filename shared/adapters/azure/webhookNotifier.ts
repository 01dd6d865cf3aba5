import {
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineFromOptions,
  createPipelineRequest,
  type HttpClient,
  type Pipeline,
  type TlsSettings,
} from '@azure/core-rest-pipeline';

import type { ApprovalNotice, Notifier } from '../../ports/notifier';
import { TransientError } from '../../ports/portErrors';
import type { AzureRetryOptions } from './azureClientOptions';
import { retryAfterMs } from './armErrors';

export interface WebhookNotifierOptions {
  /** C2R_WEBHOOK_URL: a secret (it authorises posting), so it never appears in a message. */
  readonly url: string;
  readonly retryOptions?: AzureRetryOptions;
  /** Only for tests that serve the webhook with a private CA. */
  readonly tlsOptions?: TlsSettings;
  readonly timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Posts the approval notice as JSON to a webhook (a Teams workflow, a Slack or ticketing hook):
 * `{text, indicator, verdict, incidentNumbers, approvalUrl, deadline}`. The pipeline retries 429
 * and 5xx after Retry-After; what still fails is a TransientError, so the activity retries it too.
 */
export class WebhookNotifier implements Notifier {
  constructor(
    private readonly pipeline: Pipeline,
    private readonly httpClient: HttpClient,
    private readonly url: string,
    private readonly timeoutMs: number,
  ) {}

  async notifyApprovalRequested(notice: ApprovalNotice): Promise<void> {
    if (carriesKey(notice.approvalUrl)) {
      throw new Error(
        'the approval link carries a key or a Durable management path; it is not posted to the webhook',
      );
    }
    const incidents = notice.incidentNumbers.map((number) => `#${number}`).join(', ');
    const text = `Approval needed: block ${notice.indicator} (verdict ${notice.verdict}; incidents ${incidents || 'none'}). Decide before ${notice.deadline}: ${notice.approvalUrl}${notice.note ? ` Note: ${notice.note}` : ''}`;
    const request = createPipelineRequest({
      url: this.url,
      method: 'POST',
      timeout: this.timeoutMs,
      headers: createHttpHeaders({ 'content-type': 'application/json' }),
      body: JSON.stringify({ text, ...notice }),
    });

    let response;
    try {
      response = await this.pipeline.sendRequest(this.httpClient, request);
    } catch (error) {
      const reason = error instanceof Error ? error.name : 'error';
      throw new TransientError(`the approval webhook could not be reached (${reason})`);
    }

    if (response.status >= 200 && response.status < 300) return;
    const message = `the approval webhook answered HTTP ${response.status}`;
    if (response.status === 429 || response.status >= 500) {
      throw new TransientError(
        message,
        retryAfterMs((name) => response.headers.get(name)),
      );
    }
    throw new Error(`${message}; check C2R_WEBHOOK_URL`);
  }
}

/**
 * A Durable management URL (`/runtime/webhooks/durabletask/...`) or any link with a function or
 * system key (`code=`) or a SAS signature (`sig=`) would hand whoever reads the channel the power
 * to raise events or terminate instances; only the product's own pages may be posted.
 */
function carriesKey(link: string): boolean {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return true;
  }

  return (
    /\/runtime\/webhooks\//i.test(url.pathname) ||
    ['code', 'sig', 'key'].some((name) => url.searchParams.has(name))
  );
}

export function createWebhookNotifier(options: WebhookNotifierOptions): WebhookNotifier {
  const pipeline = createPipelineFromOptions({
    ...(options.retryOptions === undefined ? {} : { retryOptions: options.retryOptions }),
    ...(options.tlsOptions === undefined ? {} : { tlsOptions: options.tlsOptions }),
  });

  return new WebhookNotifier(
    pipeline,
    createDefaultHttpClient(),
    options.url,
    options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  );
}

/**
 * Without a webhook, analysts learn of a pending approval from the incident comment and the
 * product's status link; this notifier sends nothing, and says so in the audit record's place.
 */
export const noWebhookNotifier: Notifier = {
  async notifyApprovalRequested() {
    // Nothing to send: no C2R_WEBHOOK_URL is configured.
  },
};
