import { checkGonogoInputs } from './gonogo-sources.js';
import type { RollbackStep, Runbook, Step } from './schema.js';

/** A problem found on a parsed runbook, at a path of the document. */
export interface PathProblem {
  path: PropertyKey[];
  message: string;
  /** A `${name}` inside the string at `path`: the problem points at it rather than at the string's start. */
  placeholder?: string;
}

// A URL may start with a placeholder (${baseUrl}); an unknown one is reported as an unknown variable.
const URL_START = /^(https?:\/\/|\$\{[A-Za-z])/;

/** Cross-references the schema alone cannot see: ids that must exist, be unique, be ordered. */
export function checkReferences(runbook: Runbook): PathProblem[] {
  const problems: PathProblem[] = [];
  const add = (path: PropertyKey[], message: string) => problems.push({ path, message });
  const roles = new Set(runbook.roles.map((r) => r.id));
  const envs = new Set(runbook.environments.map((e) => e.id));
  const channels = new Set(runbook.channels.map((c) => c.id));
  const templates = new Set(runbook.templates.map((t) => t.id));
  const known = (set: Set<string>, what: string, value: string, path: PropertyKey[]) => {
    if (!set.has(value)) add(path, `unknown ${what} "${value}" (known: ${[...set].join(', ') || 'none'})`);
  };

  const unique = (
    items: Array<{ id: string }>,
    at: PropertyKey[],
    what: string,
    seen = new Set<string>(),
  ) => {
    items.forEach((item, i) => {
      if (seen.has(item.id)) add([...at, i, 'id'], `duplicate ${what} id "${item.id}"`);
      seen.add(item.id);
    });
  };
  unique(runbook.roles, ['roles'], 'role');
  unique(runbook.environments, ['environments'], 'environment');
  unique(runbook.channels, ['channels'], 'channel');
  unique(runbook.templates, ['templates'], 'template');
  unique(runbook.promotions, ['promotions'], 'promotion');

  runbook.environments.forEach((env, e) => {
    env.approvalRoles.forEach((role, r) => {
      known(roles, 'role', role, ['environments', e, 'approvalRoles', r]);
    });
    if (env.changeTicket.pattern !== undefined)
      checkRegex(env.changeTicket.pattern, ['environments', e, 'changeTicket', 'pattern'], add);
    const { pattern, ticketExample } = env.changeTicket;
    if (ticketExample !== undefined) {
      const matches = ticketMatches(pattern, ticketExample);
      if (ticketExample.trim() === '')
        add(['environments', e, 'changeTicket', 'ticketExample'], 'must not be empty');
      else if (matches === false)
        add(
          ['environments', e, 'changeTicket', 'ticketExample'],
          `"${ticketExample}" does not match the ticket pattern ${pattern}`,
        );
    }
    if (env.changeTicket.policy !== 'none' && env.changeTicket.pattern === undefined && env.production)
      add(
        ['environments', e, 'changeTicket'],
        'a production environment that asks for a change ticket needs a pattern',
      );
    if (env.baseUrl !== undefined && !/^https?:\/\//.test(env.baseUrl))
      add(['environments', e, 'baseUrl'], `must be an http:// or https:// URL, got "${env.baseUrl}"`);
  });
  runbook.templates.forEach((t, i) => {
    known(channels, 'channel', t.channel, ['templates', i, 'channel']);
  });

  runbook.promotions.forEach((promotion, p) => {
    const at: PropertyKey[] = ['promotions', p];
    for (const end of ['from', 'to'] as const) known(envs, 'environment', promotion[end], [...at, end]);
    if (promotion.from === promotion.to)
      add([...at, 'to'], `a promotion must go to another environment than "${promotion.from}"`);
    unique(promotion.phases, [...at, 'phases'], 'phase');
    const stepIds = new Set<string>();
    const approvedRoles = new Set<string>();
    promotion.phases.forEach((phase, ph) => {
      if (phase.environment)
        known(envs, 'environment', phase.environment, [...at, 'phases', ph, 'environment']);
      unique(phase.steps, [...at, 'phases', ph, 'steps'], 'step', stepIds);
      phase.steps.forEach((step, s) => {
        const sp: PropertyKey[] = [...at, 'phases', ph, 'steps', s];
        checkStep(step, sp, { roles, channels, templates }, add);
        if (step.kind === 'approval') {
          for (const role of step.roles) approvedRoles.add(role);
        }
        if (step.kind === 'gonogo') problems.push(...checkGonogoInputs(promotion, step, sp));
      });
    });
    unique(promotion.rollback.steps, [...at, 'rollback', 'steps'], 'step', stepIds);
    promotion.rollback.steps.forEach((step, s) => {
      checkStep(step, [...at, 'rollback', 'steps', s], { roles, channels, templates }, add);
    });
    // The target environment's approval roles are the floor: a promotion cannot forget one.
    const target = runbook.environments.find((e) => e.id === promotion.to);
    const missing = target?.approvalRoles.filter((role) => !approvedRoles.has(role)) ?? [];
    if (missing.length > 0)
      add(
        [...at, 'phases'],
        `environment "${target?.id}" requires approval by ${missing.join(', ')}, but no approval step of this promotion asks for it`,
      );
  });
  return problems;
}

interface Known {
  roles: Set<string>;
  channels: Set<string>;
  templates: Set<string>;
}

function checkStep(
  step: Step | RollbackStep,
  sp: PropertyKey[],
  known: Known,
  add: (path: PropertyKey[], message: string) => void,
): void {
  const ref = (set: Set<string>, what: string, value: string, path: PropertyKey[]) => {
    if (!set.has(value)) add(path, `unknown ${what} "${value}" (known: ${[...set].join(', ') || 'none'})`);
  };
  switch (step.kind) {
    case 'approval': {
      const seen = new Set<string>();
      step.roles.forEach((role, r) => {
        ref(known.roles, 'role', role, [...sp, 'roles', r]);
        if (seen.has(role)) add([...sp, 'roles', r], `role "${role}" is listed twice`);
        seen.add(role);
      });
      step.conditionalRoles.forEach((c, r) => {
        ref(known.roles, 'role', c.role, [...sp, 'conditionalRoles', r, 'role']);
        if (seen.has(c.role))
          add([...sp, 'conditionalRoles', r, 'role'], `role "${c.role}" is already required unconditionally`);
      });
      if (step.escalateAfter !== undefined && step.escalateAfter > step.expiry)
        add([...sp, 'escalateAfter'], 'escalation must come before the approvals expire');
      break;
    }
    case 'notify':
      ref(known.templates, 'template', step.template, [...sp, 'template']);
      if (step.channel) ref(known.channels, 'channel', step.channel, [...sp, 'channel']);
      break;
    case 'command':
      if (step.shell && step.run.length !== 1)
        add([...sp, 'run'], 'with shell: true, run must be one command line (a list of one string)');
      step.evidence.forEach((rule, r) => {
        const rp = [...sp, 'evidence', r];
        if ((rule.from === 'json' || rule.from === 'cobertura') && !rule.path)
          add(rp, `evidence from ${rule.from} needs a path to the file`);
        if (rule.from === 'json' && !rule.pointer)
          add(rp, 'evidence from json needs a pointer, e.g. total.lines.pct');
        if (rule.from === 'regex') {
          if (!rule.pattern) add(rp, 'evidence from regex needs a pattern with one capture group');
          else checkRegex(rule.pattern, [...rp, 'pattern'], add, true);
        }
        if (rule.min !== undefined && rule.max !== undefined && rule.min > rule.max)
          add([...rp, 'min'], `min ${rule.min} is above max ${rule.max}`);
      });
      break;
    case 'http':
      if (!URL_START.test(step.url))
        add([...sp, 'url'], `must be an http(s) URL or start with \${baseUrl}, got "${step.url}"`);
      break;
    case 'load':
      if (!URL_START.test(step.url))
        add([...sp, 'url'], `must be an http(s) URL or start with \${baseUrl}, got "${step.url}"`);
      if (step.requests === undefined && step.duration === undefined)
        add(sp, 'a load step needs requests or duration (how much load to send)');
      break;
    case 'canary': {
      if (!step.targets.apiGateway && step.targets.lambdas.length === 0)
        add([...sp, 'targets'], 'a canary needs an apiGateway target or at least one Lambda alias');
      step.stages.forEach((stage, i) => {
        if (i > 0 && stage.weight <= step.stages[i - 1].weight)
          add(
            [...sp, 'stages', i, 'weight'],
            `stage weights must increase (${step.stages[i - 1].weight} then ${stage.weight})`,
          );
      });
      const last = step.stages.at(-1);
      if (last && last.weight !== 100)
        add(
          [...sp, 'stages', step.stages.length - 1, 'weight'],
          `the last stage must send 100% of traffic, not ${last.weight}%`,
        );
      const { pass, nogo, rollback } = step.bands;
      if (!(pass.errorRatePct <= nogo.errorRatePct && nogo.errorRatePct <= rollback.errorRatePct))
        add(
          [...sp, 'bands'],
          `bands out of order: error rate limits must be pass <= nogo <= rollback (got ${pass.errorRatePct}, ${nogo.errorRatePct}, ${rollback.errorRatePct})`,
        );
      if (
        !(
          pass.p95OverBaselinePct <= nogo.p95OverBaselinePct &&
          nogo.p95OverBaselinePct <= rollback.p95OverBaselinePct
        )
      )
        add(
          [...sp, 'bands'],
          `bands out of order: p95 limits must be pass <= nogo <= rollback (got ${pass.p95OverBaselinePct}, ${nogo.p95OverBaselinePct}, ${rollback.p95OverBaselinePct})`,
        );
      if (step.progressTemplate)
        ref(known.templates, 'template', step.progressTemplate, [...sp, 'progressTemplate']);
      if (step.progressEvery !== undefined && !step.progressTemplate)
        add(
          [...sp, 'progressEvery'],
          'progressEvery needs a progressTemplate: the message to post at that interval',
        );
      if (step.progressEvery !== undefined && step.progressEvery <= 0)
        add([...sp, 'progressEvery'], 'progressEvery must be longer than 0s, e.g. 15m');
      break;
    }
    case 'monitor': {
      const ids = new Set<string>();
      step.extraMetrics.forEach((metric, m) => {
        if (ids.has(metric.id)) add([...sp, 'extraMetrics', m, 'id'], `duplicate metric id "${metric.id}"`);
        ids.add(metric.id);
        if (
          metric.max !== undefined &&
          metric.rollbackAbove !== undefined &&
          metric.rollbackAbove < metric.max
        )
          add(
            [...sp, 'extraMetrics', m, 'rollbackAbove'],
            `rollbackAbove (${metric.rollbackAbove}) must not be below max (${metric.max})`,
          );
      });
      break;
    }
    default:
      break;
  }
}

/** Whether a ticket matches a pattern the way the ticket gate reads it; undefined when there is nothing to judge. */
function ticketMatches(pattern: string | undefined, ticket: string): boolean | undefined {
  if (pattern === undefined) return undefined;
  try {
    return new RegExp(`^(?:${pattern})$`).test(ticket.trim());
  } catch {
    return undefined;
  }
}

function checkRegex(
  pattern: string,
  path: PropertyKey[],
  add: (path: PropertyKey[], message: string) => void,
  needsGroup = false,
): void {
  try {
    const re = new RegExp(pattern);
    if (needsGroup && new RegExp(`${re.source}|`).exec('')?.length === 1)
      add(path, 'the pattern needs one capture group ( ... ) around the number');
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^Invalid regular expression: /, '') : '';
    add(path, `is not a valid regular expression${reason ? ` (${reason})` : ''}`);
  }
}
