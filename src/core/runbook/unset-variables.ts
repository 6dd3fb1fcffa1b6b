import { placeholdersIn } from './interpolate.js';
import type { PathProblem } from './references.js';
import type { Environment, Promotion, RollbackStep, Runbook, Step } from './schema.js';
import { isKnownVariable, phaseEnvironment, unsetReason, VARIABLES } from './variables.js';

/** A string of a step that is filled in and handed to a process or a request. */
interface RunText {
  path: PropertyKey[];
  text: string;
}

/** The strings of a step that reach a process (argv, cwd, environment) or a request (URL, headers, body). */
function runTexts(step: Step | RollbackStep, at: PropertyKey[]): RunText[] {
  const entries = (record: Record<string, string>, key: string) =>
    Object.entries(record).map(([name, text]) => ({ path: [...at, key, name], text }));
  switch (step.kind) {
    case 'command':
      return [
        ...step.run.map((text, i) => ({ path: [...at, 'run', i], text })),
        ...(step.cwd === undefined ? [] : [{ path: [...at, 'cwd'], text: step.cwd }]),
        ...entries(step.env, 'env'),
      ];
    case 'http':
      return [
        { path: [...at, 'url'], text: step.url },
        ...entries(step.headers, 'headers'),
        ...(step.body === undefined ? [] : [{ path: [...at, 'body'], text: step.body }]),
      ];
    case 'load':
      return [{ path: [...at, 'url'], text: step.url }];
    default:
      return [];
  }
}

const ENVIRONMENT_FIELD_VARIABLES = new Set(
  VARIABLES.filter((v) => v.mayBeUnset === 'environment-field').map((v) => v.name),
);

/**
 * Every `${name}` that may have no value where it is used: in a command, URL, header or body, a
 * field the step's environment does not set (`${profile}` where the environment names no profile)
 * or a value only the conductor types; in a template a promotion sends, a field its target
 * environment does not set. At run time such a step stops before it runs, so validation says so first.
 */
export function checkUnsetVariables(runbook: Runbook): PathProblem[] {
  const problems: PathProblem[] = [];
  runbook.promotions.forEach((promotion, p) => {
    const at: PropertyKey[] = ['promotions', p];
    const target = runbook.environments.find((e) => e.id === promotion.to);
    const checkStep = (step: Step | RollbackStep, sp: PropertyKey[], env: Environment | undefined) => {
      if (!env) return; // an unknown environment is a reference problem of its own
      for (const { path, text } of runTexts(step, sp)) {
        for (const name of new Set(placeholdersIn(text))) {
          if (!isKnownVariable(name)) continue; // reported as an unknown variable
          const reason = unsetReason(name, env);
          if (reason === undefined) continue;
          problems.push({
            path,
            placeholder: name,
            message: `\${${name}} may have no value here: ${reason}, so step "${step.id}" would stop before it runs`,
          });
        }
      }
    };
    promotion.phases.forEach((phase, ph) => {
      const env = phaseEnvironment(runbook, promotion, phase);
      phase.steps.forEach((step, s) => {
        checkStep(step, [...at, 'phases', ph, 'steps', s], env);
      });
    });
    promotion.rollback.steps.forEach((step, s) => {
      checkStep(step, [...at, 'rollback', 'steps', s], target);
    });
    for (const templateId of templatesSent(promotion)) {
      const t = runbook.templates.findIndex((template) => template.id === templateId);
      if (t < 0 || !target) continue;
      const template = runbook.templates[t];
      const texts: RunText[] = [
        { path: ['templates', t, 'text'], text: template.text },
        ...(template.title === undefined ? [] : [{ path: ['templates', t, 'title'], text: template.title }]),
      ];
      for (const { path, text } of texts) {
        for (const name of new Set(placeholdersIn(text))) {
          if (!ENVIRONMENT_FIELD_VARIABLES.has(name)) continue;
          const reason = unsetReason(name, target);
          if (reason === undefined) continue;
          problems.push({
            path,
            placeholder: name,
            message: `\${${name}} may have no value here: promotion "${promotion.id}" sends this template for its target, and ${reason}`,
          });
        }
      }
    }
  });
  return problems;
}

/** Templates a promotion sends: notify steps (phases and rollback) and canary progress notices. */
function templatesSent(promotion: Promotion): Set<string> {
  const steps: Array<Step | RollbackStep> = [
    ...promotion.phases.flatMap((phase) => phase.steps),
    ...promotion.rollback.steps,
  ];
  const ids = new Set<string>();
  for (const step of steps) {
    if (step.kind === 'notify') ids.add(step.template);
    if (step.kind === 'canary' && step.progressTemplate) ids.add(step.progressTemplate);
  }
  return ids;
}
