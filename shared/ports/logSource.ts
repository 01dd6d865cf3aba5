import type { HuntResult, HuntTable, TimeWindow } from '../domain/finding';
import type { Indicator } from '../domain/indicator';

export interface HuntRequest {
  readonly table: HuntTable;
  readonly indicators: readonly Indicator[];
  /** Given to the query once: as the query's time span (Azure) or as the row filter (local). */
  readonly window: TimeWindow;
  /** How many raw rows to keep as evidence. */
  readonly sampleSize: number;
}

/**
 * Runs one hunt. A failure of the source is a result (`failed`, `partial`, `missing-table`), not an
 * exception: the verdict must see it and stay inconclusive. Throws only for a programming error.
 */
export interface LogSource {
  runHunt(request: HuntRequest): Promise<HuntResult>;
}
