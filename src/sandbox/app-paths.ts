/**
 * The application requests a promotion's http checks and load tests make under `${baseUrl}`, so
 * `conductor sandbox` can say which of its application endpoints the runbook will call, and the
 * sandbox can answer another team's paths as its checks expect (healthy by default), not only the
 * shipped runbook's.
 */
import type { Promotion } from '../core/runbook/schema.js';

// biome-ignore lint/suspicious/noTemplateCurlyInString: the runbook placeholder, written as runbooks write it
const BASE_URL = '${baseUrl}';

/** What the runbook expects of one application request: its http check's status and body text. */
export interface AppAnswer {
  status: number;
  contains?: string;
}

/**
 * Each application request the promotion makes ("GET /health", "POST /orders/create"), once, in the
 * order it first makes them, with what its http check expects (a load test expects a 200).
 */
export function appAnswersOf(promotion: Promotion): Record<string, AppAnswer> {
  const answers: Record<string, AppAnswer> = {};
  const steps = [...promotion.phases.flatMap((phase) => phase.steps), ...promotion.rollback.steps];
  for (const step of steps) {
    if (step.kind !== 'http' && step.kind !== 'load') continue;
    if (!step.url.startsWith(BASE_URL)) continue;
    const path = step.url.slice(BASE_URL.length).split(/[?#]/)[0] || '/';
    const request = `${step.method} ${path.startsWith('/') ? path : `/${path}`}`;
    if (request in answers) continue;
    answers[request] =
      step.kind === 'http'
        ? {
            status: step.expectStatus,
            ...(step.bodyContains !== undefined && { contains: step.bodyContains }),
          }
        : { status: 200 };
  }
  return answers;
}

/** "GET /health", "POST /orders/create": each once, in the order the promotion first makes them. */
export function appRequestsOf(promotion: Promotion): string[] {
  return Object.keys(appAnswersOf(promotion));
}
