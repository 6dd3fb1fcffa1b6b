import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { age, screenSessionRows } from '../../src/commands/session-rows.js';
import { sessionRows } from '../../src/commands/sessions.js';
import { indexFile, readSessionIndex } from '../../src/services/store/session-index.js';
import { SessionStore } from '../../src/services/store/session-store.js';
import { writeFixtureSession } from '../services/report/fixture-session.js';

describe('the session list a screen shows before its first frame', () => {
  const homes: string[] = [];
  afterEach(() => {
    for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
  });

  it('is empty in a new home', async () => {
    const home = mkdtempSync(join(tmpdir(), 'conductor-rows-'));
    homes.push(home);
    expect(await screenSessionRows(home)).toEqual([]);
  });

  it('lists a session the index does not know, as conductor sessions does, then from the index', async () => {
    const session = writeFixtureSession({ ending: 'promoted' });
    homes.push(session.home);
    const now = Date.UTC(2025, 11, 26, 12, 0);
    expect(session.store.index()).toEqual([]);

    const rows = await screenSessionRows(session.home, now);
    expect(rows.map((r) => r.id)).toEqual([session.id]);
    // Folded from its journal and written to the index on the way.
    expect(session.store.index().map((e) => e.id)).toEqual([session.id]);

    // Read back without conf, as conf wrote it: the same rows as conductor sessions lists.
    const again = await screenSessionRows(session.home, now);
    expect(again).toEqual(rows);
    expect(again).toEqual(sessionRows(new SessionStore(session.home), now));
    expect(readSessionIndex(session.home)).toEqual(session.store.index());
  });

  it('reads an index that does not parse as no index, and lists the journals instead', async () => {
    const session = writeFixtureSession({ ending: 'promoted' });
    homes.push(session.home);
    const now = Date.UTC(2025, 11, 26, 12, 0);
    await screenSessionRows(session.home, now);
    writeFileSync(indexFile(session.home), '{"sessions": {');
    expect(readSessionIndex(session.home)).toEqual([]);
    expect((await screenSessionRows(session.home, now)).map((r) => r.id)).toEqual([session.id]);
  });

  it('says how long ago in minutes, hours, then days', () => {
    expect(age(30_000)).toBe('1m ago');
    expect(age(59 * 60_000)).toBe('59m ago');
    expect(age(3 * 3_600_000)).toBe('3h ago');
    expect(age(72 * 3_600_000)).toBe('3d ago');
  });
});
