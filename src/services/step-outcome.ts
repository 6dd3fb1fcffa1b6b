/** One measurement a checked step records as evidence: its value, the limit it is held to, and whether it held. */
export interface MeasuredEvidence {
  id: string;
  /** A step's own measurement, not one of the facts a runbook's evidence rules name. */
  fact: 'custom';
  value: number | null;
  limit?: string;
  ok: boolean;
  detail: string;
}

/** A checked step's result (http, load) in the shape the engine records: one line of detail and evidence rows. */
export interface StepOutcome<Result> {
  ok: boolean;
  detail: string;
  evidence: MeasuredEvidence[];
  durationMs: number;
  result: Result;
}

/** The evidence row `<step id>-<measure>`, e.g. `sit-health-latency`. */
export function measuredEvidence(
  stepId: string,
  measure: string,
  row: Omit<MeasuredEvidence, 'id' | 'fact'>,
): MeasuredEvidence {
  return { id: `${stepId}-${measure}`, fact: 'custom', ...row };
}
