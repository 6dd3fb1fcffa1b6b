import { appendFileSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Conductor } from '../engine/conductor.js';
import { type SessionServer, serveSession } from '../engine/host/server.js';
import { UserError } from '../errors.js';
import {
  diskFailureCode,
  JournalConflictError,
  JournalWriteError,
  journalFailureSentence,
} from '../services/store/journal.js';
import { engineSocketPath } from '../services/store/paths.js';
import type { EngineSpec } from '../wiring/engine-process.js';
import { writeReportsAtEnd } from './session-end.js';

/** What owns a session's resources (AWS stand-in, lock, journal) and closes them. */
interface EngineHandle {
  conductor: Conductor;
  lock: import('../services/lock.js').HeldLock;
  store: import('../services/store/session-store.js').SessionStore;
  close(): Promise<void>;
}

/** How often the engine checks that the session lock still names it. */
const LOCK_HEARTBEAT_MS = 1_000;

/** With no screen attached after this long, the engine guards alone (journaled). */
const FIRST_SCREEN_GRACE_MS = 10_000;

/**
 * How long an engine that cannot go on still sends a rollback's revert (real time) before it
 * stops: the revert needs no disk, and it is an emergency.
 */
const REVERT_GRACE_MS = 120_000;

/** The sentence of a disk that refused the journal before the engine was serving (a resume). */
function openFailureSentence(error: JournalWriteError): string {
  const dir = dirname(error.file);
  return journalFailureSentence(error, dir, basename(dir));
}

async function openEngine(spec: EngineSpec): Promise<EngineHandle> {
  switch (spec.kind) {
    case 'rehearse': {
      const { startRehearsal } = await import('../wiring/rehearsal.js');
      return startRehearsal(
        {
          runbookFile: spec.runbookFile,
          promotionId: spec.promotionId,
          scenario: spec.scenario,
          speed: spec.speed,
          autopilot: spec.autopilot,
          home: spec.home,
          version: spec.version,
          ticket: spec.ticket,
          risk: spec.risk,
          window: spec.window,
          clockStart: spec.clockStart,
          aws: 'child',
        },
        spec.sandboxUrl ? { sandboxUrl: spec.sandboxUrl } : undefined,
      );
    }
    case 'start': {
      const { startReal } = await import('../wiring/real.js');
      return startReal(spec);
    }
    case 'resume': {
      const { SessionStore } = await import('../services/store/session-store.js');
      const store = new SessionStore(spec.home);
      if (store.startOf(spec.sessionId).rehearsal) {
        const { resumeRehearsal } = await import('../wiring/rehearsal.js');
        return resumeRehearsal({
          sessionId: spec.sessionId,
          home: spec.home,
          autopilot: spec.autopilot,
          aws: 'child',
        });
      }
      const { resumeReal } = await import('../wiring/real.js');
      return resumeReal({ sessionId: spec.sessionId, home: spec.home });
    }
  }
}

/**
 * The engine of one session, in a process of its own (`conductor __engine SPEC`, started by
 * `spawnEngine`): it drives the session, holds its lock for its whole life and serves its screens
 * on a socket in the session folder. It draws nothing. Until it is ready its stdout is a pipe to
 * the screen that started it: one line, `ready ID SOCKET` or `error {...}`.
 */
export async function engineCommand(specText: string): Promise<number> {
  // No terminal: the pipes close when the screen that started us goes away.
  process.stdout.on('error', () => undefined);
  process.stderr.on('error', () => undefined);
  process.on('SIGHUP', () => undefined);
  process.on('SIGPIPE', () => undefined);
  let handle: EngineHandle;
  try {
    handle = await openEngine(JSON.parse(specText) as EngineSpec);
  } catch (error) {
    const message =
      error instanceof JournalWriteError
        ? openFailureSentence(error)
        : error instanceof Error
          ? error.message
          : String(error);
    const exitCode = error instanceof UserError ? error.exitCode : 1;
    process.stdout.write(`error ${JSON.stringify({ message, exitCode })}\n`);
    return exitCode;
  }
  const { conductor, store } = handle;
  const log = (line: string) => {
    try {
      appendFileSync(join(conductor.dir, 'engine.log'), `${new Date().toISOString()} ${line}\n`, {
        mode: 0o600,
      });
    } catch {
      // the disk may be full: the journal said what it could
    }
  };

  let server: SessionServer | undefined;
  let finishing = false;
  const finish = async (code: number, why: string) => {
    if (finishing) return;
    finishing = true;
    log(`engine stops: ${why}`);
    await reports.catch(() => undefined);
    await server?.close().catch(() => undefined);
    await handle.close().catch(() => undefined);
    // Sockets of the AWS clients and timers of a finished session must not keep it alive.
    setTimeout(() => process.exit(code), 50);
  };

  /**
   * The engine cannot go on (issue 17, point 8): a full or failing disk, an unexpected error. One
   * sentence goes to every screen (each shows it and exits 1), to engine.log and to stderr; a
   * rollback under way is seen through first, since its revert requests need no disk; then the
   * lock is released and the engine exits 1.
   */
  let failing = false;
  const fail = async (sentence: (also?: string) => string) => {
    if (failing || finishing) return;
    failing = true;
    let also: string | undefined;
    const revert = conductor.revertInFlight();
    if (revert) {
      conductor.setWaiting({
        kind: 'retrying',
        message: `${sentence()} The rollback goes on meanwhile: its revert is sent until AWS confirms it.`,
      });
      let timer: NodeJS.Timeout | undefined;
      const landed = await Promise.race([
        revert.then((done) => done !== undefined),
        new Promise<false>((resolve) => {
          timer = setTimeout(() => resolve(false), REVERT_GRACE_MS);
        }),
      ]);
      clearTimeout(timer);
      also = landed
        ? 'the rollback reverted the traffic to the stable version and AWS confirmed it, but that is not in the journal'
        : 'the rollback sent its revert requests but AWS had not confirmed them: check the traffic split';
    } else if (conductor.trafficShifted && !conductor.state.rollback) {
      const weight = conductor.state.canary?.promoted ? 100 : conductor.state.recordedWeight;
      also = `${weight}% of the traffic stays on ${conductor.state.meta.version} and nothing guards it until the session is resumed`;
    }
    const text = sentence(also);
    log(text);
    try {
      process.stderr.write(`conductor: ${text}\n`);
    } catch {
      // nobody reads the engine's stderr once it is ready
    }
    server?.fatal(text);
    await finish(1, text);
  };
  const sessionId = conductor.state.meta.sessionId;
  const recorded = () => conductor.options.journal.writer.length;
  const diskSentence = (code: string) => (also?: string) =>
    journalFailureSentence({ code, recorded: recorded() }, conductor.dir, sessionId, also);
  conductor.onJournalFailure((error) => {
    void fail((also) => journalFailureSentence(error, conductor.dir, sessionId, also));
  });
  const unexpected = (error: unknown) => {
    const code = diskFailureCode(error);
    if (error instanceof JournalWriteError || conductor.journalFailed) return; // said by onJournalFailure
    if (code) {
      void fail(diskSentence(code));
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    void fail(
      (also) =>
        `The engine of session ${sessionId} stopped on an unexpected error: ${message.replace(/\.$/, '')}; the journal holds the session up to event ${recorded()}${also ? `; ${also}` : ''}; run \`conductor resume ${sessionId}\` to take it up again.`,
    );
  };

  process.on('uncaughtException', (error) => {
    log(`unexpected error: ${error.stack ?? error.message}`);
    unexpected(error);
  });
  process.on('unhandledRejection', (error) => {
    log(`unhandled rejection: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    // Another writer on this journal: this engine must not write one more line.
    if (error instanceof JournalConflictError) void finish(1, error.message);
    else if (error instanceof JournalWriteError || diskFailureCode(error)) unexpected(error);
  });
  // The heartbeat: an engine whose lock was taken or removed stops driving at once.
  const heartbeat = setInterval(() => {
    if (finishing || handle.lock.stillHeld()) return;
    log('the session lock no longer names this engine');
    void finish(1, 'lost the session lock');
  }, LOCK_HEARTBEAT_MS);
  heartbeat.unref();
  // SIGTERM and SIGINT: persist and stop; traffic stays as it is, and the journal says so.
  const stopOnSignal = (signal: string) => {
    if (finishing) return;
    // An engine that cannot go on waits for nothing more: the signal ends its revert too.
    if (failing) {
      conductor.stop();
      return;
    }
    const rollback = conductor.state.rollback;
    if (rollback && rollback.completedAt === undefined) {
      // A rollback is never left half done: the procedure finishes, then the engine stops.
      log(`${signal}: finishing the rollback first`);
      const waitRollback = setInterval(() => {
        if (conductor.state.rollback?.completedAt === undefined) return;
        clearInterval(waitRollback);
        void finish(0, `${signal} after the rollback`);
      }, 200);
      return;
    }
    if (conductor.state.status !== 'completed') conductor.detach();
    void finish(0, signal);
  };
  process.on('SIGTERM', () => stopOnSignal('SIGTERM'));
  process.on('SIGINT', () => stopOnSignal('SIGINT'));

  const runbookText = readFileSync(conductor.options.runbookFile, 'utf8');
  const socketPath = engineSocketPath(conductor.dir);
  try {
    server = await serveSession({
      conductor,
      socketPath,
      runbookText,
      onFinished: (why) => void finish(0, why === 'quit' ? 'the screen quit' : 'the session ended'),
    });
  } catch (error) {
    const message = `The session engine could not listen on ${socketPath}: ${error instanceof Error ? error.message : String(error)}`;
    process.stdout.write(`error ${JSON.stringify({ message, exitCode: 1 })}\n`);
    await handle.close();
    return 1;
  }

  // When the session ends: the reports, then the engine leaves once no screen looks at it.
  let reported = false;
  let reports: Promise<unknown> = Promise.resolve();
  conductor.subscribe((state) => {
    if (state.status !== 'completed' || reported) return;
    reported = true;
    reports = writeReportsAtEnd(store, conductor).then((files) => {
      if (files.length) conductor.notify();
    });
  });
  const idle = setInterval(() => {
    const attached = server?.clients();
    if (reported && attached && attached.drivers + attached.watchers === 0)
      void finish(0, 'the session ended');
  }, 500);
  idle.unref();
  setTimeout(() => {
    const alone = server !== undefined && server.clients().drivers === 0;
    if (alone && conductor.mode !== 'guard' && conductor.state.status !== 'completed')
      conductor.becomeGuard();
  }, FIRST_SCREEN_GRACE_MS).unref();

  void conductor.start();
  log(`engine pid ${process.pid} serves session ${conductor.state.meta.sessionId} on ${socketPath}`);
  process.stdout.write(`ready ${conductor.state.meta.sessionId} ${socketPath}\n`);
  // Lives until finish() exits the process.
  await new Promise(() => undefined);
  return 0;
}
