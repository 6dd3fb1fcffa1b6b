import { createInterface, type Interface } from 'node:readline';
import { safeText } from '../core/text/safe-text.js';
import type { Ask, Question } from './init-questions.js';

/**
 * The line-by-line prompt of `conductor init`: one question a line, its default in brackets, enter
 * accepts it, a wrong answer is told in one sentence and asked again. Plain readline rather than a
 * full-screen form: the questions depend on earlier answers (one set per environment, API Gateway
 * only when there is one), the answers stay in the scrollback to read back, it needs nothing of the
 * terminal beyond a line discipline (a dumb terminal over SSH works), and answers can be piped in.
 */

/** The person left before the last answer (ctrl+c, or the input ended): nothing is written. */
export class PromptQuit extends Error {
  constructor(readonly how: 'interrupted' | 'ended') {
    super(how === 'interrupted' ? 'interrupted' : 'input ended');
    this.name = 'PromptQuit';
  }
}

export interface PromptStreams {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Whether input is a terminal: readline then edits the line and turns ctrl+c into SIGINT. */
  terminal: boolean;
}

export class LinePrompt {
  private readonly rl: Interface;
  /** Lines typed (or piped) ahead of their question: readline hands them over at once. */
  private readonly queued: string[] = [];
  private waiting: { resolve: (line: string) => void; reject: (error: PromptQuit) => void } | undefined;
  private quit: PromptQuit | undefined;

  constructor(private readonly streams: PromptStreams) {
    this.rl = createInterface({ input: streams.input, output: streams.output, terminal: streams.terminal });
    this.rl.on('line', (line) => {
      if (this.waiting) {
        const { resolve } = this.waiting;
        this.waiting = undefined;
        resolve(line);
      } else this.queued.push(line);
    });
    // In raw mode ctrl+c is a key, not a signal: readline reports it here.
    this.rl.on('SIGINT', () => this.stop(new PromptQuit('interrupted')));
    this.rl.on('close', () => this.stop(new PromptQuit('ended')));
  }

  private stop(quit: PromptQuit): void {
    this.quit ??= quit;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(this.quit);
    this.rl.close();
  }

  private nextLine(): Promise<string> {
    const line = this.queued.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.quit) return Promise.reject(this.quit);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  private write(text: string): void {
    this.streams.output.write(safeText(text));
  }

  readonly ask: Ask = async <T>(question: Question<T>): Promise<T> => {
    for (;;) {
      this.rl.setPrompt(safeText(`${question.prompt} [${question.default}]: `));
      this.rl.prompt();
      const line = await this.nextLine();
      // A piped answer is not echoed by a terminal: write it, so the transcript reads as a dialogue.
      if (!this.streams.terminal) this.write(`${line}\n`);
      const read = question.read(line.trim() === '' ? question.default : line);
      if (read.ok) return read.value;
      this.write(`  ${read.problem}\n`);
    }
  };

  close(): void {
    this.rl.close();
  }
}
