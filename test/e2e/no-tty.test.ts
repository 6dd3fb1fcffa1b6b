import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, BUILD_TIMEOUT_MS, conductorEnv, ensureBuilt, makeHome, REPO, removeHome } from './terminal.js';

describe('conductor rehearse without a terminal', () => {
  let home: string;
  // Building dist/ on two shared cores (or waiting for another file's build) takes a while.
  beforeAll(() => {
    ensureBuilt();
    home = makeHome();
  }, BUILD_TIMEOUT_MS);
  afterAll(() => removeHome(home));

  /** `conductor COMMAND` with no terminal at all: stdin closed, stdout and stderr piped. */
  const runWithoutTerminal = (command: string) =>
    spawnSync(process.execPath, [BIN, command], {
      cwd: REPO,
      env: conductorEnv(home),
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
      timeout: 30_000,
    });

  it('refuses with exit 2 and one sentence pointing to the headless commands', () => {
    const result = runWithoutTerminal('rehearse');
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    const message = result.stderr.trim();
    // One sentence on one line, no stack trace, no half-drawn screen.
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toMatch(/interactive terminal/);
    expect(message).toContain('conductor sessions');
    expect(message).toContain('conductor status');
    expect(message).not.toContain('\x1b[');
    // Nothing was started: no session directory.
    expect(existsSync(join(home, 'sessions'))).toBe(false);
  });

  it('refuses resume the same way', () => {
    const result = runWithoutTerminal('resume');
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('conductor sessions');
  });
});
