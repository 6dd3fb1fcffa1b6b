/** A limit drawn on a chart (pass, no-go, rollback): its own file, so the scale and the plot share it. */
export type ThresholdKind = 'pass' | 'nogo' | 'rollback';
export interface ChartThreshold {
  label: string;
  value: number;
  kind: ThresholdKind;
}
