import { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';

/**
 * The keyboard, read by a thread of its own (issue 15, point 2: abort under 10 ms).
 *
 * The screen's thread renders: a canary frame costs milliseconds, a garbage collection more, and a
 * key that arrives meanwhile waits for them. So the terminal is read here, on a worker thread that
 * does nothing else, and every chunk is handed to Ink (through `stdin`, a stream Ink reads as it
 * reads a terminal). When the chunk is the abort key and the screen has said that key aborts now,
 * the thread also sends the abort line itself, on a connection of its own to the engine: the
 * rollback requests leave whatever the screen is drawing. The screen then handles the same key as
 * before (the engine ignores a second abort), so what the person sees does not change.
 *
 * The thread acts on its own only when the screen's word is current: it says, after each chunk it
 * handed over (once that chunk's effects are rendered), whether `x` and `ctrl+x` abort now. A chunk
 * that arrives before the screen has answered for the one before (`a` opening a form, then `x`
 * typed into it) is left to the screen alone, and only the first key of a chunk is looked at.
 */

/** What the screen says about the abort keys, as of the chunk it last handled. */
export interface AbortKeys {
  /** `x` aborts now (traffic is shifted, no rollback runs, nothing is being typed). */
  x: boolean;
  /** `ctrl+x` aborts now (as x, also while typing). */
  ctrlX: boolean;
}

export type KeyThreadMessage =
  | { t: 'raw'; on: boolean }
  | { t: 'keys'; keys: AbortKeys; ack?: number }
  | { t: 'channel'; socketPath: string; token: string }
  | { t: 'stop' };

export type FromKeyThread =
  | { t: 'chunk'; seq: number; text: string }
  /** The thread sent the abort line itself (`at`: performance.timeOrigin + now, for the bench). */
  | { t: 'aborted'; at: number }
  | { t: 'error'; message: string };

/**
 * The worker's code, run with `eval` so that it needs no file of its own in the build. Plain
 * JavaScript: built-in modules only.
 */
const WORKER_SOURCE = String.raw`
const { parentPort } = require('node:worker_threads');
const tty = require('node:tty');
const net = require('node:net');
const { StringDecoder } = require('node:string_decoder');

const input = new tty.ReadStream(0);
const decoder = new StringDecoder('utf8');
let forwarded = 0;
let acked = 0;
let keys = { x: false, ctrlX: false };
let channel;
let socket;

function connect() {
  if (!channel) return;
  socket?.destroy();
  const s = net.connect(channel.socketPath);
  s.setNoDelay(true);
  s.on('error', () => undefined);
  s.on('data', () => undefined);
  s.on('close', () => { if (socket === s) socket = undefined; });
  socket = s;
}

parentPort.on('message', (m) => {
  if (m.t === 'raw') {
    try { input.setRawMode(m.on); } catch (error) { parentPort.postMessage({ t: 'error', message: String(error) }); }
  } else if (m.t === 'keys') {
    keys = m.keys;
    if (m.ack !== undefined) acked = Math.max(acked, m.ack);
  } else if (m.t === 'channel') {
    if (channel && channel.socketPath === m.socketPath && channel.token === m.token && socket) return;
    channel = { socketPath: m.socketPath, token: m.token };
    connect();
  } else if (m.t === 'stop') {
    try { input.setRawMode(false); } catch {}
    input.destroy();
    socket?.destroy();
    parentPort.close();
  }
});

input.on('data', (chunk) => {
  const text = decoder.write(chunk);
  if (text === '') return;
  const first = text[0];
  const current = acked === forwarded;
  if (current && channel && socket && !socket.connecting && !socket.destroyed &&
      ((first === 'x' && keys.x) || (first === '\x18' && keys.ctrlX))) {
    // Stamped before the write: writing wakes the engine, which may take this thread's core.
    const at = performance.timeOrigin + performance.now();
    socket.write('x ' + channel.token + '\n');
    // Until the screen has handled this chunk, its word on the keys is not current.
    keys = { x: false, ctrlX: false };
    parentPort.postMessage({ t: 'aborted', at });
  }
  forwarded++;
  parentPort.postMessage({ t: 'chunk', seq: forwarded, text });
});
input.on('error', (error) => parentPort.postMessage({ t: 'error', message: String(error) }));
`;

/** The stream Ink reads keys from: fed by the key thread, raw mode set there. */
class KeyStream extends Readable {
  readonly isTTY = true;
  constructor(private readonly worker: Worker) {
    super();
  }
  override _read(): void {}
  setRawMode(on: boolean): this {
    this.worker.postMessage({ t: 'raw', on } satisfies KeyThreadMessage);
    return this;
  }
  ref(): this {
    this.worker.ref();
    return this;
  }
  unref(): this {
    this.worker.unref();
    return this;
  }
}

export interface KeyThread {
  /** Hand this to Ink as its stdin. */
  stdin: NodeJS.ReadStream;
  /** The engine's socket and this driver's token (a watcher has none: the thread never aborts). */
  setChannel(channel: { socketPath: string; token: string } | undefined): void;
  /** What the abort keys do now, from the screen's key context of the frame just drawn. */
  setKeys(keys: AbortKeys): void;
  /** Called when the thread sent an abort itself. */
  onAborted(listener: (at: number) => void): void;
  stop(): void;
}

/** Two turns of the event loop: the render of a chunk and its effects (Ink's legacy root) are done. */
const afterEffects = (then: () => void) => setImmediate(() => setImmediate(then));

/**
 * Starts the key thread. Only for a real terminal on stdin (tests that hand Ink a stream of their
 * own, and CONDUCTOR_KEY_THREAD=0, keep Ink reading process.stdin on the screen's thread).
 */
export function startKeyThread(): KeyThread {
  const worker = new Worker(WORKER_SOURCE, { eval: true });
  const stdin = new KeyStream(worker);
  let keys: AbortKeys = { x: false, ctrlX: false };
  let lastSent = '';
  let channelKey = '';
  let handled = 0;
  const abortedListeners = new Set<(at: number) => void>();
  const post = (message: KeyThreadMessage) => worker.postMessage(message);
  const sendKeys = (ack?: number) => {
    const text = JSON.stringify(keys);
    if (ack === undefined && text === lastSent) return;
    lastSent = text;
    post({ t: 'keys', keys, ...(ack !== undefined ? { ack } : {}) });
  };
  worker.on('message', (message: FromKeyThread) => {
    if (message.t === 'chunk') {
      stdin.push(message.text);
      const seq = message.seq;
      // Answer for this chunk once Ink has handled it and its frame's effects have run.
      afterEffects(() => {
        handled = Math.max(handled, seq);
        sendKeys(handled);
      });
    } else if (message.t === 'aborted') {
      for (const listener of abortedListeners) listener(message.at);
    }
  });
  worker.on('error', () => undefined);
  return {
    stdin: stdin as unknown as NodeJS.ReadStream,
    setChannel(channel) {
      const key = channel ? `${channel.socketPath}\n${channel.token}` : '';
      if (key === channelKey || !channel) return;
      channelKey = key;
      post({ t: 'channel', ...channel });
    },
    setKeys(next) {
      keys = next;
      sendKeys();
    },
    onAborted(listener) {
      abortedListeners.add(listener);
    },
    stop() {
      post({ t: 'stop' });
      worker.unref();
    },
  };
}
