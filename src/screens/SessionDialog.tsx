import type { ReactNode } from 'react';
import { ConfirmDialog, type ConfirmDialogProps, detachQuestion } from '../components/ConfirmDialog.js';
import type { SessionView } from '../engine/session-view.js';
import { commandFacts, shellLine } from './command-facts.js';
import { FormView } from './FormView.js';
import type { FormModel } from './form.js';
import { canaryPercentOf } from './series.js';
import type { ConfirmPurpose } from './ui-state.js';

/** The rows an open form takes under the screen: its fields, its sentences, its error, its frame. */
export function formRows(form: FormModel): number {
  return form.fields.length + (form.lines?.length ?? 0) * 2 + (form.error ? 2 : 0) + 4;
}

/** The rows a question takes at `width`: each line wrapped, and its frame. */
export function confirmRows(lines: readonly string[], width: number): number {
  return 4 + lines.reduce((n, line) => n + Math.ceil((line.length + 1) / Math.max(10, width - 4)), 0);
}

/** The open form or question, drawn under the screen so the screen stays in view above it. */
export function dialogFor(
  open: { overlay?: string; form?: FormModel; confirm?: ConfirmPurpose },
  conductor: SessionView,
  width: number,
  /** The abort key answers here (traffic shifted, no rollback under way): the dialog may offer it. */
  abortable: boolean,
): { element: ReactNode; rows: number } | undefined {
  if (open.overlay === 'form' && open.form) {
    return {
      element: <FormView form={open.form} width={width} abortKey={abortable} />,
      rows: formRows(open.form),
    };
  }
  if (open.overlay === 'confirm' && open.confirm) {
    const question = confirmQuestion(open.confirm, conductor, abortable);
    return {
      element: <ConfirmDialog {...question} width={width} />,
      rows: confirmRows(question.lines, width),
    };
  }
  return undefined;
}

/** The question on screen: leave while traffic is shifted, stop an orphan, run a dangerous command. */
export function confirmQuestion(
  purpose: ConfirmPurpose,
  conductor: SessionView,
  abortable: boolean,
): Omit<ConfirmDialogProps, 'width'> {
  const state = conductor.state;
  if (purpose.type === 'quit') {
    const percent = state.lastSplit
      ? canaryPercentOf(state.lastSplit, state.rollbackTarget)
      : state.recordedWeight;
    const question = detachQuestion(state.canary?.promoted ? 100 : percent, state.meta.version);
    // A rollback under way has nothing left for x to start: the question does not offer it.
    return abortable ? question : { ...question, choices: question.choices.filter((c) => c.keys !== 'x') };
  }
  const def = conductor.definition(purpose.step);
  if (purpose.type === 'orphan') {
    const orphan = state.steps.find((st) => st.id === purpose.step)?.command?.orphan;
    return {
      title: `Stop the command the previous engine left running in ${def.title}?`,
      lines: [
        orphan?.detail ?? 'The previous engine’s command is still running.',
        'It gets SIGTERM, then SIGKILL after 3 s, and the step runs again. A command that changes infrastructure is safer left to finish.',
      ],
      choices: [
        { keys: 'enter', label: 'stop it', danger: true },
        { keys: 'esc', label: 'keep waiting' },
      ],
    };
  }
  if (def.kind !== 'command') return { title: 'Run this step?', lines: [], choices: [] };
  const facts = commandFacts(conductor.runbook, conductor.promotion, state, def, conductor.now());
  return {
    title: `DANGEROUS: ${def.title} changes ${facts.environment}`,
    lines: [
      `$ ${shellLine(facts.argv)}`,
      `env ${Object.entries(facts.env)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`,
      `AWS account ${facts.account} (${facts.environment})`,
    ],
    choices: [
      { keys: 'enter', label: 'run it', danger: true },
      { keys: 'esc', label: 'not now' },
    ],
  };
}
