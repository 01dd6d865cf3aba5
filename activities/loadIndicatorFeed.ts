import { z } from 'zod';

import type { IndicatorFeed } from '../shared/domain/indicator';
import { readIndicatorFeed } from '../shared/domain/threatFoxFeed';
import { defineActivity } from './activityHandler';

export const LOAD_INDICATOR_FEED = 'loadIndicatorFeed';

export interface LoadIndicatorFeedInput {
  readonly allowlist: readonly string[];
}

export interface LoadIndicatorFeedOutput extends IndicatorFeed {
  readonly feedName: string;
}

/** Reads the configured feed and assesses every indicator against the guardrail and allowlist. */
export const loadIndicatorFeed = defineActivity(
  LOAD_INDICATOR_FEED,
  z.object({ allowlist: z.array(z.string()) }),
  async (input, ports): Promise<LoadIndicatorFeedOutput> => {
    const { name, text } = await ports.indicatorFeed.read();
    const feed = readIndicatorFeed(text, { allowlist: input.allowlist });
    return { ...feed, feedName: name };
  },
);
