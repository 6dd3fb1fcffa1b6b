import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * A command writes its output into files, never into a pipe its engine holds: when the engine is
 * SIGKILLed the command runs on to its end (a pipe with no reader kills a chatty `terraform apply`
 * on its next line), and what it printed after is on disk beside the log. The engine here is the
 * built runCommand in a process of its own (`npm test` builds dist first).
 */
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const node = process.execPath;

const groups: number[] = [];
afterEach(() => {
  for (const pgid of groups.splice(0)) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {}
  }
});

async function until(predicate: () => boolean, what: string, limitMs = 20_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen in time`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('command output capture', () => {
  it('a command printing a line every 20 ms runs to its end after its engine is SIGKILLed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'conductor-capture-'));
    const log = join(dir, 'deploy.1.log');
    const done = join(dir, 'done');
    const chatty = `let n = 0; const t = setInterval(() => { console.log('line ' + ++n); if (n === 60) { clearInterval(t); require('node:fs').writeFileSync(${JSON.stringify(done)}, String(n)); } }, 20);`;
    const engineScript = `
      import { runCommand } from ${JSON.stringify(`${repo}/dist/services/commands/run-command.js`)};
      await runCommand({
        argv: [${JSON.stringify(node)}, '-e', ${JSON.stringify(chatty)}],
        shell: false, env: {}, timeoutMs: 60_000, logFile: ${JSON.stringify(log)},
        onStart: (group) => process.stdout.write('pgid ' + group.pgid + '\\n'),
        onLine: (line) => { if (line === 'line 3') process.stdout.write('ready\\n'); },
      });`;
    const engine = execa(node, ['--input-type=module', '-e', engineScript], { reject: false });
    let out = '';
    engine.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    await until(() => out.includes('ready'), 'the engine reading the first lines');
    const pgid = Number(/pgid (\d+)/.exec(out)?.[1]);
    groups.push(pgid);
    engine.kill('SIGKILL');
    await engine;
    await until(() => existsSync(done), 'the command finishing after its engine died', 20_000);
    expect(readFileSync(done, 'utf8')).toBe('60');
    // What it printed with nobody reading is on disk, private.
    const captured = readFileSync(`${log}.stdout`, 'utf8');
    expect(captured).toContain('line 3\n');
    expect(captured).toContain('line 60\n');
    expect(statSync(`${log}.stdout`).mode & 0o777).toBe(0o600);
  }, 60_000);
});
