import { isMap, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import type { z } from 'zod';
import { type Runbook, runbookSchema } from './schema.js';

export interface RunbookProblem {
  file: string;
  line: number;
  col: number;
  /** Where in the document, e.g. promotions[1].phases[0].steps[2].kind */
  path: string;
  message: string;
}

export type ParseResult = { ok: true; runbook: Runbook } | { ok: false; problems: RunbookProblem[] };

export function formatProblem(p: RunbookProblem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.path || '(document)'}: ${p.message}`;
}

function pathText(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

/** The deepest YAML node that exists along a path, and whether we reached the key itself. */
function nodeAt(
  root: YamlNode | null,
  path: ReadonlyArray<PropertyKey>,
): { node: YamlNode | null; keyNode?: YamlNode } {
  let node: YamlNode | null = root;
  let keyNode: YamlNode | undefined;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => (item.key as { value?: unknown } | null)?.value === key);
      if (!pair) return { node };
      keyNode = pair.key as YamlNode;
      node = (pair.value as YamlNode | null) ?? keyNode;
    } else if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key] as YamlNode | undefined;
      if (!item) return { node };
      node = item;
      keyNode = undefined;
    } else {
      return { node };
    }
  }
  return { node, keyNode };
}

export function positionOf(
  root: YamlNode | null,
  lineCounter: LineCounter,
  path: ReadonlyArray<PropertyKey>,
  preferKey = false,
): { line: number; col: number } {
  const { node, keyNode } = nodeAt(root, path);
  const target = preferKey && keyNode ? keyNode : node;
  const offset = target?.range?.[0] ?? 0;
  return lineCounter.linePos(offset);
}

/** Parse and validate runbook YAML text. Pure: the caller reads the file. */
export function parseRunbook(text: string, file: string): ParseResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((error) => {
        const pos = lineCounter.linePos(error.pos[0]);
        return {
          file,
          line: pos.line,
          col: pos.col,
          path: '',
          message: `YAML: ${error.message.split('\n')[0]}`,
        };
      }),
    };
  }
  const data = doc.toJS();
  const result = runbookSchema.safeParse(data);
  if (!result.success) {
    return {
      ok: false,
      problems: zodProblems(result.error, doc.contents as YamlNode | null, lineCounter, file),
    };
  }
  const refProblems = checkReferences(result.data).map(({ path, message }) => ({
    file,
    ...positionOf(doc.contents as YamlNode | null, lineCounter, path),
    path: pathText(path),
    message,
  }));
  if (refProblems.length > 0) return { ok: false, problems: refProblems };
  return { ok: true, runbook: result.data };
}

function zodProblems(
  error: z.ZodError,
  root: YamlNode | null,
  lineCounter: LineCounter,
  file: string,
): RunbookProblem[] {
  return error.issues.map((issue) => {
    const unknownKey = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
    const path = unknownKey ? [...issue.path, unknownKey] : issue.path;
    const pos = positionOf(root, lineCounter, path, Boolean(unknownKey));
    return { file, ...pos, path: pathText(path), message: issue.message };
  });
}

/** Cross-references the schema alone cannot see: ids that must exist, be unique, be ordered. */
export function checkReferences(runbook: Runbook): Array<{ path: PropertyKey[]; message: string }> {
  const problems: Array<{ path: PropertyKey[]; message: string }> = [];
  const roles = new Set(runbook.roles.map((r) => r.id));
  const envs = new Set(runbook.environments.map((e) => e.id));
  const channels = new Set(runbook.channels.map((c) => c.id));
  const templates = new Set(runbook.templates.map((t) => t.id));

  const unique = (items: Array<{ id: string }>, at: PropertyKey[], what: string) => {
    const seen = new Set<string>();
    items.forEach((item, i) => {
      if (seen.has(item.id))
        problems.push({ path: [...at, i, 'id'], message: `duplicate ${what} id "${item.id}"` });
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
      if (!roles.has(role))
        problems.push({ path: ['environments', e, 'approvalRoles', r], message: `unknown role "${role}"` });
    });
    if (env.changeTicket.pattern !== undefined) {
      try {
        new RegExp(env.changeTicket.pattern);
      } catch {
        problems.push({
          path: ['environments', e, 'changeTicket', 'pattern'],
          message: 'is not a valid regular expression',
        });
      }
    }
  });
  runbook.templates.forEach((t, i) => {
    if (!channels.has(t.channel))
      problems.push({ path: ['templates', i, 'channel'], message: `unknown channel "${t.channel}"` });
  });

  runbook.promotions.forEach((promotion, p) => {
    const at: PropertyKey[] = ['promotions', p];
    for (const end of ['from', 'to'] as const) {
      if (!envs.has(promotion[end]))
        problems.push({ path: [...at, end], message: `unknown environment "${promotion[end]}"` });
    }
    unique(promotion.phases, [...at, 'phases'], 'phase');
    const stepIds = new Set<string>();
    promotion.phases.forEach((phase, ph) => {
      if (phase.environment && !envs.has(phase.environment))
        problems.push({
          path: [...at, 'phases', ph, 'environment'],
          message: `unknown environment "${phase.environment}"`,
        });
      phase.steps.forEach((step, s) => {
        const sp: PropertyKey[] = [...at, 'phases', ph, 'steps', s];
        if (stepIds.has(step.id))
          problems.push({ path: [...sp, 'id'], message: `duplicate step id "${step.id}"` });
        stepIds.add(step.id);
        if (step.kind === 'approval') {
          step.roles.forEach((role, r) => {
            if (!roles.has(role))
              problems.push({ path: [...sp, 'roles', r], message: `unknown role "${role}"` });
          });
          step.conditionalRoles.forEach((c, r) => {
            if (!roles.has(c.role))
              problems.push({
                path: [...sp, 'conditionalRoles', r, 'role'],
                message: `unknown role "${c.role}"`,
              });
          });
        }
        if (step.kind === 'notify') {
          if (!templates.has(step.template))
            problems.push({ path: [...sp, 'template'], message: `unknown template "${step.template}"` });
          if (step.channel && !channels.has(step.channel))
            problems.push({ path: [...sp, 'channel'], message: `unknown channel "${step.channel}"` });
        }
        if (step.kind === 'canary') {
          step.stages.forEach((stage, i) => {
            if (i > 0 && stage.weight <= step.stages[i - 1].weight)
              problems.push({
                path: [...sp, 'stages', i, 'weight'],
                message: `stage weights must increase (${step.stages[i - 1].weight} then ${stage.weight})`,
              });
          });
          const { pass, nogo, rollback } = step.bands;
          if (!(pass.errorRatePct <= nogo.errorRatePct && nogo.errorRatePct <= rollback.errorRatePct))
            problems.push({
              path: [...sp, 'bands'],
              message: 'bands out of order: error rate limits must be pass <= nogo <= rollback',
            });
          if (
            !(
              pass.p95OverBaselinePct <= nogo.p95OverBaselinePct &&
              nogo.p95OverBaselinePct <= rollback.p95OverBaselinePct
            )
          )
            problems.push({
              path: [...sp, 'bands'],
              message: 'bands out of order: p95 limits must be pass <= nogo <= rollback',
            });
        }
      });
    });
    promotion.rollback.steps.forEach((step, s) => {
      if (step.kind === 'notify' && !templates.has(step.template))
        problems.push({
          path: [...at, 'rollback', 'steps', s, 'template'],
          message: `unknown template "${step.template}"`,
        });
    });
  });
  return problems;
}
