import type { HuntResult } from '../domain/finding';
import type { HuntRequest } from '../domain/huntDefinition';

// The request type lives in the domain, which must not import ports; re-exported unchanged here.
export type { HuntRequest } from '../domain/huntDefinition';

/**
 * Runs one hunt. A failure of the source is a result (`failed`, `partial`, `missing-table`), not an
 * exception: the verdict must see it and stay inconclusive. Throws only for a programming error.
 */
export interface LogSource {
  runHunt(request: HuntRequest): Promise<HuntResult>;
}
