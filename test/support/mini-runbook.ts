import { stringify } from 'yaml';
import { parseRunbook } from '../../src/core/runbook/parse.js';
import type { Runbook } from '../../src/core/runbook/schema.js';

/**
 * The small runbook engine tests write when the seed's is more than they need: SIT and PROD, one
 * SIT -> PROD promotion, a traffic revert to roll back. A test names only what it is about (its
 * phases, roles, what PROD asks for) and gets YAML the real parser reads, so it cannot drift from
 * the schema the way a copied literal does.
 */
export interface MiniRunbookParts {
  /** The runbook's id and title. */
  id?: string;
  title?: string;
  /** Default: Tech Lead, asking for nothing more. */
  roles?: Array<Record<string, unknown>>;
  /** Fields PROD has besides id, title, account, region and base URL (production, approvalRoles, ...). */
  prod?: Record<string, unknown>;
  phases: Array<{ id: string; title: string; steps: Array<Record<string, unknown>> }>;
  /** Rollback steps after the traffic revert. */
  rollbackSteps?: Array<Record<string, unknown>>;
}

export function miniRunbookYaml(parts: MiniRunbookParts): string {
  return stringify(
    {
      runbook: { id: parts.id ?? 'mini', title: parts.title ?? 'Minimal runbook', version: '1' },
      roles: parts.roles ?? [{ id: 'tech-lead', title: 'Tech Lead' }],
      environments: [
        {
          id: 'sit',
          title: 'SIT',
          accountId: '815856636111',
          region: 'af-south-1',
          baseUrl: 'https://sit.example.com',
        },
        {
          id: 'prod',
          title: 'PROD',
          accountId: '093646564004',
          region: 'af-south-1',
          baseUrl: 'https://prod.example.com',
          ...parts.prod,
        },
      ],
      promotions: [
        {
          id: 'sit-to-prod',
          title: 'SIT to PROD',
          from: 'sit',
          to: 'prod',
          phases: parts.phases,
          rollback: {
            steps: [
              { id: 'revert', title: 'Revert', kind: 'traffic-revert' },
              ...(parts.rollbackSteps ?? []),
            ],
          },
        },
      ],
    },
    // Long values (an SSH key) stay on one line, as a person would write them.
    { lineWidth: 0 },
  );
}

/** The same runbook parsed the way the app parses it; a problem in it fails the test at once. */
export function miniRunbook(parts: MiniRunbookParts): Runbook {
  const parsed = parseRunbook(miniRunbookYaml(parts), 'mini.yaml');
  if (!parsed.ok) throw new Error(`mini runbook is invalid: ${JSON.stringify(parsed.problems)}`);
  return parsed.runbook;
}

/** A command step running `run`, as the orphan tests use (a sleep they can find in /proc). */
export function commandStep(
  id: string,
  title: string,
  run: string[],
  more: Record<string, unknown> = {},
): Record<string, unknown> {
  return { id, title, kind: 'command', run, timeout: '30m', ...more };
}

/** An approval gate for `roles`, lasting 48 h. */
export function approvalStep(
  id: string,
  title: string,
  roles: string[],
  more: Record<string, unknown> = {},
): Record<string, unknown> {
  return { id, title, kind: 'approval', roles, expiry: '48h', ...more };
}

/** A canary on one Lambda alias through `stages`, with the bands every mini runbook uses. */
export function canaryStep(stages: Array<{ weight: number; hold: string }>): Record<string, unknown> {
  return {
    id: 'canary',
    title: 'Canary',
    kind: 'canary',
    targets: { lambdas: [{ functionName: 'fn', alias: 'live' }] },
    stages,
    bands: {
      pass: { errorRatePct: 0.5, p95OverBaselinePct: 10 },
      nogo: { errorRatePct: 1, p95OverBaselinePct: 20 },
      rollback: { errorRatePct: 5, p95OverBaselinePct: 100 },
    },
  };
}
