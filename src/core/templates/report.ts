import type { Runbook } from '../runbook/schema.js';
import type { TrafficSnapshot } from '../session/events.js';
import type { SessionState } from '../session/state.js';
import { reportChart } from './report-chart.js';
import {
  durationText,
  formatClock,
  formatZonedTime,
  msText,
  percentText,
  table,
  zoneName,
} from './report-format.js';
import {
  type ReleaseReportData,
  type ReleaseReportOptions,
  type ReportComparison,
  type ReportSampleSummary,
  releaseReportData,
} from './report-model.js';

export type { ReleaseReportData, ReleaseReportOptions, ReportChain } from './report-model.js';

/**
 * The release report of a session: what was promoted, by whom, on what evidence, how the canary
 * fared stage by stage, any rollback, and whether the journal it was read from is intact.
 */
export function releaseReport(
  runbook: Runbook,
  state: SessionState,
  options: ReleaseReportOptions,
): { markdown: string; json: ReleaseReportData } {
  const data = releaseReportData(runbook, state, options);
  return { markdown: renderMarkdown(data, options.utcOffsetMinutes ?? 0), json: data };
}

const yesNo = (value: boolean | null) => (value === null ? 'unknown' : value ? 'yes' : 'no');

function chainBanner(data: ReleaseReportData): string[] {
  if (data.chain.ok) return [];
  return [
    '> **WARNING: THE JOURNAL DOES NOT VERIFY. Its hash chain is broken, so it was edited or damaged after it',
    `> was written. This report shows only what comes before the break and cannot be trusted as a record.** ${data.chain.message}`,
    '',
  ];
}

function comparison(c: ReportComparison, text: (v: number | null) => string): string {
  if (c.canary === null) return 'n/a';
  return `${text(c.canary)} vs ${text(c.baseline)}`;
}

function verdictCounts(summary: ReportSampleSummary): string {
  const parts = Object.entries(summary.verdicts).map(([verdict, n]) => `${n} ${verdict}`);
  return parts.length ? parts.join(', ') : 'none';
}

function splitText(split: TrafficSnapshot | null): string {
  if (!split) return 'not read';
  const parts: string[] = [];
  if (split.apiGateway)
    parts.push(
      `API ${split.apiGateway.restApiId}/${split.apiGateway.stage}: canary ${split.apiGateway.canaryPercent}%`,
    );
  for (const l of split.lambdas) {
    parts.push(
      `${l.functionName}:${l.alias} -> v${l.primaryVersion}${
        l.additionalVersion ? ` + v${l.additionalVersion} at ${Math.round(l.additionalWeight * 100)}%` : ''
      }`,
    );
  }
  return parts.join('; ');
}

function header(data: ReleaseReportData, tz: number): string[] {
  const h = data.header;
  const t = (ms: number) => formatZonedTime(ms, tz);
  const env = h.environment;
  const runbookChange =
    h.runbook.changedSinceStart === null
      ? ''
      : h.runbook.changedSinceStart
        ? ' (**the file has changed since the session started**)'
        : ' (unchanged since the session started)';
  const outcome = h.outcome
    ? `${h.outcome.toUpperCase()}`
    : h.status === 'halted'
      ? 'HALTED'
      : h.status === 'active'
        ? 'IN PROGRESS'
        : 'COMPLETED';
  const lines = [
    `# Release report: ${h.version} ${h.edge.from.toUpperCase()} -> ${h.edge.to.toUpperCase()}`,
    '',
    ...chainBanner(data),
  ];
  if (h.rehearsal)
    lines.push(
      `> REHEARSAL on the built-in sandbox (scenario ${h.rehearsal.scenario}, clock ${h.rehearsal.speed}x): no real AWS account was touched.`,
      '',
    );
  lines.push(
    `**Outcome: ${outcome}**${h.summary ? ` - ${h.summary}` : ''}`,
    '',
    ...table(
      ['Field', 'Value'],
      [
        ['Runbook', `${h.runbook.title} (id ${h.runbook.id}, version ${h.runbook.version})`],
        ['Runbook file', `${h.runbook.file}, sha256 ${h.runbook.hash.slice(0, 12)}${runbookChange}`],
        ['Version', `${h.version}${h.previousVersion ? ` (previous ${h.previousVersion})` : ''}`],
        ['Edge', `${h.edge.promotionId}: ${h.edge.title}`],
        [
          'Environment',
          `${env.title}${env.production ? ' (production)' : ''}, account ${env.accountId ?? '?'}, region ${env.region ?? '?'}${
            env.profile ? `, profile ${env.profile}` : ''
          }`,
        ],
        [
          'Identity',
          env.verifiedIdentity
            ? `${env.verifiedIdentity.arn} (verified ${t(env.verifiedIdentity.at)})`
            : 'not verified in this session',
        ],
        ['Session', h.sessionId],
        ['Conductor', h.conductor],
        ['Change ticket', h.ticket ?? 'none'],
        ['Risk', `${h.risk}${h.mitigation ? ` (mitigation: ${h.mitigation})` : ''}`],
        [
          'Window',
          h.window
            ? `${t(h.window.start)} to ${t(h.window.end)}${
                h.windowOverride ? ` (overridden by ${h.windowOverride.by}: ${h.windowOverride.reason})` : ''
              }`
            : 'none declared',
        ],
        [
          'Rehearsal',
          h.rehearsal ? `scenario ${h.rehearsal.scenario}, speed ${h.rehearsal.speed}x` : 'no (real AWS)',
        ],
        ['Started', t(h.startedAt)],
        ['Last event', `${t(h.lastEventAt)} (${durationText(h.durationMs)} after the start)`],
        ['Status', `${h.status}${h.outcome ? ` (${h.outcome})` : ''}`],
        ['Generated', t(h.generatedAt)],
      ],
    ),
  );
  return lines;
}

function timeline(data: ReleaseReportData, tz: number): string[] {
  const t = (ms: number | null) => (ms === null ? '-' : formatZonedTime(ms, tz));
  return [
    '## Timeline',
    '',
    ...table(
      ['Phase', 'Environment', 'Status', 'Started', 'Ended', 'Duration'],
      data.timeline.phases.map((p) => [
        `${p.title} (${p.id})`,
        p.environment,
        p.status,
        t(p.startedAt),
        t(p.endedAt),
        p.durationMs === null ? '-' : durationText(p.durationMs),
      ]),
    ),
    '',
    ...data.timeline.milestones.map((m) => `- ${formatZonedTime(m.at, tz)}  ${m.text}`),
  ];
}

function stepDetail(s: ReleaseReportData['checklist'][number]): string {
  const parts = [s.detail ?? undefined];
  if (s.confirmedBy && !s.detail?.includes(s.confirmedBy)) parts.push(`confirmed by ${s.confirmedBy}`);
  if (s.note) parts.push(`note: ${s.note}`);
  if (s.dangerousConfirmedBy) parts.push(`dangerous step confirmed by ${s.dangerousConfirmedBy}`);
  return parts.filter(Boolean).join('; ');
}

function checklist(data: ReleaseReportData): string[] {
  const lines = ['## Checklist and evidence'];
  const phases = [...new Set(data.checklist.map((s) => s.phase))];
  for (const phase of phases) {
    lines.push(
      '',
      `### ${phase}`,
      '',
      ...table(
        ['Step', 'Kind', 'Status', 'Attempts', 'Exit', 'Duration', 'Log', 'Detail'],
        data.checklist
          .filter((s) => s.phase === phase)
          .map((s) => [
            `${s.title} (${s.id})`,
            s.kind,
            s.status,
            s.attempts,
            s.exitCode === null ? '-' : s.exitCode,
            s.durationMs === null ? '-' : durationText(s.durationMs),
            s.logFile,
            stepDetail(s),
          ]),
      ),
    );
  }
  const evidence = data.checklist.flatMap((s) => s.evidence.map((e) => ({ step: s.id, e })));
  lines.push('', '### Evidence', '');
  if (evidence.length === 0) lines.push('No step recorded evidence.');
  else
    lines.push(
      ...table(
        ['Step', 'Evidence', 'Fact', 'Value', 'Limit', 'Result', 'Detail'],
        evidence.map(({ step, e }) => [
          step,
          e.id,
          e.fact,
          e.value === null ? 'none' : e.value,
          e.limit ?? '-',
          e.ok ? 'ok' : 'FAILED',
          e.detail,
        ]),
      ),
    );
  return lines;
}

function approvals(data: ReleaseReportData, tz: number): string[] {
  const a = data.approvals;
  const lines = ['## Approvals', ''];
  if (a.records.length === 0) lines.push('No approvals were recorded.');
  else
    lines.push(
      ...table(
        ['Environment', 'Gate', 'Role', 'Approver', 'Approved', 'Comment', 'Reference', 'Signature'],
        a.records.map((r) => [
          r.environment,
          r.step,
          r.roleTitle,
          r.approver,
          formatZonedTime(r.at, tz),
          `"${r.comment}"`,
          r.reference,
          r.fingerprint ? `signed, key ${r.fingerprint}` : 'recorded by the conductor',
        ]),
      ),
    );
  lines.push('', '### Refused approvals', '');
  if (a.refusals.length === 0) lines.push('None.');
  else
    lines.push(
      ...table(
        ['Gate', 'Role', 'Approver', 'At', 'Reason'],
        a.refusals.map((r) => [r.step, r.role, r.approver, formatZonedTime(r.at, tz), r.reason]),
      ),
    );
  lines.push('', '### Escalations', '');
  if (a.escalations.length === 0) lines.push('None.');
  else lines.push(...a.escalations.map((e) => `- ${formatZonedTime(e.at, tz)} ${e.step}: ${e.text}`));
  return lines;
}

function gonogo(data: ReleaseReportData, tz: number): string[] {
  const g = data.gonogo;
  const lines = ['## Go/no-go', ''];
  if (!g)
    return [
      ...lines,
      data.gonogoDeclared
        ? 'No go/no-go decision was taken.'
        : 'This promotion declares no go/no-go: approvals, the change ticket and the window gated traffic.',
    ];
  lines.push(
    `**Decision: ${g.decision}** (${g.step}, ${formatZonedTime(g.at, tz)})`,
    '',
    ...table(
      ['Input', 'Value', 'Limit', 'Verdict', 'Reason'],
      g.rows.map((r) => [r.input, r.value, r.limit, r.verdict, r.reason]),
    ),
  );
  if (g.whatWouldChange.length)
    lines.push('', 'What would change the decision:', ...g.whatWouldChange.map((w) => `- ${w}`));
  return lines;
}

function targetsTable(summary: ReportSampleSummary): string[] {
  if (summary.targets.length === 0) return ['No target was sampled.'];
  return table(
    [
      'Target',
      'Worst verdict',
      'Requests (last window, canary / baseline)',
      'Error rate canary vs baseline',
      'p95 canary vs baseline',
    ],
    summary.targets.map((t) => [
      t.label,
      t.worstVerdict,
      `${t.lastRequests.canary} / ${t.lastRequests.baseline}`,
      comparison(t.errorRatePct, percentText),
      comparison(t.p95Ms, msText),
    ]),
  );
}

function charts(summary: ReportSampleSummary): string[] {
  if (summary.series.length === 0) return [];
  const s = summary.series;
  return [
    '',
    '```text',
    reportChart({
      title: `Error rate, ${summary.worstTarget}`,
      unit: '%',
      canary: s.map((p) => p.canaryErrorRatePct),
      baseline: s.map((p) => p.baselineErrorRatePct),
    }),
    '',
    reportChart({
      title: `p95 latency, ${summary.worstTarget}`,
      unit: 'ms',
      canary: s.map((p) => p.canaryP95Ms),
      baseline: s.map((p) => p.baselineP95Ms),
    }),
    '```',
  ];
}

function canary(data: ReleaseReportData, tz: number): string[] {
  const c = data.canary;
  const lines = ['## Canary', ''];
  if (!c)
    return [
      ...lines,
      data.canaryDeclared
        ? 'No traffic was shifted in this session.'
        : 'This promotion has no canary step: its own steps deployed the release (see the checklist), and no traffic was split.',
    ];
  lines.push(
    `Step ${c.step}: ${c.promoted && c.promotedAt !== null ? `promoted to all traffic at ${formatZonedTime(c.promotedAt, tz)}` : 'not promoted'}.`,
    c.startedBy
      ? `First traffic sent on the decision of ${c.startedBy.by} at ${formatZonedTime(c.startedBy.at, tz)}.`
      : c.startMode === 'automatic'
        ? 'First traffic sent without a person’s decision: the runbook’s canary starts automatically.'
        : 'No decision to send the first traffic is recorded.',
    '',
    'Error rate and p95 are those of the worst window of the stage (canary) and the baseline in that same window.',
    '',
    ...table(
      [
        'Stage',
        'Weight',
        'Hold',
        'Ran',
        'Verdict',
        'Samples',
        'Worst target',
        'Error rate canary vs baseline',
        'p95 canary vs baseline',
      ],
      c.stages.map((s) => [
        s.number,
        `${s.weight}%`,
        `${durationText(s.holdMs)}${s.extendedMs ? ` +${durationText(s.extendedMs)}` : ''}`,
        s.durationMs === null ? 'running' : durationText(s.durationMs),
        s.verdict,
        s.samples,
        s.worstTarget,
        comparison(s.errorRatePct, percentText),
        comparison(s.p95Ms, msText),
      ]),
    ),
  );
  for (const s of c.stages) {
    lines.push(
      '',
      `### Stage ${s.number}: ${s.weight}% of traffic`,
      '',
      `Started ${formatZonedTime(s.startedAt, tz)}, ${s.endedAt === null ? 'still running' : `ended ${formatClock(s.endedAt, tz)}`}; hold ${durationText(s.holdMs)}${
        s.extendedMs ? `, extended by ${durationText(s.extendedMs)}` : ''
      }${s.pausedMs ? `, paused ${durationText(s.pausedMs)}` : ''}. Verdict ${s.verdict}${s.summary ? `: ${s.summary}` : ''}.`,
      `Samples: ${s.samples} (${verdictCounts(s)}).`,
    );
    for (const choice of s.choices)
      lines.push(
        `Decision at ${formatClock(choice.at, tz)}: ${choice.choice} by ${choice.by}${choice.reason ? ` (${choice.reason})` : ''}.`,
      );
    lines.push('', ...targetsTable(s), ...charts(s));
  }
  if (c.monitor) {
    const m = c.monitor;
    lines.push(
      '',
      `### Monitoring (${m.step})`,
      '',
      `Started ${formatZonedTime(m.startedAt, tz)} for ${durationText(m.durationMs)}. Samples: ${m.samples} (${verdictCounts(m)}).`,
      '',
      ...targetsTable(m),
      ...charts(m),
    );
  }
  return lines;
}

function rollback(data: ReleaseReportData, tz: number): string[] {
  const r = data.rollback;
  const lines = ['## Rollback', ''];
  if (!r) return [...lines, 'No rollback.'];
  const target = r.target
    ? [
        r.target.apiGateway
          ? `API ${r.target.apiGateway.restApiId}/${r.target.apiGateway.stage} deployment ${r.target.apiGateway.deploymentId}`
          : undefined,
        ...r.target.lambdas.map(
          (l) => `${l.functionName}:${l.alias} v${l.stableVersion} (canary was v${l.canaryVersion})`,
        ),
      ]
        .filter(Boolean)
        .join('; ')
    : 'not recorded';
  lines.push(
    ...table(
      ['Field', 'Value'],
      [
        ['Trigger', r.trigger],
        ['Reason', r.reason],
        ['By', r.by],
        ['Started', formatZonedTime(r.startedAt, tz)],
        [
          'Traffic reverted',
          r.revertedAt === null
            ? 'not recorded'
            : `${formatZonedTime(r.revertedAt, tz)}, in ${durationText(r.revertDurationMs ?? undefined)}`,
        ],
        ['Revert verified', yesNo(r.verified)],
        ['Rolled back to', target],
        ['Split after', splitText(r.splitAfter)],
        ['Completed', r.completedAt === null ? 'not completed' : formatZonedTime(r.completedAt, tz)],
        ['Summary', r.summary],
      ],
    ),
    '',
    '### Post-rollback checks',
    '',
  );
  if (r.checks.length === 0) lines.push('None ran.');
  else
    lines.push(
      ...table(
        ['Step', 'Outcome', 'At', 'Detail'],
        r.checks.map((c) => [c.step, c.outcome, formatZonedTime(c.at, tz), c.detail]),
      ),
    );
  return lines;
}

const IDENTITY_REASONS: Record<string, string> = {
  phase: 'first step of the phase',
  profile: "a step names the environment's profile",
  dangerous: 'right before a dangerous step',
  resumed: 'after a resume',
  'credentials-error': 'after a credentials error',
  refused: 'after a refusal',
};

function identityChecks(data: ReleaseReportData, tz: number): string[] {
  const lines = [
    '## Identity checks',
    '',
    "STS GetCallerIdentity with each environment's credentials, before anything of it ran.",
    '',
  ];
  if (data.identityChecks.length === 0) return [...lines, 'None were made.'];
  return [
    ...lines,
    ...table(
      ['At', 'Environment', 'Profile', 'Expected', 'Answered', 'Result', 'Why', 'Before'],
      data.identityChecks.map((c) => [
        formatZonedTime(c.at, tz),
        c.envTitle,
        c.profile ?? 'default chain',
        c.expected,
        c.account ?? `no answer${c.error ? `: ${c.error}` : ''}`,
        c.ok ? 'ok' : '**REFUSED**',
        IDENTITY_REASONS[c.reason] ?? c.reason,
        c.step ?? c.phase ?? '-',
      ]),
    ),
  ];
}

function notifications(data: ReleaseReportData, tz: number): string[] {
  const lines = ['## Notifications', ''];
  if (data.notifications.length === 0) return [...lines, 'None were sent.'];
  for (const n of data.notifications) {
    lines.push(
      `### ${formatZonedTime(n.at, tz)} to ${n.channel} (${n.template}, ${n.delivery}${n.error ? `: ${n.error}` : ''})`,
      '',
      '```text',
      n.text.replace(/```/g, "'''"),
      '```',
      '',
    );
  }
  lines.pop();
  return lines;
}

function awsAndWarnings(data: ReleaseReportData, tz: number): string[] {
  const lines = [
    '## AWS calls',
    '',
    `Retries: ${data.aws.retries}. Errors: ${data.aws.errors}.`,
    ...data.aws.lastErrors.map((e) => `- ${formatZonedTime(e.at, tz)} ${e.operation}: ${e.message}`),
  ];
  if (data.drift)
    lines.push(
      '',
      `Traffic drift detected at ${formatZonedTime(data.drift.at, tz)} (journal said ${data.drift.recordedWeight}%): ${data.drift.details.join('; ')}. Resolved: ${data.drift.resolved ?? 'no'}.`,
    );
  lines.push('', '## Warnings', '');
  if (data.warnings.length === 0) lines.push('None.');
  else lines.push(...data.warnings.map((w) => `- ${w}`));
  return lines;
}

function journal(data: ReleaseReportData, tz: number): string[] {
  const c = data.chain;
  const lines = [
    '## Journal',
    '',
    c.ok
      ? `Hash chain verified: ${c.message}.`
      : `**HASH CHAIN NOT VERIFIED: ${c.message}** Only the ${c.events} events before the break are in this report.`,
  ];
  if (data.journalRepairs.length) {
    lines.push('', 'The journal was cut back to its verified part:', '');
    for (const r of data.journalRepairs)
      lines.push(
        `- ${formatZonedTime(r.at, tz)} ${
          r.reason === 'broken'
            ? `\`conductor repair\` by ${r.by}: the chain broke at line ${r.line}${r.why ? ` (${r.why})` : ''}`
            : `resume: torn last line (line ${r.line}) left by a crash`
        }; ${r.keptEvents} events kept, ${r.removedBytes} bytes removed${r.savedAs ? `, saved as ${r.savedAs}` : ''}.`,
      );
  }
  return lines;
}

export function renderMarkdown(data: ReleaseReportData, utcOffsetMinutes = 0): string {
  const tz = utcOffsetMinutes;
  const sections = [
    header(data, tz),
    timeline(data, tz),
    checklist(data),
    approvals(data, tz),
    gonogo(data, tz),
    canary(data, tz),
    rollback(data, tz),
    identityChecks(data, tz),
    notifications(data, tz),
    awsAndWarnings(data, tz),
    journal(data, tz),
  ];
  return `${sections.map((s) => s.join('\n')).join('\n\n')}\n\n_Times are ${zoneName(tz)}._\n`;
}
