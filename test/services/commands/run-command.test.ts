import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCommand } from '../../../src/services/commands/run-command.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'conductor-cmd-'));
});

const node = process.execPath;
const logFileIn = () => join(dir, 'session', 'commands.log');

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor<T>(probe: () => T | undefined, what: string, limitMs = 15_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A script that starts a grandchild sleeping for a minute, prints both pids, then sleeps itself. */
function treeScript(): string {
  const script = join(dir, 'tree.mjs');
  writeFileSync(
    script,
    `import { spawn } from 'node:child_process';
const grandchild = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
console.log('child ' + process.pid);
console.log('grandchild ' + grandchild.pid);
setTimeout(() => {}, 60000);
`,
  );
  return script;
}

const leftovers: number[] = [];
afterEach(() => {
  for (const pid of leftovers.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
});

describe('runCommand', () => {
  it('streams lines from stdout and stderr as they come, keeps a tail and writes the full log', async () => {
    const seen: Array<[string, string]> = [];
    const result = await runCommand({
      argv: [
        node,
        '-e',
        "for (let i = 1; i <= 300; i++) console.log('line ' + i); console.error('warning: deprecated'); process.exit(0)",
      ],
      shell: false,
      env: {},
      timeoutMs: 20_000,
      logFile: logFileIn(),
      onLine: (line, stream) => seen.push([line, stream]),
      maxTailLines: 50,
    });
    expect(result.exitCode).toBe(0);
    expect(result.failure).toBeUndefined();
    expect(seen.filter(([, s]) => s === 'stdout')).toHaveLength(300);
    expect(seen).toContainEqual(['warning: deprecated', 'stderr']);
    expect(result.tail).toHaveLength(50);
    expect(result.tail).toContain('line 300');
    expect(result.tail).not.toContain('line 1');
    const log = readFileSync(logFileIn(), 'utf8');
    expect(log).toContain('line 1\n');
    expect(log).toContain('line 300\n');
    expect(log).toContain('warning: deprecated');
    expect(result.output).toContain('line 300');
  });

  it('delivers the first line before the command ends', async () => {
    const marker = join(dir, 'go');
    let sawFirstWhileRunning = false;
    const result = await runCommand({
      argv: [
        node,
        '-e',
        `const fs = require('node:fs'); console.log('started');
         const wait = setInterval(() => { if (fs.existsSync(${JSON.stringify(marker)})) { clearInterval(wait); console.log('finished'); } }, 20);`,
      ],
      shell: false,
      env: {},
      timeoutMs: 20_000,
      logFile: logFileIn(),
      onLine: (line) => {
        if (line === 'started') {
          sawFirstWhileRunning = true;
          writeFileSync(marker, '');
        }
      },
    });
    expect(sawFirstWhileRunning).toBe(true);
    expect(result.tail).toEqual(['started', 'finished']);
  });

  it('records the exit code and a sentence when a command fails', async () => {
    const result = await runCommand({
      argv: [node, '-e', 'process.exit(3)'],
      shell: false,
      env: {},
      timeoutMs: 20_000,
      logFile: logFileIn(),
    });
    expect(result.exitCode).toBe(3);
    expect(result.failure).toMatch(/failed with exit code 3\.$/);
    expect(readFileSync(logFileIn(), 'utf8')).toMatch(/exit code 3/);
  });

  it('passes the environment over the inherited one and never gives the command stdin', async () => {
    const result = await runCommand({
      argv: [
        node,
        '-e',
        'console.log(process.env.AWS_PROFILE, process.env.ENVIRONMENT, typeof process.env.PATH, process.stdin.isTTY === true)',
      ],
      shell: false,
      env: { AWS_PROFILE: 'bbws-sit', ENVIRONMENT: 'sit' },
      timeoutMs: 20_000,
      logFile: logFileIn(),
    });
    expect(result.tail).toEqual(['bbws-sit sit string false']);
  });

  it('runs argv without a shell unless asked, and with one when the step says shell: true', async () => {
    const literal = await runCommand({
      argv: ['echo', '$HOME', '&&', 'echo', 'two'],
      shell: false,
      env: {},
      timeoutMs: 20_000,
      logFile: logFileIn(),
    });
    expect(literal.tail).toEqual(['$HOME && echo two']);
    const shelled = await runCommand({
      argv: ['echo one', '&&', 'echo $CONDUCTOR_TEST_WORD'],
      shell: true,
      env: { CONDUCTOR_TEST_WORD: 'two' },
      timeoutMs: 20_000,
      logFile: logFileIn(),
    });
    expect(shelled.tail).toEqual(['one', 'two']);
  });

  it('names the missing tool and the command the runbook runs', async () => {
    const result = await runCommand({
      argv: ['terraform-not-installed-here', 'validate'],
      shell: false,
      env: {},
      timeoutMs: 20_000,
      logFile: logFileIn(),
    });
    expect(result.exitCode).toBeNull();
    expect(result.failure).toBe(
      'terraform-not-installed-here is not installed or not on PATH (the runbook runs `terraform-not-installed-here validate`).',
    );
    const viaShell = await runCommand({
      argv: ['echo', 'start', '&&', 'pytest-not-installed-here', 'tests/'],
      shell: true,
      env: {},
      timeoutMs: 20_000,
      logFile: logFileIn(),
    });
    expect(viaShell.exitCode).toBe(127);
    expect(viaShell.failure).toMatch(/^pytest-not-installed-here is not installed or not on PATH/);
  });

  it('says which folder is missing instead of blaming the tool', async () => {
    const result = await runCommand({
      argv: [node, '--version'],
      shell: false,
      cwd: join(dir, 'infra', 'nowhere'),
      env: {},
      timeoutMs: 20_000,
      logFile: logFileIn(),
    });
    expect(result.failure).toMatch(/folder .*nowhere does not exist/);
  });

  it('stops a command at its timeout together with the processes it started', async () => {
    const pids: number[] = [];
    const result = await runCommand({
      argv: [node, treeScript()],
      shell: false,
      env: {},
      timeoutMs: 1_500,
      logFile: logFileIn(),
      onLine: (line) => {
        const match = /^(?:child|grandchild) (\d+)$/.exec(line);
        if (match) pids.push(Number(match[1]));
      },
    });
    leftovers.push(...pids);
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).toBeNull();
    expect(result.failure).toMatch(/did not finish within 1\.5s and was stopped\.$/);
    expect(pids).toHaveLength(2);
    await waitFor(() => pids.every((pid) => !pidAlive(pid)), 'the child and grandchild to be gone');
  });

  it('cancels a process tree on abort and leaves no orphan behind', async () => {
    const controller = new AbortController();
    let grandchild = 0;
    const pending = runCommand({
      argv: [node, treeScript()],
      shell: false,
      env: {},
      timeoutMs: 60_000,
      signal: controller.signal,
      logFile: logFileIn(),
      onLine: (line) => {
        const match = /^grandchild (\d+)$/.exec(line);
        if (match) grandchild = Number(match[1]);
      },
    });
    await waitFor(() => grandchild || undefined, 'the grandchild pid');
    leftovers.push(grandchild);
    expect(pidAlive(grandchild)).toBe(true);
    controller.abort();
    const result = await pending;
    expect(result.canceled).toBe(true);
    expect(result.timedOut).toBe(false);
    expect(result.failure).toMatch(/was canceled and its processes were stopped\.$/);
    await waitFor(() => !pidAlive(grandchild) || undefined, 'the grandchild to be gone');
  });

  it('kills with SIGKILL a tree that ignores SIGTERM', async () => {
    const controller = new AbortController();
    let started = false;
    const pending = runCommand({
      argv: [
        node,
        '-e',
        "process.on('SIGTERM', () => {}); console.log('stubborn'); setInterval(() => {}, 1000)",
      ],
      shell: false,
      env: {},
      timeoutMs: 60_000,
      killGraceMs: 300,
      signal: controller.signal,
      logFile: logFileIn(),
      onLine: () => {
        started = true;
      },
    });
    await waitFor(() => started || undefined, 'the first line');
    controller.abort();
    const result = await pending;
    expect(result.canceled).toBe(true);
    expect(result.signal).toBe('SIGKILL');
  });

  it('stops background processes a finished command left behind', async () => {
    let grandchild = 0;
    const result = await runCommand({
      argv: [
        node,
        '-e',
        `const { spawn } = require('node:child_process');
         const g = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'inherit' });
         console.log('grandchild ' + g.pid); g.unref();`,
      ],
      shell: false,
      env: {},
      timeoutMs: 20_000,
      logFile: logFileIn(),
      onLine: (line) => {
        const match = /^grandchild (\d+)$/.exec(line);
        if (match) grandchild = Number(match[1]);
      },
    });
    leftovers.push(grandchild);
    expect(result.exitCode).toBe(0);
    expect(result.timedOut).toBe(false);
    await waitFor(() => !pidAlive(grandchild) || undefined, 'the background grandchild to be gone');
  });

  it('does not start when already canceled', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await runCommand({
      argv: [node, '--version'],
      shell: false,
      env: {},
      timeoutMs: 20_000,
      signal: controller.signal,
      logFile: logFileIn(),
    });
    expect(result.canceled).toBe(true);
    expect(result.tail).toEqual([]);
  });
});

describe('runCommand output that could drive the terminal', () => {
  it('writes its log 0600, even where the umask would allow more', async () => {
    const previous = process.umask(0o022);
    try {
      const result = await runCommand({
        argv: [node, '-e', 'console.log("hello")'],
        shell: false,
        env: {},
        timeoutMs: 15_000,
        logFile: logFileIn(),
      });
      expect(result.exitCode).toBe(0);
    } finally {
      process.umask(previous);
    }
    expect(statSync(logFileIn()).mode & 0o777).toBe(0o600);
    expect(readFileSync(logFileIn(), 'utf8')).toContain('  hello\n');
  });

  it('an existing log file is made 0600 as it is appended to', async () => {
    mkdirSync(join(dir, 'session'), { recursive: true });
    writeFileSync(logFileIn(), 'earlier\n', { mode: 0o644 });
    chmodSync(logFileIn(), 0o644);
    await runCommand({
      argv: [node, '-e', 'console.log("again")'],
      shell: false,
      env: {},
      timeoutMs: 15_000,
      logFile: logFileIn(),
    });
    expect(statSync(logFileIn()).mode & 0o777).toBe(0o600);
    expect(readFileSync(logFileIn(), 'utf8')).toMatch(/^earlier\n[\s\S]*again/);
  });

  it('hands on lines without escape sequences: no OSC 52, no title change, no colours', async () => {
    const seen: string[] = [];
    const result = await runCommand({
      argv: [
        node,
        '-e',
        'process.stdout.write("\\u001b]52;c;SGVsbG8=\\u0007\\u001b]2;pwned\\u0007\\u001b[31mred\\u001b[0m done\\n")',
      ],
      shell: false,
      env: {},
      timeoutMs: 15_000,
      logFile: logFileIn(),
      onLine: (line) => seen.push(line),
    });
    expect(seen).toEqual(['red done']);
    expect(result.tail).toEqual(['red done']);
    expect(result.output).toBe('red done\n');
  });
});
