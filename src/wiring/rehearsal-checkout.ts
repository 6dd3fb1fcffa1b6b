import { mkdirSync } from 'node:fs';
import { isAbsolute, join, normalize, sep } from 'node:path';
import type { Promotion } from '../core/runbook/schema.js';

/**
 * A rehearsal's work folder stands for the team's checkout: the folders the promotion's commands
 * run in (`cwd: 2_x_auth_lambda`, seed 4.2 step 6) are made in it, so those commands run there as
 * they would in the checkout. Only plain relative folders inside the work folder: an absolute path,
 * one that climbs out (`..`) or one with a placeholder is left to fail as it would for real.
 */
export function makeCommandFolders(workDir: string, promotion: Promotion): string[] {
  const steps = [...promotion.phases.flatMap((phase) => phase.steps), ...promotion.rollback.steps];
  const made: string[] = [];
  for (const step of steps) {
    if (step.kind !== 'command' || !step.cwd) continue;
    const folder = normalize(step.cwd);
    if (isAbsolute(folder) || folder.includes('${') || folder === '..' || folder.startsWith(`..${sep}`))
      continue;
    mkdirSync(join(workDir, folder), { recursive: true, mode: 0o700 });
    made.push(folder);
  }
  return made;
}
