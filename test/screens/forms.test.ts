import { describe, expect, it } from 'vitest';
import type { ApprovalStep, Step } from '../../src/core/runbook/schema.js';
import { roleTitles } from '../../src/core/session/gates.js';
import { formValues, missingField } from '../../src/screens/form.js';
import {
  abandonForm,
  advanceForm,
  approvalForm,
  decisionForm,
  driftForm,
  evidenceForm,
  holdRollbackForm,
  trafficGuardForm,
} from '../../src/screens/forms.js';
import { created, fold, promotion, runbook, split, T0 } from './fixtures.js';

const steps: Step[] = promotion.phases.flatMap((p) => p.steps);
const definition = (id: string) => {
  const step = steps.find((s) => s.id === id);
  if (!step) throw new Error(`no step ${id}`);
  return step;
};

describe('the session screen’s forms', () => {
  it('asks a reason before advancing, abandoning or after holding, each with its own words', () => {
    for (const [form, type, title] of [
      [advanceForm(), 'advance', 'Advance to the next stage now?'],
      [abandonForm(), 'abandon', 'Abandon this session?'],
      [holdRollbackForm(T0), 'hold-rollback', 'Automatic rollback HELD: why?'],
    ] as const) {
      expect(form.purpose.type).toBe(type);
      expect(form.title).toBe(title);
      expect(form.fields.map((f) => f.id)).toEqual(['reason']);
      expect(missingField(form)).toBe('reason is required.');
      expect(form.lines).toHaveLength(1);
      expect(form.focus).toBe(0);
    }
    expect(holdRollbackForm(T0).purpose).toEqual({ type: 'hold-rollback', deadline: T0 });
    expect(holdRollbackForm(undefined).purpose).toEqual({ type: 'hold-rollback', deadline: undefined });
    expect(advanceForm().lines?.[0]).toContain('Enter to advance, esc to stay.');
    expect(holdRollbackForm(T0).lines?.[0]).toContain('x still rolls back at once');
  });

  it('asks an evidence note, required only when the step says so', () => {
    const required = evidenceForm({ id: 'review', title: 'Code review', evidence: 'required' });
    expect(required.purpose).toEqual({ type: 'evidence', step: 'review' });
    expect(required.title).toBe('Confirm: Code review');
    expect(required.fields[0]).toMatchObject({
      id: 'note',
      required: true,
      hint: 'a link, a ticket or a value (required)',
    });
    const optional = evidenceForm({ id: 'branch', title: 'Branch', evidence: 'optional' });
    expect(optional.fields[0]).toMatchObject({ required: false, hint: 'optional' });
    expect(missingField(optional)).toBeUndefined();
  });

  it('records an approval for the roles still waiting, the ticket as its reference', () => {
    const def = steps.find((s): s is ApprovalStep => s.kind === 'approval');
    if (!def) throw new Error('the runbook has no approval step');
    const state = fold([created({ ticket: 'CHG-77' })]);
    const form = approvalForm(runbook, state, def, T0);
    expect(form.purpose).toEqual({ type: 'approval', step: def.id });
    expect(form.title).toBe(`Record an approval: ${def.title}`);
    const role = form.fields.find((f) => f.id === 'role');
    const titles = roleTitles(runbook);
    expect(role?.options).toEqual(expect.arrayContaining(def.roles.map((r) => titles[r] ?? r)));
    expect(role?.value).toBe(role?.options?.[0]);
    expect(formValues(form)).toMatchObject({ approver: '', comment: '', reference: 'CHG-77' });
    expect(missingField(form)).toBe('approver is required.');
    // The same arguments, the same form.
    expect(approvalForm(runbook, state, def, T0)).toEqual(form);
  });

  it('asks how to answer a drift, adopt first', () => {
    const form = driftForm(['live 10%, journal 5%']);
    expect(form.purpose).toEqual({ type: 'drift' });
    expect(form.fields[0]).toMatchObject({ value: 'adopt', options: ['adopt', 'reapply', 'rollback'] });
    expect(form.lines).toEqual(['live 10%, journal 5%']);
  });

  it('asks the traffic guard’s ticket and override, titled by what moves', () => {
    expect(trafficGuardForm('CHG-1', 'Outside the window.', true).title).toBe('Before traffic moves');
    const form = trafficGuardForm(undefined, 'Outside the window.', false);
    expect(form.title).toBe('Before this step runs');
    expect(formValues(form)).toEqual({ ticket: '', override: '' });
    expect(form.lines).toEqual(['Outside the window.']);
  });

  it('offers the question the engine waits on: the drift first, then the traffic guard', () => {
    const state = fold([created()]);
    expect(decisionForm(state, undefined, undefined, definition)).toBeUndefined();
    const command = steps.find((s) => s.kind === 'command');
    const canary = steps.find((s) => s.kind === 'canary');
    if (!command || !canary) throw new Error('the runbook has no command or canary step');
    const guard = (step?: string) =>
      decisionForm(
        state,
        { kind: 'traffic-guard', step, message: 'Outside the window.' },
        undefined,
        definition,
      );
    expect(guard(command.id)?.title).toBe('Before this step runs');
    expect(guard(canary.id)?.title).toBe('Before traffic moves');
    expect(guard(undefined)?.title).toBe('Before traffic moves');
    expect(guard(command.id)?.fields[0].value).toBe('CHG-1234');
    const drifted = fold([
      created(),
      {
        type: 'drift.detected',
        at: T0 + 1,
        recordedWeight: 5,
        live: split(10, T0 + 1),
        details: ['live 10%'],
      },
    ]);
    expect(
      decisionForm(drifted, { kind: 'traffic-guard', message: 'x' }, undefined, definition)?.purpose,
    ).toEqual({
      type: 'drift',
    });
  });
});
