import type { z } from 'zod';

import type { ResponderPorts } from '../shared/ports/responderPorts';
import { ValidationError } from '../shared/domain/validationError';

/** The shape the Functions runtime calls: input first, then the invocation context. */
export type ActivityFunction = (input: unknown, invocationContext: unknown) => Promise<unknown>;

export interface ActivityDefinition {
  readonly name: string;
  /** Whether the activity needs the Durable client binding (it starts or signals orchestrations). */
  readonly usesOrchestrationClient: boolean;
  readonly handler: ActivityFunction;
}

/**
 * Activities take `unknown`, validate it once, and pass typed values to a port. A string input
 * arrives JSON-encoded a second time (durable-functions), so it is decoded before validation.
 */
export function defineActivity<Input, Output>(
  name: string,
  schema: z.ZodType<Input>,
  work: (input: Input, ports: ResponderPorts, invocationContext: unknown) => Promise<Output>,
  options: { usesOrchestrationClient?: boolean } = {},
): (ports: ResponderPorts) => ActivityDefinition {
  return (ports) => ({
    name,
    usesOrchestrationClient: options.usesOrchestrationClient ?? false,
    handler: async (raw, invocationContext) => {
      const parsed = schema.safeParse(decodeTwiceEncoded(raw));
      if (!parsed.success) {
        throw new ValidationError(
          `input of activity ${name}`,
          parsed.error.issues.map(
            (issue) => `${issue.path.join('.') || '(input)'}: ${issue.message}`,
          ),
        );
      }
      return work(parsed.data, ports, invocationContext);
    },
  });
}

function decodeTwiceEncoded(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}
