import type { HttpRequest } from '@azure/functions';

import { ValidationError } from '../shared/domain/validationError';

/** The request body as JSON; a body that is not JSON is bad input, named without echoing it. */
export async function readJsonBody(request: HttpRequest): Promise<unknown> {
  const text = await request.text();
  if (text.trim() === '') throw new ValidationError('request body', ['(body): is empty']);

  try {
    return JSON.parse(text) as unknown;
  } catch {
    // The parser's message quotes the body; the answer names the problem only.
    throw new ValidationError('request body', ['(body): is not valid JSON']);
  }
}

/** A form post (`application/x-www-form-urlencoded`) as a flat object of its first values. */
export async function readFormBody(request: HttpRequest): Promise<Record<string, string>> {
  const fields: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(await request.text())) {
    if (!(name in fields)) fields[name] = value;
  }

  return fields;
}

export function isFormPost(request: HttpRequest): boolean {
  return (request.headers.get('content-type') ?? '')
    .toLowerCase()
    .startsWith('application/x-www-form-urlencoded');
}
