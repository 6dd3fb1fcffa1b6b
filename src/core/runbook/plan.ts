import { formatDuration } from './duration.js';
import { interpolate, type Variables } from './interpolate.js';
import type { Runbook, Step } from './schema.js';
import { environmentVariables, phaseEnvironment, promotionVariables } from './variables.js';

export function summarize(runbook: Runbook): string {
  const steps = runbook.promotions.reduce(
    (n, p) => n + p.phases.reduce((m, ph) => m + ph.steps.length, 0) + p.rollback.steps.length,
    0,
  );
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `valid: ${runbook.runbook.title}: ${plural(runbook.environments.length, 'environment')}, ${plural(
    runbook.promotions.length,
    'promotion',
  )}, ${plural(steps, 'step')}`;
}

function stepDetail(step: Step): string {
  switch (step.kind) {
    case 'command':
      return `${step.dangerous ? '[dangerous] ' : ''}${step.run.join(' ')}`;
    case 'http':
      return `${step.method} ${step.url} -> ${step.expectStatus}`;
    case 'load':
      return `${step.concurrency} concurrent on ${step.url}`;
    case 'approval':
      return `${step.roles.join(' + ')}${step.conditionalRoles.map((c) => ` (+ ${c.role} when ${c.whenRisk.join('/')})`).join('')}, expires ${formatDuration(step.expiry)}`;
    case 'canary': {
      const { rollback } = step.bands;
      return `${step.stages.map((s) => `${s.weight}% ${formatDuration(s.hold)}`).join(' -> ')}; rollback when error rate > ${rollback.errorRatePct}% or p95 > baseline + ${rollback.p95OverBaselinePct}% for ${step.sustained} samples`;
    }
    case 'monitor':
      return [
        formatDuration(step.duration),
        ...step.extraMetrics.map(
          (m) =>
            `${m.title} <= ${m.max ?? '-'}${m.unit ? ` ${m.unit}` : ''}${m.rollbackAbove !== undefined ? `, rollback above ${m.rollbackAbove}` : ''}`,
        ),
      ].join('; ');
    case 'notify':
      return `template ${step.template}`;
    case 'gonogo':
      return (
        [
          step.coverage && `coverage >= ${step.coverage.min}%`,
          step.performance &&
            `p95 <= baseline + ${step.performance.maxP95IncreasePct}%, errors <= ${step.performance.maxErrorRatePct}%`,
          step.tests && `at most ${step.tests.maxFailed} failed test(s)`,
        ]
          .filter(Boolean)
          .join(', ') || 'approvals and risk only'
      );
    case 'manual':
      return '';
  }
}

/**
 * A readable plan of every promotion: what the conductor will walk through. Values the runbook
 * knows (environment, promotion) are filled in; session values stay visible as `${name}`.
 */
export function describePlan(runbook: Runbook): string {
  const lines: string[] = [];
  for (const promotion of runbook.promotions) {
    lines.push('', `${promotion.title} (${promotion.id}: ${promotion.from} -> ${promotion.to})`);
    const known = (phase: { environment?: string }): Variables => {
      const env = phaseEnvironment(runbook, promotion, phase);
      return { ...promotionVariables(runbook, promotion), ...(env ? environmentVariables(env) : {}) };
    };
    promotion.phases.forEach((phase, i) => {
      const vars = known(phase);
      lines.push(`  ${i + 1}. ${phase.title} [${vars.env}]`);
      for (const step of phase.steps) {
        const detail = stepDetail(step);
        lines.push(interpolate(`     - [${step.kind}] ${step.title}${detail ? `: ${detail}` : ''}`, vars));
      }
    });
    const rollbackVars = known({});
    lines.push(
      `  rollback: ${promotion.rollback.steps.map((s) => interpolate(s.title, rollbackVars)).join(' -> ')}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
