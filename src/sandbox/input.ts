import { ServiceError } from './errors.js';

/** Loose readers for request inputs that arrive as JSON (typed) or as awsQuery forms (strings). */

export type Input = Record<string, unknown>;

export function obj(value: unknown): Input {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Input) : {};
}

export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

export function num(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return undefined;
}

export function bool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

/** Epoch seconds (JSON protocols) or ISO 8601 text (query protocols), as epoch milliseconds. */
export function timestampMs(value: unknown): number | undefined {
  if (typeof value === 'number') return value * 1000;
  if (typeof value === 'string') {
    if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? undefined : parsed;
  }
  return undefined;
}

export function required<T>(value: T | undefined, name: string, code = 'ValidationError'): T {
  if (value === undefined)
    throw new ServiceError(
      code,
      `1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`,
    );
  return value;
}

/**
 * awsQuery form fields into nested input: `A.member.2.B=x` becomes `{A: [, {B: 'x'}]}`,
 * `M.entry.1.key=k&M.entry.1.value=v` becomes `{M: {k: 'v'}}`.
 */
export function parseQueryForm(params: URLSearchParams): Input {
  const root: Input = {};
  for (const [key, value] of params) {
    if (key === 'Action' || key === 'Version') continue;
    const parts = key.split('.');
    let node: Input | unknown[] = root;
    for (let i = 0; i < parts.length; i++) {
      let part: string | number = parts[i];
      if ((part === 'member' || part === 'entry') && i + 1 < parts.length && /^\d+$/.test(parts[i + 1])) {
        i++;
        part = Number(parts[i]) - 1;
      }
      const last = i === parts.length - 1;
      const container = node as Record<string | number, unknown>;
      if (last) {
        container[part] = value;
        break;
      }
      const next = parts[i + 1];
      if (container[part] === undefined) container[part] = next === 'member' ? [] : {};
      node = container[part] as Input | unknown[];
    }
  }
  return foldEntries(root) as Input;
}

/** Turns `[{key, value}, ...]` lists (from `.entry.N.`) into plain maps. */
function foldEntries(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(foldEntries);
  if (typeof value !== 'object' || value === null) return value;
  const out: Input = {};
  for (const [k, v] of Object.entries(value)) {
    if (
      !Array.isArray(v) &&
      typeof v === 'object' &&
      v !== null &&
      Object.keys(v).every((n) => /^\d+$/.test(n))
    ) {
      const entries = Object.values(v as Record<string, { key?: string; value?: unknown }>);
      if (entries.every((e) => typeof e === 'object' && e !== null && 'key' in e)) {
        out[k] = Object.fromEntries(entries.map((e) => [e.key, e.value]));
        continue;
      }
    }
    out[k] = foldEntries(v);
  }
  return out;
}
