import { describe, expect, it } from 'vitest';
import type { RollbackTargetRecord, TrafficSnapshot } from '../../src/core/session/events.js';
import type { SessionState } from '../../src/core/session/state.js';
import { driftDetails } from '../../src/engine/drift.js';

const target: RollbackTargetRecord = {
  apiGateway: { restApiId: 'api', stage: 'prod', deploymentId: 'd-stable', canaryDeploymentId: 'd-new' },
  lambdas: [{ functionName: 'auth', alias: 'prod', stableVersion: '41', canaryVersion: '42' }],
};

/** What the split reads while the revert lands: the stage back at 0, the alias still at 25%. */
const halfReverted: TrafficSnapshot = {
  apiGateway: { restApiId: 'api', stage: 'prod', deploymentId: 'd-stable', canaryPercent: 0 },
  lambdas: [
    {
      functionName: 'auth',
      alias: 'prod',
      primaryVersion: '41',
      additionalVersion: '42',
      additionalWeight: 0.25,
    },
  ],
  readAt: 0,
};

function stateAt25(rollback?: { revertedAt?: number }): SessionState {
  return {
    rollbackTarget: target,
    recordedWeight: 25,
    canary: { promoted: false, stages: [] },
    ...(rollback && { rollback: { startedAt: 1, trigger: 'conductor', ...rollback } }),
  } as unknown as SessionState;
}

describe('drift: the live split against the journal', () => {
  it('a split that differs from the recorded stage is drift', () => {
    expect(driftDetails(stateAt25(), halfReverted)).toEqual([
      'API Gateway stage prod: canary at 0% live, 25% in the journal',
    ]);
  });

  it('is not looked for while a rollback moves the split back on purpose', () => {
    expect(driftDetails(stateAt25({}), halfReverted)).toEqual([]);
  });

  it('is looked for again once the revert has landed: the split must then be all stable', () => {
    expect(driftDetails(stateAt25({ revertedAt: 2 }), halfReverted).join('\n')).toMatch(/auth/);
  });
});
