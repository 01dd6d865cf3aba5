import type { HttpResponseInit } from '@azure/functions';

import { PAGE_SECURITY_POLICY } from '../shared/pages/pageLayout';

/** An HTML page as an answer: never cached (it shows a live plan and a form token), never framed. */
export function pageAnswer(status: number, page: string): HttpResponseInit {
  return {
    status,
    body: page,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': PAGE_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
    },
  };
}
