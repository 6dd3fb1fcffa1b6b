import { safeText } from '../core/text/safe-text.js';

/**
 * Small text forms (approval, evidence note, reasons) as plain data edited by the app's one input
 * hook: typing goes to the focused field, up/down pick an option, tab moves on, enter submits.
 */

export type FormPurpose =
  | { type: 'approval'; step: string }
  | { type: 'evidence'; step: string }
  | { type: 'advance' }
  | { type: 'abandon' }
  /** `deadline`: the countdown the hold stopped, so a newer one is not mistaken for it. */
  | { type: 'hold-rollback'; deadline?: number }
  | { type: 'stage-decision'; halt: boolean; stage: number; decidedAt: number }
  | { type: 'drift' }
  | { type: 'traffic-guard' }
  | { type: 'start' };

export interface FormField {
  id: string;
  label: string;
  value: string;
  /** A choice field: up/down cycle through these; typing is ignored. */
  options?: string[];
  required?: boolean;
  hint?: string;
}

export interface FormModel {
  purpose: FormPurpose;
  title: string;
  /** What the form is about, in sentences shown above the fields. */
  lines?: string[];
  fields: FormField[];
  focus: number;
  /** Why the last submit was refused, in the engine's words. */
  error?: string;
}

export function makeForm(
  purpose: FormPurpose,
  title: string,
  fields: FormField[],
  lines?: string[],
): FormModel {
  return { purpose, title, fields, focus: 0, lines };
}

function updateFocused(form: FormModel, f: (field: FormField) => FormField): FormModel {
  return {
    ...form,
    fields: form.fields.map((field, i) => (i === form.focus ? f(field) : field)),
    error: undefined,
  };
}

/** Typed or pasted text goes into the focused text field: escape sequences and control characters dropped, one line. */
export function typeInto(form: FormModel, text: string): FormModel {
  const clean = safeText(text).replace(/[\t\n]/g, '');
  if (!clean) return form;
  const field = form.fields[form.focus];
  if (!field || field.options) return form;
  return updateFocused(form, (f) => ({ ...f, value: f.value + clean }));
}

export function erase(form: FormModel): FormModel {
  const field = form.fields[form.focus];
  if (!field || field.options) return form;
  return updateFocused(form, (f) => ({ ...f, value: f.value.slice(0, -1) }));
}

export function nextField(form: FormModel, delta = 1): FormModel {
  const count = form.fields.length;
  return { ...form, focus: (form.focus + delta + count) % count };
}

/** up/down: on a choice field pick the previous/next option; on a text field move between fields. */
export function moveInForm(form: FormModel, delta: 1 | -1): FormModel {
  const field = form.fields[form.focus];
  if (field?.options && field.options.length > 0) {
    const index = field.options.indexOf(field.value);
    const next = field.options[(index + delta + field.options.length) % field.options.length];
    return updateFocused(form, (f) => ({ ...f, value: next }));
  }
  return nextField(form, delta);
}

export function formValues(form: FormModel): Record<string, string> {
  return Object.fromEntries(form.fields.map((f) => [f.id, f.value.trim()]));
}

/** The first required field left empty, as a sentence; undefined when the form is complete. */
export function missingField(form: FormModel): string | undefined {
  const empty = form.fields.find((f) => f.required && f.value.trim() === '');
  return empty ? `${empty.label} is required.` : undefined;
}

export function withError(form: FormModel, error: string): FormModel {
  return { ...form, error };
}

/**
 * What the keys can move in a form: up/down cycle the focused field's choices, or else move
 * between the fields; tab moves between the fields. A one-field text form has nothing to move.
 */
export function formKeyFacts(form: FormModel): { items: number; fields: number } {
  const fields = form.fields.length;
  return { items: form.fields[form.focus]?.options?.length ?? fields, fields };
}

/**
 * A chunk of typed input. A fast typist or a paste can deliver "LGTM\r" as one chunk, which Ink
 * does not split into keys: the text before the line break is typed and the break submits.
 */
export function readChunk(input: string): { text: string; submit: boolean } {
  const at = input.search(/[\r\n]/);
  if (at < 0) return { text: input, submit: false };
  return { text: input.slice(0, at), submit: true };
}
