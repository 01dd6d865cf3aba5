/**
 * Writes the query of the Sentinel analytics rule that bicep/ deploys. The query is rendered by the
 * product from the bundled DCRat pack, so the rule and the hunts share one source of truth; the
 * Bicep loads the file with loadTextContent(). Run with `npx tsx scripts/render-analytics-rule.ts`
 * after the pack or the renderer changes, and commit the result: test/bicep/main.test.ts fails
 * while the committed file and the renderer disagree.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { renderAnalyticsRuleQuery } from '../shared/domain/kqlRenderer';
import { readIndicatorFeed } from '../shared/domain/threatFoxFeed';

export const INDICATOR_PACK = 'samples/iocs/dcrat-threatfox.json';
export const ANALYTICS_RULE_QUERY_FILE = 'bicep/generated/dcrat-analytics-rule.kql';

/** The analytics rule query for the bundled pack; no allowlist, since detecting is not blocking. */
export function renderBundledAnalyticsRuleQuery(root: string): string {
  const feed = readIndicatorFeed(readFileSync(join(root, INDICATOR_PACK), 'utf8'), {
    allowlist: [],
  });

  return renderAnalyticsRuleQuery(feed.indicators);
}

if (require.main === module) {
  const root = join(__dirname, '..');
  const query = renderBundledAnalyticsRuleQuery(root);

  // Written byte for byte: the template must carry exactly what the renderer returns.
  writeFileSync(join(root, ANALYTICS_RULE_QUERY_FILE), query);
  console.log(`wrote ${ANALYTICS_RULE_QUERY_FILE}`);
}
