import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../../src/core/session/events.js';
import { diskRoomProblem } from '../../../src/services/store/disk-space.js';
import {
  JournalWriteError,
  journalFailureSentence,
  readJournal,
} from '../../../src/services/store/journal.js';
import { SessionStore } from '../../../src/services/store/session-store.js';
import { mountSmallDisk, type SmallDisk } from '../../support/tmpfs.js';

const mounted = mountSmallDisk(8);
const disk = 'skip' in mounted ? undefined : mounted;

const warning = (n: number): SessionEvent => ({
  type: 'warning',
  at: 1_000 + n,
  message: `line ${n} ${'x'.repeat(300)}`,
});

describe.skipIf(!disk)(
  `a full disk (ENOSPC on a tmpfs${'skip' in mounted ? `; skipped: ${mounted.skip}` : ''})`,
  () => {
    const small = disk as SmallDisk;
    beforeAll(() => small.free());
    afterAll(() => small.unmount());

    it('the journal refuses the line with JournalWriteError, keeps its last whole line and writes nothing more', () => {
      small.free();
      const store = new SessionStore(join(small.dir, 'home'));
      const journal = store.create(Date.UTC(2026, 11, 1));
      for (let n = 1; n <= 5; n++) journal.writer.append(warning(n));
      small.fill();

      let refused: unknown;
      try {
        // Enough lines to outgrow whatever the filler left in its last page.
        for (let n = 6; n <= 200; n++) journal.writer.append(warning(n));
      } catch (error) {
        refused = error;
      }
      expect(refused).toBeInstanceOf(JournalWriteError);
      const error = refused as JournalWriteError;
      expect(error.code).toBe('ENOSPC');
      const file = store.journalFile(journal.id);
      // The line the disk half took was cut away: the journal still verifies, whole lines only.
      const read = readJournal(file);
      expect(read.broken).toBeUndefined();
      expect(read.tornTail).toBeUndefined();
      expect(read.events).toHaveLength(error.recorded);
      expect(error.recorded).toBeGreaterThanOrEqual(5);
      expect(readFileSync(file, 'utf8').endsWith('\n')).toBe(true);

      // Room again: this writer still writes nothing (the next engine continues the chain).
      small.free();
      expect(() => journal.writer.append(warning(999))).toThrow(JournalWriteError);
      expect(readJournal(file).events).toHaveLength(error.recorded);

      expect(journalFailureSentence(error, journal.dir, journal.id)).toBe(
        `The disk holding ${journal.dir} is full: the journal cannot be written; nothing after event ${error.recorded} was recorded; free space and run \`conductor resume ${journal.id}\`.`,
      );
      journal.writer.close();
    });

    it('starting or resuming on it is refused at once, with one sentence; with room again it is not', () => {
      small.free();
      const sessions = join(small.dir, 'home', 'sessions');
      expect(diskRoomProblem(sessions, 'start the session again')).toBeUndefined();
      small.fill();
      const started = Date.now();
      const problem = diskRoomProblem(sessions, 'run `conductor resume X` again');
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(problem).toMatch(
        new RegExp(
          `^The disk holding ${sessions.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is full \\(\\d+ KiB free, at least 1\\.0 MiB needed\\): the session could not be recorded; free space and run \`conductor resume X\` again\\.$`,
        ),
      );
      small.free();
      expect(diskRoomProblem(sessions, 'start the session again')).toBeUndefined();
    });

    it('the session index (a cache of the journals) does not stop a session when it cannot be rewritten', () => {
      small.free();
      const store = new SessionStore(join(small.dir, 'home'));
      small.fill();
      expect(() =>
        store.updateIndex({
          id: 'x',
          title: 'x'.repeat(20_000),
          runbookFile: 'r.yaml',
          promotionId: 'p',
          version: 'v1',
          status: 'active',
          currentStep: 's',
          createdAt: 0,
          updatedAt: 0,
          rehearsal: true,
        }),
      ).not.toThrow();
      small.free();
    });
  },
);
