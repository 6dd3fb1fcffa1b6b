import { chmodSync, mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { privateDir, sessionDir, sessionsDir } from '../../../src/services/store/paths.js';
import { SessionStore } from '../../../src/services/store/session-store.js';

const modeOf = (path: string) => statSync(path).mode & 0o7777;

describe('the folders conductor keeps sessions in', () => {
  it('leaves the mode of an existing CONDUCTOR_HOME alone (a 1777 folder stays 1777)', () => {
    const home = join(mkdtempSync(join(tmpdir(), 'conductor-paths-')), 'shared');
    mkdirSync(home);
    chmodSync(home, 0o1777);
    const store = new SessionStore(home);
    store.journalFile('20250101-000000-abcd');
    expect(modeOf(home)).toBe(0o1777);
    expect(modeOf(join(home, 'sessions'))).toBe(0o700);
    expect(modeOf(join(home, 'sessions', '20250101-000000-abcd'))).toBe(0o700);
    expect(modeOf(join(home, 'config'))).toBe(0o700);
  });

  it('makes a home it creates 0700, even under a lax umask', () => {
    const home = join(mkdtempSync(join(tmpdir(), 'conductor-paths-')), 'new-home');
    const previous = process.umask(0o002);
    try {
      privateDir(home);
    } finally {
      process.umask(previous);
    }
    expect(modeOf(home)).toBe(0o700);
  });

  it('keeps sessions/ and each session folder 0700 even when they exist with a wider mode', () => {
    const home = mkdtempSync(join(tmpdir(), 'conductor-paths-'));
    chmodSync(home, 0o755);
    mkdirSync(join(home, 'sessions', 'x'), { recursive: true });
    chmodSync(join(home, 'sessions'), 0o755);
    chmodSync(join(home, 'sessions', 'x'), 0o755);
    expect(sessionsDir(home)).toBe(join(home, 'sessions'));
    expect(sessionDir('x', home)).toBe(join(home, 'sessions', 'x'));
    expect(modeOf(join(home, 'sessions'))).toBe(0o700);
    expect(modeOf(join(home, 'sessions', 'x'))).toBe(0o700);
    expect(modeOf(home)).toBe(0o755);
  });
});
