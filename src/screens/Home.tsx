import { Box, Text } from 'ink';
import { useEffect, useRef, useState } from 'react';
import { formatAge } from '../components/format.js';
import { KeyBar } from '../components/KeyBar.js';
import { type Cell, Table } from '../components/Table.js';
import { WINDOW_HINT } from '../core/gates/window.js';
import type { NextEdge } from '../core/runbook/next-edge.js';
import type { Risk } from '../core/runbook/schema.js';
import { type BindingId, handlersOnly, type KeyContext, keyBarItems, matchKey } from '../keys.js';
import { useTheme } from '../terminal/theme.js';
import { useKeypress } from '../terminal/use-keypress.js';
import { FormView } from './FormView.js';
import {
  erase,
  type FormModel,
  formKeyFacts,
  formValues,
  makeForm,
  missingField,
  moveInForm,
  nextField,
  readChunk,
  typeInto,
  withError,
} from './form.js';

/** One resumable session, as the session index lists it. */
export interface HomeSession {
  id: string;
  title: string;
  status: string;
  currentStep: string;
  updatedAt: number;
  rehearsal: boolean;
  /** What the session promoted, for the next edge's offer (the session index has them). */
  runbookFile?: string;
  promotionId?: string;
  version?: string;
}

export interface StartRequest {
  runbookFile: string;
  /** The promotion (edge) id, e.g. sit-to-prod. */
  edge: string;
  version: string;
  ticket: string;
  risk: Risk;
  /** As typed, e.g. "22:00-02:00" (today, UTC; see WINDOW_HINT); the caller reads it. Empty for none. */
  window: string;
}

export interface HomeProps {
  sessions: readonly HomeSession[];
  /** Clock time, for the sessions' age. */
  now: number;
  onResume: (id: string) => void;
  /** Returns why the promotion cannot start (one sentence), or undefined when it started. */
  onStart: (request: StartRequest) => string | undefined;
  onQuit: () => void;
  /** The promotions the runbook offers, e.g. ['dev-to-sit', 'sit-to-prod']. */
  edges: readonly string[];
  /** The edge that follows each promotion (core/runbook/next-edge.ts): offered for a promoted session. */
  nextEdges?: Readonly<Record<string, NextEdge>>;
  defaults?: Partial<StartRequest>;
  rehearsal?: { scenario: string; speed: number };
  width: number;
  height: number;
  /** Told the key context of each frame, the one its key bar is drawn from (tests read it). */
  onKeyContext?: (ctx: KeyContext) => void;
}

const RISKS: Risk[] = ['low', 'medium', 'high', 'critical'];

/** The keys that answer inside the start form; anything else is typed into it. */
type HomeFormKey = Extract<BindingId, 'interrupt' | 'back' | 'next-field' | 'up' | 'down' | 'confirm'>;

function startForm(edges: readonly string[], defaults: Partial<StartRequest> = {}): FormModel {
  return makeForm({ type: 'start' }, 'Start a promotion', [
    {
      id: 'runbookFile',
      label: 'runbook file',
      // The command passes the runbook it loaded (--runbook or the packaged one); a screen assumes no team's file.
      value: defaults.runbookFile ?? '',
      required: true,
    },
    {
      id: 'edge',
      label: 'edge',
      value: defaults.edge ?? edges.at(-1) ?? '',
      options: [...edges],
    },
    { id: 'version', label: 'version', value: defaults.version ?? '', required: true, hint: 'e.g. v1.4.2' },
    {
      id: 'ticket',
      label: 'change ticket',
      value: defaults.ticket ?? '',
      hint: 'e.g. CHG-1234 (required for PROD)',
    },
    { id: 'risk', label: 'risk', value: defaults.risk ?? 'low', options: RISKS },
    { id: 'window', label: 'maintenance window', value: defaults.window ?? '', hint: WINDOW_HINT },
  ]);
}

/** The selected session's version, promoted along its edge, offered the next one of this runbook. */
function offerFor(
  session: HomeSession | undefined,
  edges: readonly string[],
  nextEdges: HomeProps['nextEdges'],
): (NextEdge & { version: string; runbookFile?: string }) | undefined {
  if (session?.status !== 'promoted' || !session.promotionId || !session.version) return undefined;
  const next = nextEdges?.[session.promotionId];
  if (!next || !edges.includes(next.edge)) return undefined;
  return { ...next, version: session.version, runbookFile: session.runbookFile };
}

const statusCell = (status: string): Cell =>
  status === 'promoted'
    ? { text: status, tone: 'ok' }
    : status === 'rolled-back' || status === 'halted'
      ? { text: status, tone: 'danger' }
      : status === 'active'
        ? { text: status, bold: true }
        : status;

/** Before any session: resume one (newest first) or start a promotion. */
export function Home(props: HomeProps) {
  const { sessions, now, edges, width, height, rehearsal } = props;
  const theme = useTheme();
  const [selected, setSelectedState] = useState(0);
  // Keys that arrive in one chunk (`j` then enter) are handled before the next render: the
  // selection they act on is kept here, not read from the render that received the chunk.
  const selectedRef = useRef(0);
  const setSelected = (next: (s: number) => number) => {
    selectedRef.current = next(selectedRef.current);
    setSelectedState(selectedRef.current);
  };
  const [form, setFormState] = useState<FormModel | undefined>();
  const formRef = useRef(form);
  const setForm = (next: FormModel | undefined) => {
    formRef.current = next;
    setFormState(next);
  };
  const sorted = [...sessions].sort((a, b) => b.updatedAt - a.updatedAt);
  const offerAt = (index: number) => offerFor(sorted[index], edges, props.nextEdges);
  const contextFor = (open: FormModel | undefined): KeyContext => {
    const offer = offerAt(selectedRef.current);
    return {
      screen: 'home',
      overlay: open ? 'form' : undefined,
      trafficShifted: false,
      running: false,
      ...(open ? formKeyFacts(open) : { items: sorted.length }),
      ...(offer ? { nextEdge: `${offer.version} ${offer.label}` } : {}),
    };
  };
  const offer = offerAt(selected);
  const ctx = contextFor(form);
  useEffect(() => {
    props.onKeyContext?.(ctx);
  });

  const submit = (form: FormModel) => {
    const v = formValues(form);
    const error = props.onStart({
      runbookFile: v.runbookFile,
      edge: v.edge,
      version: v.version,
      ticket: v.ticket,
      risk: v.risk as Risk,
      window: v.window,
    });
    setForm(error ? withError(form, error) : undefined);
  };

  const submitTyped = (typed: FormModel) => {
    const missing = missingField(typed);
    if (missing) return setForm(withError(typed, missing));
    return submit(typed);
  };

  /** Inside the start form: these keys act, anything else is typed. */
  const formKeys: Record<HomeFormKey, (form: FormModel) => void> = {
    interrupt: () => props.onQuit(),
    back: () => setForm(undefined),
    'next-field': (open) => setForm(nextField(open)),
    up: (open) => setForm(moveInForm(open, -1)),
    down: (open) => setForm(moveInForm(open, 1)),
    confirm: submitTyped,
  };
  const isFormKey = (id: BindingId): id is HomeFormKey => id in formKeys;

  const none = () => undefined;
  /** Every binding of the key table, as the home screen answers it (most never answer here). */
  const handlers = handlersOnly<() => void>(
    {
      up: () => setSelected((s) => Math.max(0, s - 1)),
      down: () => setSelected((s) => Math.min(Math.max(0, sorted.length - 1), s + 1)),
      confirm: () => {
        const chosen = sorted[selectedRef.current];
        if (chosen) props.onResume(chosen.id);
      },
      start: () => setForm(startForm(edges, props.defaults)),
      'next-edge': () => {
        // The start form, filled in for the same version on the next edge: the ticket, risk and
        // window of the next environment are still the conductor's to check before enter.
        const next = offerAt(selectedRef.current);
        if (!next) return;
        setForm(
          startForm(edges, {
            ...props.defaults,
            ...(next.runbookFile ? { runbookFile: next.runbookFile } : {}),
            edge: next.edge,
            version: next.version,
          }),
        );
      },
      detach: () => props.onQuit(),
      interrupt: () => props.onQuit(),
    },
    // Any other binding (the session screen's) does nothing here.
    none,
  );

  useKeypress((input, key, paste) => {
    const current = formRef.current;
    if (paste !== undefined) {
      if (current) setForm(typeInto(current, paste.replace(/[\r\n]+/g, ' ').trim()));
      return;
    }
    const binding = matchKey(input, key, contextFor(current));
    if (current) {
      if (binding && isFormKey(binding.id)) return formKeys[binding.id](current);
      if (key.backspace || key.delete) return setForm(erase(current));
      if (input && !key.ctrl && !key.meta) {
        const chunk = readChunk(input);
        const typed = typeInto(current, chunk.text);
        if (!chunk.submit) return setForm(typed);
        return submitTyped(typed);
      }
      return;
    }
    if (binding) handlers[binding.id]();
  });

  return (
    <Box flexDirection="column" width={width} height={height - 1} overflow="hidden">
      <Text bold wrap="truncate">
        conductor
        {rehearsal ? (
          <Text color={theme.warn} inverse={!theme.colors}>
            {'  '}REHEARSAL scenario {rehearsal.scenario} · clock ×{rehearsal.speed}
          </Text>
        ) : null}
      </Text>
      <Text wrap="truncate" dimColor>
        Sessions to resume, newest first
      </Text>
      {sorted.length === 0 ? (
        <Text dimColor>No session yet. Press s to start a promotion.</Text>
      ) : (
        <Table
          columns={[
            { key: 'title', title: 'session' },
            { key: 'status', title: 'state', width: 12 },
            { key: 'step', title: 'at step', width: Math.floor(width / 4) },
            { key: 'age', title: 'updated', width: 10 },
          ]}
          rows={sorted.map((s) => ({
            title: `${s.rehearsal ? '[rehearsal] ' : ''}${s.title}`,
            status: statusCell(s.status),
            step: s.currentStep,
            age: formatAge(Math.max(0, now - s.updatedAt)),
          }))}
          width={width}
          maxRows={Math.max(2, height - 6 - (form ? form.fields.length + 5 : offer ? 1 : 0))}
          selected={selected}
        />
      )}
      {offer && !form ? (
        <Text wrap="truncate" color={theme.ok}>
          {offer.version} is promoted: n starts {offer.label} for it.
        </Text>
      ) : null}
      {form ? <FormView form={form} width={width} /> : null}
      <Box flexGrow={1} />
      <KeyBar items={keyBarItems(ctx)} width={width} />
    </Box>
  );
}
