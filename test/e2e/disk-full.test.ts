import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJournal as verifiedJournal } from '../../src/services/store/journal.js';
import { mountSmallDisk, type SmallDisk } from '../support/tmpfs.js';
import { rehearseArgs, waitForCanaryStage } from './flows.js';
import {
  BUILD_TIMEOUT_MS,
  enginePid,
  ensureBuilt,
  killEngines,
  processAlive,
  sessionDir,
  startConductor,
  type TerminalSession,
} from './terminal.js';

const mounted = mountSmallDisk(64);
const disk = 'skip' in mounted ? undefined : mounted;

/** The screen as one line of text: a sentence longer than the terminal is wrapped at spaces. */
const flat = (app: TerminalSession) => app.screenText().replace(/\s+/g, ' ');

const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe.skipIf(!disk)(
  `the disk holding the sessions fills up during a rehearsal (ENOSPC on a tmpfs${'skip' in mounted ? `; skipped: ${mounted.skip}` : ''})`,
  () => {
    const small = disk as SmallDisk;
    const home = join(small?.dir ?? tmpdir(), 'home');
    const runbookDir = mkdtempSync(join(tmpdir(), 'conductor-e2e-runbook-'));
    const started: TerminalSession[] = [];
    const start = (args: string[]) => {
      // Wide enough that the one-sentence messages are not cut by the terminal's width.
      const app = startConductor(args, { home, cols: 400, rows: 40 });
      started.push(app);
      return app;
    };
    beforeAll(() => ensureBuilt(), BUILD_TIMEOUT_MS);
    afterAll(() => {
      for (const app of started) app.dispose();
      killEngines(home);
      small.unmount();
      rmSync(runbookDir, { recursive: true, force: true });
    });

    it('the engine says it in one sentence, the screen shows it and exits 1, the lock is released; resume then refuses at once', async () => {
      const app = start(rehearseArgs(runbookDir, { autopilot: true, speed: 80 }));
      await waitForCanaryStage(app, 10, { holding: true, timeoutMs: 240_000 });
      const dir = sessionDir(home) as string;
      const id = basename(dir);
      const engine = enginePid(dir);
      expect(processAlive(engine)).toBe(true);

      small.fill();

      // The next event the engine cannot write ends it, and its screen says why.
      const exit = await app.waitForExit(60_000);
      app.show('the rehearsal after its disk filled up');
      expect(exit.exitCode).toBe(1);
      expect(flat(app)).toMatch(
        new RegExp(
          `conductor: The disk holding ${literal(dir)} is full: the journal cannot be written; nothing after event \\d+ was recorded; \\d+% of the traffic stays on \\S+ and nothing guards it until the session is resumed; free space and run \`conductor resume ${id}\`\\.`,
        ),
      );
      // The engine is gone and its lock with it; the journal ends with its last whole line.
      await app.waitFor(() => !processAlive(engine) || undefined, 20_000, 'the engine to exit');
      expect(existsSync(join(dir, 'lock.json'))).toBe(false);
      const journal = verifiedJournal(join(dir, 'journal.jsonl'));
      expect(journal.broken).toBeUndefined();
      expect(journal.tornTail).toBeUndefined();
      expect(journal.events.some((e) => e.type === 'traffic.shifted')).toBe(true);

      // Resuming on the full disk is refused at once, with one sentence, and starts no engine.
      const asked = Date.now();
      const resume = start(['resume', id]);
      const refused = await resume.waitForExit(15_000);
      resume.show('conductor resume on the full disk');
      expect(Date.now() - asked).toBeLessThan(15_000);
      expect(refused.exitCode).toBe(1);
      expect(flat(resume)).toMatch(
        new RegExp(
          `conductor: The disk holding ${literal(join(home, 'sessions'))} is full \\(\\d+ KiB free, at least 1\\.0 MiB needed\\): the session could not be recorded; free space and run \`conductor resume ${id}\` again\\.`,
        ),
      );
      expect(existsSync(join(dir, 'lock.json'))).toBe(false);
    }, 420_000);
  },
);
