import { type Random, seededRandom } from './prng.js';

/**
 * Fault injection per operation. `operation` is "service:Operation" (e.g.
 * "cloudwatch:GetMetricData", "lambda:UpdateAlias"), "service:*", or "*" for every call.
 */
export interface FaultSpec {
  operation: string;
  /** Share of matching calls (0..1) answered with `errorCode`. */
  errorRate?: number;
  /** The service's own error code, e.g. Throttling, TooManyRequestsException, ServiceUnavailable. */
  errorCode?: string;
  /** HTTP status for the error; defaults to the usual status of that code. */
  errorStatus?: number;
  /** Extra delay in real milliseconds. */
  latencyMs?: number;
  /** Extra delay in clock milliseconds (scaled by the clock's speed). */
  clockLatencyMs?: number;
  /** Never answer: the request waits until the client closes the connection. */
  hang?: boolean;
  /** Apply to this many matching calls, then expire. */
  times?: number;
}

export interface FaultDecision {
  hang: boolean;
  /** Real milliseconds before the answer (`latencyMs`). */
  delayRealMs: number;
  /** Milliseconds of the sandbox's clock before the answer (`clockLatencyMs`): slept on the clock. */
  delayClockMs: number;
  error?: { code: string; status?: number };
}

export interface FaultInjector {
  /** Adds faults; a fault for the same operation replaces the previous one. */
  set(spec: FaultSpec | FaultSpec[]): void;
  /** Removes the fault of one operation, or all faults. */
  clear(operation?: string): void;
  list(): FaultSpec[];
  /** What to do with one call (consumes `times`). */
  decide(service: string, operation: string): FaultDecision;
}

function matches(pattern: string, service: string, operation: string): boolean {
  if (pattern === '*') return true;
  const [patternService, patternOperation = '*'] = pattern.split(':');
  if (patternService.toLowerCase() !== service.toLowerCase()) return false;
  return patternOperation === '*' || patternOperation === operation;
}

export function validateFaultSpec(value: unknown): FaultSpec {
  if (typeof value !== 'object' || value === null) throw new Error('a fault must be an object');
  const spec = value as Record<string, unknown>;
  if (typeof spec.operation !== 'string' || spec.operation === '')
    throw new Error('a fault needs an operation such as "cloudwatch:GetMetricData" or "*"');
  const numberField = (name: string, min: number, max: number) => {
    const v = spec[name];
    if (v === undefined) return;
    if (typeof v !== 'number' || !(v >= min && v <= max))
      throw new Error(`fault ${name} must be a number from ${min} to ${max}`);
  };
  numberField('errorRate', 0, 1);
  numberField('latencyMs', 0, 3_600_000);
  numberField('clockLatencyMs', 0, 86_400_000);
  numberField('errorStatus', 400, 599);
  numberField('times', 1, 1_000_000);
  if (spec.errorCode !== undefined && typeof spec.errorCode !== 'string')
    throw new Error('fault errorCode must be a string');
  if (spec.hang !== undefined && typeof spec.hang !== 'boolean')
    throw new Error('fault hang must be true or false');
  return spec as unknown as FaultSpec;
}

export function createFaultInjector(
  initial: FaultSpec[] = [],
  random: Random = seededRandom(7),
): FaultInjector {
  let faults: Array<FaultSpec & { remaining?: number }> = [];
  const injector: FaultInjector = {
    set(spec) {
      for (const one of Array.isArray(spec) ? spec : [spec]) {
        const valid = validateFaultSpec(one);
        faults = faults.filter((f) => f.operation !== valid.operation);
        faults.push({ ...valid, remaining: valid.times });
      }
    },
    clear(operation) {
      faults = operation === undefined ? [] : faults.filter((f) => f.operation !== operation);
    },
    list() {
      return faults.map(({ remaining, ...spec }) =>
        remaining === undefined ? spec : { ...spec, times: remaining },
      );
    },
    decide(service, operation) {
      const decision: FaultDecision = { hang: false, delayRealMs: 0, delayClockMs: 0 };
      for (const fault of faults) {
        if (!matches(fault.operation, service, operation)) continue;
        let applied = false;
        if (fault.hang) {
          decision.hang = true;
          applied = true;
        }
        if (fault.latencyMs) {
          decision.delayRealMs += fault.latencyMs;
          applied = true;
        }
        if (fault.clockLatencyMs) {
          decision.delayClockMs += fault.clockLatencyMs;
          applied = true;
        }
        if (fault.errorRate !== undefined && !decision.error && random() < fault.errorRate) {
          decision.error = { code: fault.errorCode ?? '', status: fault.errorStatus };
          applied = true;
        }
        if (applied && fault.remaining !== undefined) fault.remaining -= 1;
      }
      faults = faults.filter((f) => f.remaining === undefined || f.remaining > 0);
      return decision;
    },
  };
  injector.set(initial);
  return injector;
}
