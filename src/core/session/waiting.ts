/**
 * A pending request from the engine to the person: what it waits for. Not journaled (it is worked
 * out again by the loop after a restart); the screens show it and the socket sends it as it changes.
 */
export interface Waiting {
  step?: string;
  kind:
    | 'confirm'
    | 'dangerous'
    | 'rerun'
    | 'approval'
    | 'gonogo'
    | 'traffic-guard'
    /** The canary's first traffic waits for the person's decision (`start: manual`). */
    | 'canary-start'
    | 'stage-decision'
    | 'drift'
    | 'halted'
    /** An AWS call failed and is tried again after a wait: said on screen, with the wait. */
    | 'retrying'
    /** A command the previous engine started still runs: the step waits for it (or for stopOrphan). */
    | 'orphan';
  message: string;
}
