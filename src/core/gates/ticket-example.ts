import type { Environment, Promotion, Runbook } from '../runbook/schema.js';
import { environmentOf } from '../session/selectors.js';

/**
 * A change ticket the autopilot (and a rehearsal's start form) can type: the runbook's
 * `ticketExample` when it declares one, else one made up to match the ticket pattern.
 *
 * Only the common subset of regular expressions is read: literals and escaped literals, `\d` `\w`
 * `\s` and their negations, `.`, character classes (`[A-Z0-9]`, `[^...]`), groups (the first
 * alternative of `a|b`), anchors and the quantifiers `{n}` `{n,}` `{n,m}` `+` `*` `?`. Anything
 * else (back-references, lookarounds, `\b`, unicode escapes) is "too complex": the runbook must then
 * declare `ticketExample`. Whatever is produced is checked against the pattern before it is used.
 */

/** Characters a generated ticket may use, in the order they are picked. */
const POOL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ1234567890abcdefghijklmnopqrstuvwxyz-_./#: ';
/** How many times an open-ended quantifier (`+`, `*`, `{n,}`) repeats, at least. */
const OPEN_REPEAT = 4;

class TooComplex extends Error {}

/** One piece of a pattern: how to write it the `index`-th time it repeats. */
type Piece = (index: number) => string;

function fromSet(atom: string): Piece {
  let matcher: RegExp;
  try {
    matcher = new RegExp(`^${atom}$`);
  } catch {
    throw new TooComplex();
  }
  const members = [...POOL].filter((c) => matcher.test(c));
  if (members.length === 0) throw new TooComplex();
  return (index) => members[index % members.length];
}

class PatternReader {
  private at = 0;
  constructor(private readonly source: string) {}

  /** The whole pattern: the first alternative of its top level. */
  read(): string {
    const text = this.alternatives();
    if (this.at !== this.source.length) throw new TooComplex();
    return text;
  }

  private alternatives(): string {
    const first = this.sequence();
    while (this.source[this.at] === '|') {
      this.at++;
      this.sequence();
    }
    return first;
  }

  private sequence(): string {
    let text = '';
    while (this.at < this.source.length && this.source[this.at] !== '|' && this.source[this.at] !== ')') {
      const piece = this.atom();
      const { min, max } = this.quantifier();
      const count = Math.min(Math.max(OPEN_REPEAT, min), max ?? Number.POSITIVE_INFINITY);
      for (let i = 0; i < count; i++) text += piece(i);
    }
    return text;
  }

  private atom(): Piece {
    const s = this.source;
    const c = s[this.at];
    if (c === '^' || c === '$') {
      this.at++;
      return () => '';
    }
    if (c === '(') {
      this.at++;
      if (s.startsWith('?:', this.at)) this.at += 2;
      else if (s.startsWith('?<', this.at) && /^\?<[A-Za-z_$][\w$]*>/.test(s.slice(this.at))) {
        this.at = s.indexOf('>', this.at) + 1;
      } else if (s[this.at] === '?') throw new TooComplex();
      const group = this.alternatives();
      if (s[this.at] !== ')') throw new TooComplex();
      this.at++;
      return () => group;
    }
    if (c === '[') {
      const end = this.classEnd(this.at);
      const atom = s.slice(this.at, end);
      this.at = end;
      return fromSet(atom);
    }
    if (c === '\\') {
      const next = s[this.at + 1];
      if (next === undefined) throw new TooComplex();
      this.at += 2;
      if ('dDwWsS'.includes(next)) return fromSet(`\\${next}`);
      // An escaped punctuation mark is itself; letter and digit escapes (\b, \1, \u...) are not read.
      if (/[A-Za-z0-9]/.test(next)) throw new TooComplex();
      return () => next;
    }
    if (c === '.') {
      this.at++;
      return fromSet('.');
    }
    if ('*+?{}]'.includes(c)) throw new TooComplex();
    this.at++;
    return () => c;
  }

  /** Where the class that opens at `from` ends (just past its `]`). */
  private classEnd(from: number): number {
    const s = this.source;
    let i = from + 1;
    if (s[i] === '^') i++;
    if (s[i] === ']') i++;
    while (i < s.length && s[i] !== ']') i += s[i] === '\\' ? 2 : 1;
    if (i >= s.length) throw new TooComplex();
    return i + 1;
  }

  private quantifier(): { min: number; max?: number } {
    const s = this.source;
    const c = s[this.at];
    let bounds: { min: number; max?: number } = { min: 1, max: 1 };
    if (c === '*') bounds = { min: 0 };
    else if (c === '+') bounds = { min: 1 };
    else if (c === '?') bounds = { min: 0, max: 1 };
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(s.slice(this.at));
      if (!m) throw new TooComplex();
      const min = Number(m[1]);
      const max = m[2] === undefined ? min : m[3] === '' ? undefined : Number(m[3]);
      this.at += m[0].length - 1;
      bounds = { min, max };
    } else return bounds;
    this.at++;
    // A lazy quantifier matches the same strings.
    if (s[this.at] === '?') this.at++;
    return bounds;
  }
}

/** A string that matches `pattern` (anchored, as the ticket check reads it), or undefined when the pattern is too complex. */
export function ticketMatching(pattern: string): string | undefined {
  let whole: RegExp;
  try {
    whole = new RegExp(`^(?:${pattern})$`);
  } catch {
    return undefined;
  }
  let text: string;
  try {
    text = new PatternReader(pattern).read();
  } catch (error) {
    if (error instanceof TooComplex) return undefined;
    throw error;
  }
  return text.trim() !== '' && whole.test(text) ? text : undefined;
}

/** A ticket used when nothing says otherwise and the environment has no pattern. */
const PLAIN_TICKET = 'CHG-2041';

/**
 * The ticket a rehearsal types for `env` when nobody typed one: its `ticketExample`, else one
 * generated from its pattern. A string sentence when neither can be had.
 */
export function exampleTicket(env: Environment): { ticket: string } | { problem: string } {
  const { pattern, ticketExample } = env.changeTicket;
  if (ticketExample !== undefined) return { ticket: ticketExample };
  if (pattern === undefined) return { ticket: PLAIN_TICKET };
  const ticket = ticketMatching(pattern);
  if (ticket !== undefined) return { ticket };
  return {
    problem: `The change-ticket pattern of ${env.title} (${pattern}) is too complex to make up a ticket from; add \`ticketExample\` (a ticket that matches it) next to the pattern in the runbook.`,
  };
}

/** The ticket a rehearsal of `promotion` types when none is given: its target environment's example. */
export function rehearsalTicket(
  runbook: Runbook,
  promotion: Promotion,
): { ticket: string } | { problem: string } {
  const env = environmentOf(runbook, promotion.to);
  return env ? exampleTicket(env) : { ticket: PLAIN_TICKET };
}
