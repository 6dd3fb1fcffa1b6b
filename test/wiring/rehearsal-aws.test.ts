import { execa } from 'execa';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { acceleratedClock } from '../../src/services/clock.js';
import { inChildProcess, type RehearsalAwsHandle } from '../../src/wiring/rehearsal-aws.js';
import { loadRunbook } from '../../src/wiring/session-runtime.js';
import { BUILD_TIMEOUT_MS, ensureBuilt } from '../e2e/terminal.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function gone(pid: number, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return !alive(pid);
}

async function place(speed = 60) {
  const { runbook } = await loadRunbook('runbooks/bbws.yaml');
  const clockStart = Date.UTC(2026, 10, 29, 21, 0);
  const wallAt = Date.now();
  const clock = acceleratedClock(speed, clockStart);
  return {
    runbook,
    runbookFile: 'runbooks/bbws.yaml',
    promotion: runbook.promotions.find((p) => p.id === 'sit-to-prod')!,
    scenario: 'healthy',
    clock,
    clockStart,
    wallAt,
  };
}

let open: RehearsalAwsHandle | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});

beforeAll(() => ensureBuilt(), BUILD_TIMEOUT_MS);

describe("a rehearsal's stand-in for AWS in a child process", () => {
  it('serves the sandbox and the emulators on loopback, on the same accelerated clock', async () => {
    const options = await place();
    open = await inChildProcess(options);
    const { sandboxUrl, appUrl, dynamodbUrl, s3Url } = open.endpoints;
    for (const url of [sandboxUrl, appUrl, dynamodbUrl, s3Url])
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
    expect(open.pid).not.toBe(process.pid);

    const state = await (await fetch(`${sandboxUrl}/_sandbox/state`)).json();
    expect(state.environment).toBe('prod');
    // One clock: what the child reads is what this process reads, give or take the request's trip.
    expect(Math.abs(state.clock.now - options.clock.now())).toBeLessThan(60 * 1_000);
    expect((await fetch(`${appUrl}/health`)).status).toBe(200);
    // The runbook's bucket exists, made before any command asked for it.
    expect(await (await fetch(`${s3Url}/prod-bbws-content?versioning`)).text()).toContain('Enabled');
  });

  it('ends when closed', async () => {
    const handle = await inChildProcess(await place());
    await handle.close();
    expect(await gone(handle.pid!)).toBe(true);
  });

  it('ends when the conductor that started it is killed (SIGKILL), and ignores a hang-up', async () => {
    const script = `
      import { inChildProcess } from './dist/wiring/rehearsal-aws.js';
      import { acceleratedClock } from './dist/services/clock.js';
      import { loadRunbook } from './dist/wiring/session-runtime.js';
      const { runbook } = await loadRunbook('runbooks/bbws.yaml');
      const clockStart = Date.now();
      const handle = await inChildProcess({
        runbook, runbookFile: 'runbooks/bbws.yaml', promotion: runbook.promotions[1], scenario: 'healthy',
        clock: acceleratedClock(60, clockStart), clockStart, wallAt: Date.now(),
      });
      console.log(JSON.stringify({ pid: handle.pid, url: handle.endpoints.sandboxUrl }));
      setInterval(() => {}, 1000);
    `;
    const parent = execa('node', ['--input-type=module', '-e', script], { reject: false });
    const line = await new Promise<string>((resolve) =>
      parent.stdout?.once('data', (d) => resolve(String(d))),
    );
    const { pid, url } = JSON.parse(line);
    expect(alive(pid)).toBe(true);
    // A terminal's hang-up reaches the conductor's process group, not the child's own.
    process.kill(pid, 'SIGHUP');
    await new Promise((r) => setTimeout(r, 300));
    expect((await fetch(`${url}/_sandbox/state`)).status).toBe(200);

    parent.kill('SIGKILL');
    await parent;
    expect(await gone(pid)).toBe(true);
  }, 30_000);
});
