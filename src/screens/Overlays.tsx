import { Box, Text } from 'ink';
import { formatDuration } from '../core/runbook/duration.js';
import type { SessionState } from '../core/session/state.js';
import { useTheme } from '../terminal/theme.js';

function hhmm(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

/** Each rendered message with its channel and whether it was posted; the selected one can be copied. */
export function NotificationsOverlay({
  state,
  selected,
  width,
  height,
  copied,
}: {
  state: SessionState;
  selected: number;
  width: number;
  height: number;
  copied?: string;
}) {
  const theme = useTheme();
  const notes = state.notifications;
  const note = notes[Math.min(selected, notes.length - 1)];
  const listRows = Math.min(notes.length, Math.max(2, Math.floor(height / 3)));
  const start = Math.min(Math.max(0, selected - listRows + 1), Math.max(0, notes.length - listRows));
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text bold wrap="truncate">
        Notifications ({notes.length}) <Text dimColor>j/k select · c copy (OSC 52) · esc close</Text>
      </Text>
      {notes.length === 0 ? <Text dimColor>No message rendered yet.</Text> : null}
      {notes.slice(start, start + listRows).map((n, offset) => {
        const index = start + offset;
        const posted =
          n.posted === true
            ? 'posted'
            : n.posted === false
              ? `NOT posted: ${n.error ?? ''}`
              : 'not posted (no webhook)';
        return (
          <Text key={`${n.at}-${index}`} wrap="truncate" inverse={index === selected}>
            {hhmm(n.at)} #{n.channel} · {n.template} ·{' '}
            <Text color={n.posted === false ? theme.danger : undefined}>{posted}</Text>
          </Text>
        );
      })}
      {note ? (
        <Box flexDirection="column" borderStyle="single" paddingX={1} overflow="hidden">
          <Text bold wrap="truncate">
            to #{note.channel}
          </Text>
          {note.text
            .split('\n')
            .slice(0, Math.max(1, height - listRows - 5))
            .map((line, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: lines of one message are positions
              <Text key={i} wrap="truncate">
                {line || ' '}
              </Text>
            ))}
        </Box>
      ) : null}
      {copied ? (
        <Text color={theme.ok} wrap="truncate">
          ✓ {copied}
        </Text>
      ) : null}
    </Box>
  );
}

export interface JournalLine {
  at: number;
  text: string;
  tone?: 'warn' | 'danger' | 'ok';
}

/** The recent history of the session, told from state: steps, approvals, samples, warnings, errors. */
export function journalLines(state: SessionState): JournalLine[] {
  const lines: JournalLine[] = [];
  for (const s of state.steps) {
    if (s.startedAt !== undefined) lines.push({ at: s.startedAt, text: `started ${s.title}` });
    if (s.endedAt !== undefined && (s.status === 'passed' || s.status === 'failed' || s.status === 'skipped'))
      lines.push({
        at: s.endedAt,
        text: `${s.status} ${s.title}${s.durationMs !== undefined ? ` (${formatDuration(s.durationMs)})` : ''}${s.detail ? `: ${s.detail}` : ''}`,
        tone: s.status === 'failed' ? 'danger' : s.status === 'passed' ? 'ok' : undefined,
      });
  }
  for (const a of state.approvals)
    lines.push({ at: a.at, text: `approval ${a.role} by ${a.approver}: ${a.comment}`, tone: 'ok' });
  for (const r of state.refusals)
    lines.push({ at: r.at, text: `approval refused (${r.role}, ${r.approver}): ${r.reason}`, tone: 'warn' });
  for (const e of state.escalations) lines.push({ at: e.at, text: `escalated: ${e.text}`, tone: 'warn' });
  for (const stage of state.canary?.stages ?? []) {
    lines.push({ at: stage.startedAt, text: `canary stage ${stage.index + 1}: ${stage.weight}%` });
    for (const sample of stage.samples)
      lines.push({
        at: sample.at,
        text: `sample ${sample.verdict}${sample.reasons.length ? `: ${sample.reasons.join('; ')}` : ''}`,
        tone:
          sample.verdict === 'ROLLBACK' || sample.verdict === 'NO-GO'
            ? 'danger'
            : sample.verdict === 'PASS'
              ? undefined
              : 'warn',
      });
    for (const choice of stage.choices)
      lines.push({
        at: choice.at,
        text: `stage ${stage.index + 1}: ${choice.choice} by ${choice.by}${choice.reason ? ` (${choice.reason})` : ''}`,
      });
  }
  for (const hold of state.canary?.holds ?? [])
    lines.push({
      at: hold.at,
      text: `automatic rollback held by ${hold.by}: ${hold.reason ?? 'reason to follow'}`,
      tone: 'warn',
    });
  for (const e of state.awsErrors)
    lines.push({ at: e.at, text: `AWS ${e.operation}: ${e.message}`, tone: 'danger' });
  for (const a of state.attachments)
    lines.push({ at: a.at, text: `${a.kind} pid ${a.pid} on ${a.host}${a.mode ? ` (${a.mode})` : ''}` });
  if (state.rollback) {
    lines.push({
      at: state.rollback.startedAt,
      text: `ROLLBACK started (${state.rollback.trigger}): ${state.rollback.reason}`,
      tone: 'danger',
    });
    for (const step of state.rollback.steps)
      lines.push({ at: step.at, text: `rollback ${step.step} ${step.outcome}: ${step.detail}` });
  }
  lines.sort((a, b) => a.at - b.at);
  // Warnings carry no time in state: they are listed after the timed lines.
  for (const w of state.warnings) lines.push({ at: state.lastEventAt, text: `warning: ${w}`, tone: 'warn' });
  return lines;
}

export function JournalOverlay({
  state,
  scroll,
  width,
  height,
}: {
  state: SessionState;
  /** Lines back from the newest. */
  scroll: number;
  width: number;
  height: number;
}) {
  const theme = useTheme();
  const lines = journalLines(state);
  const rows = Math.max(1, height - 1);
  const end = Math.max(0, lines.length - Math.min(Math.max(0, scroll), Math.max(0, lines.length - rows)));
  const shown = lines.slice(Math.max(0, end - rows), end);
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text bold wrap="truncate">
        Journal tail ({state.eventCount} events) <Text dimColor>j/k scroll · esc close</Text>
      </Text>
      {shown.map((line, i) => (
        <Text
          // biome-ignore lint/suspicious/noArrayIndexKey: rows of a window are positions
          key={i}
          wrap="truncate"
          color={
            line.tone === 'danger'
              ? theme.danger
              : line.tone === 'warn'
                ? theme.warn
                : line.tone === 'ok'
                  ? theme.ok
                  : undefined
          }
        >
          {hhmm(line.at)} {line.text}
        </Text>
      ))}
    </Box>
  );
}
