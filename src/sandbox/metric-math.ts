import { ServiceError } from './errors.js';

/**
 * CloudWatch metric math, the part a canary needs: arithmetic over other queries' series
 * (`100*errors/invocations`), unary minus, parentheses, and ABS, SUM/AVG/MIN/MAX of
 * `[a, b]` lists. A series is a map from timestamp (ms) to value.
 */
export type TimeSeries = Map<number, number>;
type Value = TimeSeries | number;

type Node =
  | { kind: 'number'; value: number }
  | { kind: 'ref'; id: string }
  | { kind: 'neg'; operand: Node }
  | { kind: 'binary'; op: '+' | '-' | '*' | '/' | '^'; left: Node; right: Node }
  | { kind: 'call'; name: string; args: Node[] }
  | { kind: 'list'; items: Node[] };

function invalid(expression: string, why: string): ServiceError {
  return new ServiceError('ValidationError', `Invalid metric math expression "${expression}": ${why}.`);
}

function tokenize(expression: string): string[] {
  const tokens = expression.match(
    /\s*(\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|[A-Za-z_][A-Za-z0-9_]*|[-+*/^(),[\]])\s*/g,
  );
  if (!tokens || tokens.join('').replace(/\s/g, '') !== expression.replace(/\s/g, ''))
    throw invalid(expression, 'unexpected character');
  return tokens.map((t) => t.trim());
}

export function parseExpression(expression: string): Node {
  const tokens = tokenize(expression);
  let pos = 0;
  const peek = () => tokens[pos];
  const take = (expected?: string) => {
    const token = tokens[pos++];
    if (expected !== undefined && token !== expected) throw invalid(expression, `expected "${expected}"`);
    if (token === undefined) throw invalid(expression, 'unexpected end');
    return token;
  };
  const sum = (): Node => {
    let left = product();
    while (peek() === '+' || peek() === '-') {
      const op = take() as '+' | '-';
      left = { kind: 'binary', op, left, right: product() };
    }
    return left;
  };
  const product = (): Node => {
    let left = power();
    while (peek() === '*' || peek() === '/') {
      const op = take() as '*' | '/';
      left = { kind: 'binary', op, left, right: power() };
    }
    return left;
  };
  const power = (): Node => {
    const base = unary();
    if (peek() === '^') {
      take();
      return { kind: 'binary', op: '^', left: base, right: power() };
    }
    return base;
  };
  const unary = (): Node => {
    if (peek() === '-') {
      take();
      return { kind: 'neg', operand: unary() };
    }
    if (peek() === '+') take();
    return primary();
  };
  const primary = (): Node => {
    const token = take();
    if (token === '(') {
      const inner = sum();
      take(')');
      return inner;
    }
    if (token === '[') {
      const items: Node[] = [];
      while (peek() !== ']') {
        items.push(sum());
        if (peek() === ',') take();
        else break;
      }
      take(']');
      return { kind: 'list', items };
    }
    if (/^\d/.test(token)) return { kind: 'number', value: Number(token) };
    if (/^[A-Za-z_]/.test(token)) {
      if (peek() === '(') {
        take();
        const args: Node[] = [];
        while (peek() !== ')') {
          args.push(sum());
          if (peek() === ',') take();
          else break;
        }
        take(')');
        return { kind: 'call', name: token.toUpperCase(), args };
      }
      return { kind: 'ref', id: token };
    }
    throw invalid(expression, `unexpected "${token}"`);
  };
  const node = sum();
  if (pos !== tokens.length) throw invalid(expression, `unexpected "${tokens[pos]}"`);
  return node;
}

/** Ids of other queries an expression reads. */
export function referencesOf(node: Node): string[] {
  switch (node.kind) {
    case 'ref':
      return [node.id];
    case 'neg':
      return referencesOf(node.operand);
    case 'binary':
      return [...referencesOf(node.left), ...referencesOf(node.right)];
    case 'call':
      return node.args.flatMap(referencesOf);
    case 'list':
      return node.items.flatMap(referencesOf);
    default:
      return [];
  }
}

function apply(a: Value, b: Value, f: (x: number, y: number) => number): Value {
  const finite = (v: number) => Number.isFinite(v);
  if (typeof a === 'number' && typeof b === 'number') return f(a, b);
  const out: TimeSeries = new Map();
  if (typeof a === 'number') {
    for (const [t, y] of b as TimeSeries) if (finite(f(a, y))) out.set(t, f(a, y));
  } else if (typeof b === 'number') {
    for (const [t, x] of a) if (finite(f(x, b))) out.set(t, f(x, b));
  } else {
    // Timestamps present in both; a division by zero leaves the point out.
    for (const [t, x] of a) {
      const y = b.get(t);
      if (y !== undefined && finite(f(x, y))) out.set(t, f(x, y));
    }
  }
  return out;
}

function reduce(items: Value[], fold: (values: number[]) => number): Value {
  const series = items.filter((v): v is TimeSeries => typeof v !== 'number');
  if (series.length === 0) return fold(items as number[]);
  const times = new Set<number>();
  for (const s of series) for (const t of s.keys()) times.add(t);
  const out: TimeSeries = new Map();
  for (const t of [...times].sort((x, y) => x - y)) {
    const values = items.flatMap((v) => (typeof v === 'number' ? [v] : v.has(t) ? [v.get(t) as number] : []));
    out.set(t, fold(values));
  }
  return out;
}

export function evaluate(node: Node, expression: string, lookup: (id: string) => TimeSeries): Value {
  const run = (n: Node): Value => {
    switch (n.kind) {
      case 'number':
        return n.value;
      case 'ref':
        return lookup(n.id);
      case 'neg':
        return apply(-1, run(n.operand), (x, y) => x * y);
      case 'binary': {
        const ops = {
          '+': (x: number, y: number) => x + y,
          '-': (x: number, y: number) => x - y,
          '*': (x: number, y: number) => x * y,
          '/': (x: number, y: number) => x / y,
          '^': (x: number, y: number) => x ** y,
        };
        return apply(run(n.left), run(n.right), ops[n.op]);
      }
      case 'list':
        throw invalid(expression, 'a [list] may only be passed to SUM, AVG, MIN or MAX');
      case 'call': {
        const listArgs = n.args.length === 1 && n.args[0].kind === 'list' ? n.args[0].items : n.args;
        switch (n.name) {
          case 'ABS':
            return apply(run(n.args[0]), 0, (x) => Math.abs(x));
          case 'SUM':
            return reduce(listArgs.map(run), (v) => v.reduce((s, x) => s + x, 0));
          case 'AVG':
            return reduce(listArgs.map(run), (v) => v.reduce((s, x) => s + x, 0) / v.length);
          case 'MIN':
            return reduce(listArgs.map(run), (v) => Math.min(...v));
          case 'MAX':
            return reduce(listArgs.map(run), (v) => Math.max(...v));
          default:
            throw invalid(expression, `the sandbox does not know the function ${n.name}`);
        }
      }
    }
  };
  return run(node);
}
