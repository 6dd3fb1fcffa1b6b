import type { Runbook } from './schema.js';

/** The edge a promoted version goes on to: the promotion that starts where this one ended. */
export interface NextEdge {
  /** The promotion id, e.g. sit-to-prod. */
  edge: string;
  /** Its environments as a person reads them, e.g. "SIT -> PROD". */
  label: string;
}

/**
 * For each promotion, the one that starts from its target environment (DEV -> SIT is followed by
 * SIT -> PROD), so a version promoted along one edge can be offered the next. A promotion into an
 * environment no other promotion leaves (PROD) has none; when several leave it, the first in the
 * runbook is offered.
 */
export function nextEdges(runbook: Runbook): Record<string, NextEdge> {
  const title = (id: string) => runbook.environments.find((e) => e.id === id)?.title ?? id;
  const next: Record<string, NextEdge> = {};
  for (const promotion of runbook.promotions) {
    const following = runbook.promotions.find((p) => p.from === promotion.to && p.id !== promotion.id);
    if (following)
      next[promotion.id] = {
        edge: following.id,
        label: `${title(following.from)} -> ${title(following.to)}`,
      };
  }
  return next;
}
