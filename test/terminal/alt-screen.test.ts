import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import {
  ENTER_ALT_SCREEN,
  enterAltScreen,
  installTerminalRestore,
  LEAVE_ALT_SCREEN,
  leaveAltScreen,
  type ProcessLike,
  SHOW_CURSOR,
} from '../../src/terminal/alt-screen.js';

class FakeProcess extends EventEmitter {
  exitCodes: number[] = [];
  errors = '';
  stderr = { write: (chunk: string) => (this.errors += chunk) };
  exit(code?: number) {
    this.exitCodes.push(code ?? 0);
  }
}

function terminal() {
  let written = '';
  return {
    write: (chunk: string) => (written += chunk),
    get written() {
      return written;
    },
  };
}

const count = (text: string, part: string) => text.split(part).length - 1;

describe('terminal restore', () => {
  it('leaves the alternate screen and shows the cursor once, on exit', () => {
    const proc = new FakeProcess();
    const out = terminal();
    const env = { TERM: 'xterm-256color' };
    enterAltScreen(out, env);
    installTerminalRestore(out, { process: proc as unknown as ProcessLike, env });
    proc.emit('exit', 0);
    proc.emit('exit', 0);
    expect(out.written.startsWith(ENTER_ALT_SCREEN)).toBe(true);
    expect(count(out.written, LEAVE_ALT_SCREEN)).toBe(1);
    expect(count(out.written, SHOW_CURSOR)).toBe(1);
  });

  it('on SIGTERM restores and exits 143; a SIGHUP hook runs instead of exiting', () => {
    const proc = new FakeProcess();
    const out = terminal();
    const hups: string[] = [];
    const keepGuarding = (signal: string) => hups.push(signal);
    installTerminalRestore(out, {
      process: proc as unknown as ProcessLike,
      onSignal: { SIGHUP: keepGuarding },
      env: { TERM: 'xterm' },
    });
    proc.emit('SIGHUP');
    expect(hups).toEqual(['SIGHUP']);
    expect(proc.exitCodes).toEqual([]);
    expect(out.written).toContain(LEAVE_ALT_SCREEN);
    proc.emit('SIGTERM');
    expect(proc.exitCodes).toEqual([143]);
    expect(count(out.written, LEAVE_ALT_SCREEN)).toBe(1);
  });

  it('on a crash restores first, then says what happened in one line and exits 1', () => {
    const proc = new FakeProcess();
    const out = terminal();
    installTerminalRestore(out, { process: proc as unknown as ProcessLike, env: { TERM: 'xterm' } });
    proc.emit('uncaughtException', new Error('socket hang up'));
    expect(out.written).toContain(LEAVE_ALT_SCREEN);
    expect(proc.errors).toBe('conductor stopped on an unexpected error: socket hang up\n');
    expect(proc.exitCodes).toEqual([1]);
  });

  it('installing twice for one terminal registers the hooks once; uninstall removes them', () => {
    const proc = new FakeProcess();
    const out = terminal();
    const first = installTerminalRestore(out, { process: proc as unknown as ProcessLike });
    const second = installTerminalRestore(out, { process: proc as unknown as ProcessLike });
    expect(second).toBe(first);
    expect(proc.listenerCount('SIGINT')).toBe(1);
    first.uninstall();
    expect(proc.listenerCount('SIGINT')).toBe(0);
    expect(proc.listenerCount('exit')).toBe(0);
  });

  it('gives a real process its terminal back when it is killed with SIGTERM', () => {
    const dir = mkdtempSync(join(tmpdir(), 'conductor-alt-'));
    const source = readFileSync(new URL('../../src/terminal/alt-screen.ts', import.meta.url), 'utf8');
    const js = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    writeFileSync(join(dir, 'alt-screen.mjs'), js);
    writeFileSync(
      join(dir, 'main.mjs'),
      `import { enterAltScreen, installTerminalRestore } from './alt-screen.mjs';
       enterAltScreen(process.stdout);
       installTerminalRestore(process.stdout);
       process.stdout.write('ready\\n', () => process.kill(process.pid, 'SIGTERM'));
       setInterval(() => {}, 1000);`,
    );
    const result = spawnSync(process.execPath, [join(dir, 'main.mjs')], {
      encoding: 'utf8',
      timeout: 15_000,
      env: { ...process.env, TERM: 'xterm-256color' },
    });
    expect(result.status).toBe(143);
    expect(result.stdout.startsWith(ENTER_ALT_SCREEN)).toBe(true);
    expect(result.stdout.endsWith(SHOW_CURSOR + LEAVE_ALT_SCREEN)).toBe(true);
  });

  it('writes nothing to a TERM=dumb terminal: no alternate screen, no paste mode, no cursor codes', () => {
    const proc = new FakeProcess();
    const out = terminal();
    const env = { TERM: 'dumb' };
    enterAltScreen(out, env);
    leaveAltScreen(out, env);
    const handle = installTerminalRestore(out, { process: proc as unknown as ProcessLike, env });
    proc.emit('exit', 0);
    handle.restore();
    expect(out.written).toBe('');
  });

  it('reads TERM from the process when no env is given', () => {
    const dir = mkdtempSync(join(tmpdir(), 'conductor-alt-'));
    const source = readFileSync(new URL('../../src/terminal/alt-screen.ts', import.meta.url), 'utf8');
    const js = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    writeFileSync(join(dir, 'alt-screen.mjs'), js);
    writeFileSync(
      join(dir, 'main.mjs'),
      `import { enterAltScreen, installTerminalRestore, leaveAltScreen } from './alt-screen.mjs';
       enterAltScreen(process.stdout);
       installTerminalRestore(process.stdout);
       process.stdout.write('plain text\\n');
       leaveAltScreen(process.stdout);`,
    );
    const run = (TERM: string) =>
      spawnSync(process.execPath, [join(dir, 'main.mjs')], {
        encoding: 'utf8',
        timeout: 15_000,
        env: { ...process.env, TERM },
      });
    const dumb = run('dumb');
    expect(dumb.status).toBe(0);
    expect(dumb.stdout).toBe('plain text\n');
    expect(run('xterm-256color').stdout.startsWith(ENTER_ALT_SCREEN)).toBe(true);
  });
});
