// SIGKILL storm: kill the screen or the engine of a rehearsal at a random moment, resume it with
// `conductor resume ID`, drive it to its end, and check what was left behind.
//
// Each trial is one `conductor rehearse --autopilot --speed S` in a pty (the BBWS runbook with the
// e2e copy's relaxed load limits, bench/lib/sandbox.mjs). A seeded PRNG picks, per trial:
//   - the victim: the screen (the pty's process) or the engine (the pid in the session's lock.json);
//   - the moment: half the trials a uniform time in [0, span] s after `session.created`, half right
//     after a milestone of the journal (a command running, an approval, go/no-go, the PROD apply,
//     the rollback target, a traffic shift, a stage decision, promotion, monitoring) plus 0-250 ms.
// Then SIGKILL, and:
//   - screen killed: the engine must go on guarding (alive, still holding the lock, `session.detached`
//     mode guard journaled, the journal growing, and polling again when in a canary stage or the
//     monitoring window); after 1-4 s `conductor resume ID` attaches to that same engine, whose
//     autopilot drives on.
//   - engine killed: the screen must leave with the `conductor resume ID` sentence; `conductor resume
//     ID` is started at once and the time from the kill to the new engine's `session.resumed`
//     (traffic left unguarded, when some was shifted) is measured. The new engine has no autopilot:
//     the bench answers its prompts with keys as a person would (evidence notes, approvals, the PROD
//     apply, the canary start, stage decisions: advance, or extend when data is missing).
// Each resumed session must reach its end (`session.completed`) within the time limit; the bench
// leaves the summary with enter, then checks: `conductor status ID --json` (chain verified, status
// completed, no engine), lock.json released, and no process left whose environment or command line
// names the trial's CONDUCTOR_HOME (engines, the AWS stand-in, command process groups).
// A failed trial keeps its CONDUCTOR_HOME (and engine.log) for diagnosis, every trial with --keep;
// the processes a trial started are ended either way.
//
//   npm run build && node bench/sigkill-storm.mjs [--trials 20] [--seed N] [--speed 120]
//       [--span 110] [--end drive|abort] [--limit 300] [--keep] [--verbose]
//
// --end abort presses x as soon as a resumed session has traffic shifted (ends fast, ROLLED BACK);
// the default drives every resumed session to its natural end.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { appEnv, BIN, makeHome, PtyApp, REPO, removeHome } from './lib/pty.mjs';
import { benchRunbook, DIST } from './lib/sandbox.mjs';
import { max, median, pause } from './lib/stats.mjs';

const load = (path) => import(pathToFileURL(join(DIST, path)).href);

/** mulberry32: a small seeded PRNG, so a storm can be run again kill for kill. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Journal milestones a kill may follow (BBWS sit-to-prod, healthy path). */
const MILESTONES = [
  { type: 'step.started', step: 'sit-performance-baseline', what: 'the SIT load test running' },
  { type: 'step.started', step: 'schema-compatibility', what: 'a pre-promotion command running' },
  { type: 'step.confirmed', step: 'no-critical-alerts', what: 'a manual item confirmed' },
  { type: 'approval.recorded', what: 'an approval recorded' },
  { type: 'gonogo.decided', what: 'go/no-go decided' },
  { type: 'dangerous.confirmed', what: 'the PROD apply confirmed' },
  { type: 'step.started', step: 'terraform-apply-prod', what: 'the PROD apply running' },
  { type: 'rollback-target.recorded', what: 'the rollback target recorded' },
  { type: 'traffic.shifted', weight: 10, what: 'traffic shifted to 10%' },
  { type: 'traffic.shifted', weight: 25, what: 'traffic shifted to 25%' },
  { type: 'traffic.shifted', weight: 50, what: 'traffic shifted to 50%' },
  { type: 'traffic.shifted', weight: 100, what: 'traffic shifted to 100%' },
  { type: 'canary.stage.decision-needed', what: 'a stage decision' },
  { type: 'canary.promoted', what: 'the canary promoted' },
  { type: 'step.started', step: 'prod-smoke-dynamodb-write', what: 'a PROD smoke test running' },
  { type: 'monitor.started', what: 'the monitoring window started' },
];

const matches = (m) => (e) =>
  e.type === m.type &&
  (m.step === undefined || e.step === m.step) &&
  (m.weight === undefined || e.weight === m.weight);

/** The session's journal, read as it grows (whole lines only), each event stamped with its arrival. */
class JournalTail {
  constructor(home) {
    this.home = home;
    this.events = [];
    this.offset = 0;
    this.rest = '';
  }

  get id() {
    if (this._id) return this._id;
    const root = join(this.home, 'sessions');
    if (!existsSync(root)) return undefined;
    this._id = readdirSync(root).find((n) => existsSync(join(root, n, 'journal.jsonl')));
    return this._id;
  }

  get dir() {
    return this.id && join(this.home, 'sessions', this.id);
  }

  poll() {
    const dir = this.dir;
    if (!dir) return this.events;
    const file = join(dir, 'journal.jsonl');
    let size;
    try {
      size = statSync(file).size;
    } catch {
      return this.events;
    }
    if (size < this.offset) {
      // Cut back (a torn tail cut on resume): read it again from the start.
      this.events = [];
      this.offset = 0;
      this.rest = '';
    }
    if (size === this.offset) return this.events;
    const fd = openSync(file, 'r');
    try {
      const buffer = Buffer.alloc(size - this.offset);
      readSync(fd, buffer, 0, buffer.length, this.offset);
      this.offset = size;
      const text = this.rest + buffer.toString('utf8');
      const lines = text.split('\n');
      this.rest = lines.pop();
      const now = performance.now();
      for (const line of lines) {
        if (!line.trim()) continue;
        try {
          this.events.push({ ...JSON.parse(line).event, seenAt: now });
        } catch {
          // a line that does not parse is the chain check's business
        }
      }
    } finally {
      closeSync(fd);
    }
    return this.events;
  }

  find(probe, from = 0) {
    const events = this.poll();
    for (let i = from; i < events.length; i++) if (probe(events[i])) return events[i];
    return undefined;
  }
}

function lockHolder(dir) {
  try {
    return JSON.parse(readFileSync(join(dir, 'lock.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

function alive(pid) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** Processes whose environment or command line names `home`: everything a trial started. */
function processesOf(home) {
  const found = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      const env = readFileSync(`/proc/${name}/environ`, 'utf8');
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // A zombie waits for its parent (node-pty reaps ours): it runs nothing.
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      if (env.includes(`CONDUCTOR_HOME=${home}\0`) || cmd.includes(home))
        found.push({ pid: Number(name), cmd: cmd.replace(/\0/g, ' ').trim().slice(0, 160) });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

function conductorJson(home, args) {
  const run = spawnSync(process.execPath, [BIN, ...args], {
    cwd: REPO,
    env: appEnv(home),
    encoding: 'utf8',
    timeout: 30_000,
  });
  try {
    return { ok: true, value: JSON.parse(run.stdout), code: run.status, stderr: run.stderr };
  } catch {
    return { ok: false, code: run.status, stderr: `${run.stdout}\n${run.stderr}`.trim() };
  }
}

const KEY = { enter: '\r', space: ' ', tab: '\t', down: '\x1b[B', escape: '\x1b', 'ctrl+x': '\x18' };

async function press(app, ...keys) {
  for (const key of keys) {
    app.pty.write(KEY[key] ?? key);
    await pause(60);
  }
}

/**
 * What the resumed screen asks of a person, and how a person answers. Forms and dialogs first:
 * the screen under them still shows its own hints.
 */
function promptOn(screen) {
  if (/Confirm: /.test(screen) && /evidence note/.test(screen)) return 'evidence';
  if (/Record an approval/.test(screen)) return 'approval';
  if (/Stage \d+ \(\d+%\): what now\?/.test(screen)) return 'stage-choice';
  if (/The live traffic split differs from the journal/.test(screen)) return 'drift';
  if (/Before traffic moves|Before this step runs/.test(screen) && /window override/.test(screen))
    return 'traffic-guard';
  if (/enter: record the change ticket/.test(screen)) return 'guard-open';
  if (/enter +run it/.test(screen)) return 'dangerous-run';
  if (/DANGEROUS: this changes PROD\. Enter to review and run\./.test(screen)) return 'dangerous';
  if (/enter: start the canary/.test(screen)) return 'canary-start';
  if (/Stage \d+ \(\d+%\) needs a decision/.test(screen)) return 'stage-decision';
  if (/a or enter: record an approval/.test(screen)) return 'approve';
  if (/space: mark done/.test(screen)) return 'mark-done';
  if (/(^|\s)r rerun(\s|$)/m.test(screen)) return 'rerun';
  return undefined;
}

/** The choice field of the stage form: advance when offered, else extend (more data), else rollback. */
async function chooseStage(app) {
  const shown = () => /▸ choice +‹ ([^›]+) ›/.exec(app.screenText())?.[1]?.trim();
  const seen = [];
  for (let i = 0; i < 6; i++) {
    await app.flushed();
    const now = shown();
    if (now === undefined) return 'no choice field';
    if (now === 'advance') return now;
    if (seen.includes(now)) break;
    seen.push(now);
    await press(app, 'down');
    await app.waitFor(() => shown() !== now || undefined, 5_000, 'the choice field to change');
  }
  for (const wanted of ['extend', 'rollback']) {
    if (!seen.includes(wanted)) continue;
    for (let i = 0; i < 6 && shown() !== wanted; i++) {
      const now = shown();
      await press(app, 'down');
      await app.waitFor(() => shown() !== now || undefined, 5_000, 'the choice field to change');
    }
    return wanted;
  }
  return shown();
}

/**
 * Answers the resumed screen's prompts until the session ends. `patienceMs`: how long a prompt must
 * stay on screen before the bench answers it (an engine with its autopilot answers first).
 */
async function driveToEnd(app, tail, { deadline, patienceMs, end, approvers, log }) {
  const answered = [];
  let current;
  let since = 0;
  let aborted = false;
  for (;;) {
    if (tail.find((e) => e.type === 'session.completed')) return { answered, aborted };
    if (app.exitStatus)
      throw new Error(
        `the resumed screen exited (${JSON.stringify(app.exitStatus)}) before the session ended`,
      );
    if (Date.now() > deadline) throw new Error('the resumed session did not end within the time limit');
    await app.flushed();
    const screen = app.screenText();
    if (end === 'abort' && !aborted && /ABORT & ROLL BACK/.test(screen)) {
      aborted = true;
      await press(app, promptOn(screen) && /▸ /.test(screen) ? 'ctrl+x' : 'x');
      answered.push('abort');
      continue;
    }
    const prompt = promptOn(screen);
    if (prompt !== current) {
      current = prompt;
      since = Date.now();
    }
    if (!prompt || Date.now() - since < patienceMs) {
      await pause(150);
      continue;
    }
    let detail = '';
    switch (prompt) {
      case 'evidence':
        await press(app, 'bench: checked after resume', 'enter');
        break;
      case 'approval': {
        const who = `@bench-${approvers.next++}`;
        await press(app, who, 'tab', 'tab', 'approved after resume (bench)', 'enter');
        detail = who;
        break;
      }
      case 'stage-choice':
        detail = await chooseStage(app);
        if (detail !== 'no choice field') await press(app, 'enter');
        break;
      case 'traffic-guard':
        // A window that closed while the rehearsal ran late: a person overrides it with a reason.
        await press(app, 'tab', 'bench: the rehearsal ran past its window', 'enter');
        break;
      case 'drift':
      case 'guard-open':
      case 'dangerous-run':
      case 'dangerous':
      case 'canary-start':
      case 'stage-decision':
        await press(app, 'enter');
        break;
      case 'approve':
        await press(app, 'a');
        break;
      case 'mark-done':
        await press(app, 'space');
        break;
      case 'rerun':
        await press(app, 'r');
        break;
    }
    answered.push(detail ? `${prompt}(${detail})` : prompt);
    if (answered.length > 80) throw new Error(`more than 80 answers: stuck on ${prompt}\n${screen}`);
    log?.(`    key: ${answered.at(-1)}`);
    // The same prompt is answered again only if the screen still shows it 8 s later (a busy
    // machine may take a while to redraw); a different one is answered at once.
    const asked = prompt;
    await app
      .waitFor(() => promptOn(app.screenText()) !== asked || undefined, 8_000, 'the prompt to change', 100)
      .catch(() => undefined);
    current = undefined;
  }
}

/** Where the session was at the kill: the step (and its phase) or the canary stage, from the journal. */
function whereAt(events, core) {
  const state = core.fold(events);
  const step = core.currentStep(state);
  const stage = core.currentStage(state);
  let where = 'before the first step';
  if (state.status === 'completed') where = `after the end (${state.outcome})`;
  else if (step) {
    where = `${core.phaseOf(core.promotion, step.id)?.id ?? '?'}: ${step.id}`;
    if (step.id === 'prod-canary')
      where = stage ? `canary ${stage.weight}%` : 'canary, before the first shift';
    if (step.id === 'prod-monitor') where = 'monitoring window';
  }
  return { where, shifted: core.trafficShifted(state), state };
}

async function loadCore(runbookFile) {
  const { parseRunbook } = await load('core/runbook/parse.js');
  const { foldEvents } = await load('core/session/state.js');
  const selectors = await load('core/session/selectors.js');
  const parsed = parseRunbook(readFileSync(runbookFile, 'utf8'), runbookFile);
  if (!parsed.ok) throw new Error(`bench runbook ${runbookFile} does not parse`);
  const promotion = selectors.findPromotion(parsed.runbook, 'sit-to-prod');
  return {
    promotion,
    fold: (events) => foldEvents(parsed.runbook, promotion, events),
    currentStep: selectors.currentStep,
    currentStage: selectors.currentStage,
    phaseOf: selectors.phaseOf,
    trafficShifted: selectors.trafficShifted,
  };
}

async function until(probe, timeoutMs, what, everyMs = 50) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await pause(everyMs);
  }
}

const POLLS = new Set(['canary.sample', 'traffic.read']);

async function trial(n, rng, options) {
  const { speed, span, end, limitS, log } = options;
  const home = makeHome();
  const runbookFile = benchRunbook(home);
  const core = await loadCore(runbookFile);
  const tail = new JournalTail(home);
  const r = { trial: n, home, problems: [], notes: [] };
  // The PRNG draws come first, so a seed gives the same plan whatever the machine does.
  r.victim = rng() < 0.5 ? 'screen' : 'engine';
  const byTime = rng() < 0.5;
  const atS = rng() * span;
  const milestone = MILESTONES[Math.floor(rng() * MILESTONES.length)];
  const jitterMs = rng() * 250;
  const holdMs = 1000 + rng() * 3000;
  r.plan = byTime
    ? `${atS.toFixed(1)} s after session.created`
    : `${Math.round(jitterMs)} ms after ${milestone.what}`;

  const first = new PtyApp(['rehearse', '--autopilot', '--speed', String(speed), '--runbook', runbookFile], {
    home,
    screen: false,
  });
  let second;
  try {
    const created = await until(
      () => tail.find((e) => e.type === 'session.created'),
      90_000,
      'session.created',
    );
    r.id = tail.id;
    // The moment.
    if (byTime) {
      const at = created.seenAt + atS * 1000;
      await until(
        () => performance.now() >= at || tail.find((e) => e.type === 'session.completed'),
        600_000,
        'the kill moment',
      );
    } else {
      const seen = await until(
        () => tail.find(matches(milestone)) ?? tail.find((e) => e.type === 'session.completed'),
        600_000,
        milestone.what,
        20,
      );
      if (seen.type === 'session.completed') r.notes.push(`the session ended before ${milestone.what}`);
      await pause(jitterMs);
    }
    if (first.exitStatus)
      throw new Error(`the rehearsal's screen exited before the kill: ${first.raw.slice(-800)}`);
    const enginePid = lockHolder(tail.dir)?.pid;
    if (!alive(enginePid)) throw new Error('no live engine in lock.json at the kill moment');
    const before = tail.poll().length;
    const at = whereAt(tail.events, core);
    r.where = at.where;
    r.shifted = at.shifted;
    r.weight = at.state.canary?.promoted ? 100 : at.state.recordedWeight;
    const victimPid = r.victim === 'screen' ? first.pid : enginePid;
    const killedAt = performance.now();
    process.kill(victimPid, 'SIGKILL');
    r.killedAtS = (killedAt - created.seenAt) / 1000;
    log(
      `trial ${n}: SIGKILL ${r.victim} pid ${victimPid} at ${r.killedAtS.toFixed(1)} s (${r.plan}): ${r.where}, ${r.shifted ? `traffic shifted (${r.weight}%)` : 'no traffic shifted'}`,
    );

    let resumedPid;
    if (r.victim === 'screen') {
      // The engine goes on guarding, alone.
      const detached = await until(
        () => tail.find((e) => e.type === 'session.detached' && e.mode === 'guard', before),
        // A screen killed before it attached: the engine waits 10 s for one, then guards.
        20_000,
        'session.detached',
      ).catch(() => undefined);
      r.guardJournaledMs = detached ? detached.seenAt - killedAt : undefined;
      const polling = r.where.startsWith('canary') || r.where === 'monitoring window';
      const polled = polling
        ? await until(
            () => tail.find((e) => POLLS.has(e.type) && e.seenAt > killedAt, before),
            15_000,
            'a poll',
          ).catch(() => undefined)
        : undefined;
      r.pollAfterKillMs = polled ? polled.seenAt - killedAt : undefined;
      await pause(holdMs);
      const holder = lockHolder(tail.dir);
      r.guarding = Boolean(detached) && alive(enginePid) && holder?.pid === enginePid;
      r.eventsWhileAlone = tail.poll().length - before;
      r.polled = polling ? Boolean(polled) : undefined;
      r.unguarded = r.shifted && (!r.guarding || (polling && !polled));
      if (!r.guarding)
        r.problems.push(
          `the engine (pid ${enginePid}) did not go on guarding: ${alive(enginePid) ? 'alive' : 'dead'}, lock names ${holder?.pid}, detached ${Boolean(detached)}`,
        );
      if (polling && !polled) r.problems.push('the engine guarding alone took no sample within 15 s');
      if (polling && r.eventsWhileAlone === 0)
        r.problems.push('the journal did not grow while the engine guarded alone');
    } else {
      // The screen says the engine stopped and how to take the session up; nothing of the engine stays.
      await until(() => first.exitStatus, 10_000, 'the screen to leave after its engine died');
      r.screenExit = first.exitStatus.exitCode;
      const said = first.raw.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
      if (!said.includes(`conductor resume ${r.id}`))
        r.problems.push(`the screen did not say \`conductor resume ${r.id}\` when its engine died`);
      // What the killed engine left running (its AWS stand-in should leave on its own, a command's
      // process group lives on: the new engine finds it from the journal).
      r.leftAfterKill = processesOf(home);
    }

    // conductor resume ID, in a new terminal.
    const launchedAt = performance.now();
    second = new PtyApp(['resume', r.id], { home });
    if (r.victim === 'engine') {
      const resumed = await until(
        () => tail.find((e) => e.type === 'session.resumed', before),
        90_000,
        'session.resumed',
      );
      r.takenUpMs = resumed.seenAt - killedAt;
      r.resumeStartMs = resumed.seenAt - launchedAt;
      const poll = await until(
        () => tail.find((e) => POLLS.has(e.type) && e.seenAt >= resumed.seenAt, before),
        30_000,
        'a traffic read by the new engine',
      ).catch(() => undefined);
      r.firstReadMs = poll ? poll.seenAt - killedAt : undefined;
      r.outlived = r.leftAfterKill.filter((p) => alive(p.pid)).map((p) => p.cmd.slice(0, 80));
      r.leftAfterKill = r.leftAfterKill.map((p) => p.cmd.slice(0, 80));
      if (r.shifted) r.unguardedMs = r.takenUpMs;
      resumedPid = lockHolder(tail.dir)?.pid;
      r.orphanEvents = tail
        .poll()
        .slice(before)
        .filter((e) => e.type.startsWith('command.orphan'))
        .map((e) => e.type);
      r.drift = tail
        .poll()
        .slice(before)
        .filter((e) => e.type === 'drift.detected').length;
    } else {
      const attached = await until(
        () => tail.find((e) => e.type === 'session.attached' && e.seenAt > launchedAt, before),
        60_000,
        'session.attached of the resumed screen',
      );
      r.attachMs = attached.seenAt - launchedAt;
      resumedPid = lockHolder(tail.dir)?.pid;
      if (resumedPid !== enginePid)
        r.problems.push(`resume started engine ${resumedPid} instead of attaching to engine ${enginePid}`);
      if (tail.find((e) => e.type === 'session.resumed', before))
        r.problems.push('a guarded session was taken over');
      // Alone, the guard never moves traffic on: nothing shifted between its detach and the attach.
      const events = tail.poll();
      const from = events.findIndex(
        (e, i) => i >= before && e.type === 'session.detached' && e.mode === 'guard',
      );
      const to = events.indexOf(attached);
      r.advancedAlone = events
        .slice(Math.max(from, 0), to)
        .filter((e) => ['traffic.shifted', 'canary.stage.started', 'canary.start.confirmed'].includes(e.type))
        .map((e) => `${e.type}${e.weight ? ` ${e.weight}%` : ''}`);
      if (from >= 0 && r.advancedAlone.length)
        r.problems.push(`the engine moved traffic while guarding alone: ${r.advancedAlone.join(', ')}`);
    }

    // To the end.
    const drive = await driveToEnd(second, tail, {
      deadline: Date.now() + limitS * 1000,
      // The engine that kept its autopilot answers first; a person waits a moment too.
      patienceMs: r.victim === 'screen' ? 3000 : 250,
      end,
      approvers: { next: 1 },
      log: options.verbose ? log : undefined,
    });
    r.answered = drive.answered;
    r.outcome = tail.find((e) => e.type === 'session.completed')?.outcome;
    // Leave: the summary with enter; a rolled-back session stays on its rollback view, left with q.
    // The screen exits, then the engine (no screen left, reports written).
    const last = await second
      .waitFor(
        () => {
          const screen = second.screenText();
          if (/enter or q: leave/.test(screen)) return 'summary';
          if (/ROLLED BACK/.test(screen)) return 'rollback';
          return undefined;
        },
        20_000,
        'the summary or the rollback view',
      )
      .catch((e) => r.problems.push(e.message.split('\n')[0]));
    await press(second, last === 'rollback' ? 'q' : 'enter');
    await until(() => second.exitStatus, 15_000, 'the resumed screen to exit').catch((e) =>
      r.problems.push(e.message),
    );
    await until(() => !alive(resumedPid) || undefined, 20_000, 'the engine to exit').catch(() =>
      r.problems.push(`the engine (pid ${resumedPid}) was still running 20 s after the screen left`),
    );

    // What is left.
    const status = conductorJson(home, ['status', r.id, '--json']);
    if (!status.ok) r.problems.push(`status --json failed: ${status.stderr.split('\n')[0]}`);
    else {
      const s = status.value;
      r.journalOk = s.journal.ok;
      r.journalEvents = s.journal.events;
      r.completed = s.status === 'completed';
      if (!s.journal.ok) r.problems.push(`journal: ${s.journal.message}`);
      if (!r.completed) r.problems.push(`status ${s.status} after the end`);
      if (s.engine) r.problems.push(`status names a running engine: pid ${s.engine.pid}`);
    }
    const lock = lockHolder(tail.dir);
    r.lockReleased = !lock || !alive(lock.pid);
    if (!r.lockReleased) r.problems.push(`lock.json still names live pid ${lock.pid}`);
    let strays = processesOf(home);
    for (let i = 0; i < 20 && strays.length; i++) {
      await pause(500);
      strays = processesOf(home);
    }
    r.strays = strays.map((p) => `${p.pid} ${p.cmd}`);
    if (strays.length) r.problems.push(`stray processes: ${r.strays.join(' | ')}`);
  } catch (error) {
    r.problems.push(String(error.message ?? error));
  } finally {
    await first.dispose();
    if (second) await second.dispose();
    r.ok = r.problems.length === 0;
    // Everything the trial started ends here, by pid; a failed trial's home stays for diagnosis.
    for (const p of processesOf(home)) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {}
    }
    if (r.ok && !options.keep) removeHome(home);
  }
  return r;
}

export async function benchSigkillStorm({
  trials = 20,
  seed = Math.floor(Math.random() * 2 ** 31),
  speed = 120,
  span = 110,
  end = 'drive',
  limitS = 300,
  keep = false,
  verbose = false,
  log = () => {},
} = {}) {
  const rng = prng(seed);
  log(`sigkill-storm: ${trials} trials, seed ${seed}, speed ${speed}x, span ${span} s, end: ${end}`);
  const results = [];
  for (let n = 1; n <= trials; n++) {
    const r = await trial(n, rng, { speed, span, end, limitS, keep, verbose, log });
    results.push(r);
    const after =
      r.victim === 'screen'
        ? `guard ${r.guarding ? 'held' : 'LOST'}${r.guardJournaledMs !== undefined ? ` (journaled in ${Math.round(r.guardJournaledMs)} ms` : ' ('}${r.pollAfterKillMs !== undefined ? `, polled after ${Math.round(r.pollAfterKillMs)} ms` : ''}), resume attached in ${Math.round(r.attachMs ?? Number.NaN)} ms`
        : `taken up by resume ${Math.round(r.takenUpMs ?? Number.NaN)} ms after the kill (resume start ${Math.round(r.resumeStartMs ?? Number.NaN)} ms)${r.shifted ? ' - traffic unguarded that long' : ''}${r.orphanEvents?.length ? `; ${r.orphanEvents.join(', ')}` : ''}`;
    log(
      `trial ${n}: ${after}; end ${r.outcome ?? 'none'}${r.answered?.length ? ` (${r.answered.length} answers)` : ''}; ${r.ok ? `OK${keep ? `, home kept: ${r.home}` : ''}` : `FAILED, home kept: ${r.home}\n  ${r.problems.join('\n  ')}`}`,
    );
  }
  const screen = results.filter((r) => r.victim === 'screen');
  const engine = results.filter((r) => r.victim === 'engine');
  const unguarded = engine.filter((r) => r.shifted && r.unguardedMs !== undefined).map((r) => r.unguardedMs);
  return {
    seed,
    speed,
    span,
    end,
    trials: results.length,
    screenKills: screen.length,
    engineKills: engine.length,
    shiftedAtScreenKill: screen.filter((r) => r.shifted).length,
    shiftedAtEngineKill: engine.filter((r) => r.shifted).length,
    resumedToEnd: results.filter((r) => r.outcome).length,
    outcomes: Object.fromEntries(
      [...new Set(results.map((r) => r.outcome ?? 'none'))].map((o) => [
        o,
        results.filter((r) => (r.outcome ?? 'none') === o).length,
      ]),
    ),
    journalsIntact: results.filter((r) => r.journalOk).length,
    completed: results.filter((r) => r.completed).length,
    locksReleased: results.filter((r) => r.lockReleased).length,
    guardHeld: screen.filter((r) => r.guarding).length,
    unguardedAfterScreenKill: screen.filter((r) => r.unguarded).length,
    guardMovedTraffic: screen.filter((r) => r.advancedAlone?.length).length,
    windowOverrides: results.filter((r) => r.answered?.includes('traffic-guard')).length,
    // The abort key of --end abort is the bench's own choice, not a prompt left unanswered.
    screenKillsAnswered: screen.filter((r) => r.answered?.some((a) => a !== 'abort')).length,
    outlivedEngine: engine.filter((r) => r.outlived?.length).length,
    guardJournaledMedianMs: median(screen.map((r) => r.guardJournaledMs).filter(Number.isFinite)),
    attachMedianMs: median(screen.map((r) => r.attachMs).filter(Number.isFinite)),
    unguardedMedianMs: median(unguarded),
    unguardedMaxMs: max(unguarded),
    takenUpMedianMs: median(engine.map((r) => r.takenUpMs).filter(Number.isFinite)),
    takenUpMaxMs: max(engine.map((r) => r.takenUpMs).filter(Number.isFinite)),
    firstReadMaxMs: max(
      engine
        .filter((r) => r.shifted)
        .map((r) => r.firstReadMs)
        .filter(Number.isFinite),
    ),
    orphanCommands: engine.filter((r) => r.orphanEvents?.length).length,
    driftAfterResume: engine.reduce((a, r) => a + (r.drift ?? 0), 0),
    strays: results.reduce((a, r) => a + (r.strays?.length ?? 0), 0),
    failed: results.filter((r) => !r.ok).map((r) => ({ trial: r.trial, home: r.home, problems: r.problems })),
    perTrial: results.map((r) => ({
      trial: r.trial,
      victim: r.victim,
      plan: r.plan,
      killedAtS: r.killedAtS && Math.round(r.killedAtS * 10) / 10,
      where: r.where,
      shifted: r.shifted,
      weight: r.weight,
      guarding: r.guarding,
      guardJournaledMs: r.guardJournaledMs && Math.round(r.guardJournaledMs),
      pollAfterKillMs: r.pollAfterKillMs && Math.round(r.pollAfterKillMs),
      eventsWhileAlone: r.eventsWhileAlone,
      advancedAlone: r.advancedAlone,
      drift: r.drift,
      attachMs: r.attachMs && Math.round(r.attachMs),
      takenUpMs: r.takenUpMs && Math.round(r.takenUpMs),
      resumeStartMs: r.resumeStartMs && Math.round(r.resumeStartMs),
      firstReadMs: r.firstReadMs && Math.round(r.firstReadMs),
      leftAfterKill: r.leftAfterKill,
      outlived: r.outlived,
      orphanEvents: r.orphanEvents,
      answered: r.answered,
      outcome: r.outcome,
      journalEvents: r.journalEvents,
      ok: r.ok,
      problems: r.problems,
      notes: r.notes,
    })),
  };
}

/** The figures as rows of the bench table (bench/run.js prints them). */
export function stormRows(s) {
  const ms = (v) => (Number.isFinite(v) ? `${(v / 1000).toFixed(1)} s` : 'n/a');
  const outcomes = Object.entries(s.outcomes)
    .map(([k, v]) => `${v} ${k}`)
    .join(', ');
  return [
    ['trials (seed, speed)', `${s.trials} (seed ${s.seed}, ${s.speed}x, end: ${s.end})`, 'info', undefined],
    [
      'kills: screen / engine',
      `${s.screenKills} / ${s.engineKills} (traffic shifted at ${s.shiftedAtScreenKill} / ${s.shiftedAtEngineKill})`,
      'info',
      undefined,
    ],
    [
      'sessions resumed to the end',
      `${s.resumedToEnd} of ${s.trials} (${outcomes})`,
      'all',
      s.resumedToEnd === s.trials,
    ],
    [
      'journals intact (chain verified)',
      `${s.journalsIntact} of ${s.trials}`,
      'all',
      s.journalsIntact === s.trials,
    ],
    ['locks released at the end', `${s.locksReleased} of ${s.trials}`, 'all', s.locksReleased === s.trials],
    [
      'screen kill: engine went on guarding',
      `${s.guardHeld} of ${s.screenKills} (journaled in ${ms(s.guardJournaledMedianMs)} median)`,
      'all',
      s.guardHeld === s.screenKills,
    ],
    [
      'screen kill: traffic left unguarded',
      String(s.unguardedAfterScreenKill),
      '0',
      s.unguardedAfterScreenKill === 0,
    ],
    [
      'screen kill: traffic moved by the guard alone',
      String(s.guardMovedTraffic),
      '0',
      s.guardMovedTraffic === 0,
    ],
    [
      'engine kill: traffic unguarded until resume took it up',
      `median ${ms(s.unguardedMedianMs)}, max ${ms(s.unguardedMaxMs)} (${s.shiftedAtEngineKill} kills with traffic shifted)`,
      'info',
      undefined,
    ],
    [
      'engine kill: kill -> session.resumed (all)',
      `median ${ms(s.takenUpMedianMs)}, max ${ms(s.takenUpMaxMs)}`,
      'info',
      undefined,
    ],
    [
      'engine kill: a command of the dead engine',
      `still running at take-up in ${s.outlivedEngine}; journaled by the new engine (command.orphan-*) in ${s.orphanCommands}`,
      'info',
      undefined,
    ],
    [
      'prompts the bench answered after a screen kill',
      `${s.screenKillsAnswered} of ${s.screenKills} trials (the engine's autopilot had 3 s first)`,
      'info',
      undefined,
    ],
    ['stray processes after the end', String(s.strays), '0', s.strays === 0],
    ['trials that failed', String(s.failed.length), '0', s.failed.length === 0],
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const option = (name, fallback) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : fallback;
  };
  const result = await benchSigkillStorm({
    trials: Number(option('trials', 20)),
    seed: option('seed') === undefined ? undefined : Number(option('seed')),
    speed: Number(option('speed', 120)),
    span: Number(option('span', 110)),
    end: option('end', 'drive'),
    limitS: Number(option('limit', 300)),
    keep: args.includes('--keep'),
    verbose: args.includes('--verbose'),
    log: (l) => console.error(l),
  });
  const rows = stormRows(result);
  const width = Math.max(...rows.map((r) => r[0].length));
  const width2 = Math.max(...rows.map((r) => r[1].length));
  for (const [figure, measured, target, ok] of rows)
    console.log(
      `| ${figure.padEnd(width)} | ${measured.padEnd(width2)} | ${target.padEnd(4)} | ${ok === undefined ? 'info' : ok ? 'PASS' : 'FAIL'} |`,
    );
  console.log(`json ${JSON.stringify({ bench: 'sigkill-storm', ...result })}`);
  process.exitCode = result.failed.length ? 1 : 0;
}
