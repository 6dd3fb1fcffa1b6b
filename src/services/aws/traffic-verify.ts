import type { TrafficSplit } from './types.js';

/** What a write should have left behind; compared with what AWS reads back. */
export interface ExpectedSplit {
  apiGateway?: {
    deploymentId: string;
    /** undefined: no canary may carry traffic; a string: this deployment must be the canary. */
    canaryDeploymentId?: string;
    canaryPercent: number;
  };
  lambdas: Array<{
    functionName: string;
    alias: string;
    primaryVersion: string;
    additionalVersion?: string;
    weight: number;
  }>;
}

const percentTolerance = 0.05;
const weightTolerance = 0.0005;

/** One phrase per way the live split differs from the expected one; empty when it matches. */
export function splitMismatches(split: TrafficSplit, expected: ExpectedSplit): string[] {
  const problems: string[] = [];
  const wantStage = expected.apiGateway;
  const stage = split.apiGateway;
  if (wantStage && stage) {
    if (stage.deploymentId !== wantStage.deploymentId) {
      problems.push(
        `stage ${stage.stage} serves deployment ${stage.deploymentId}, not ${wantStage.deploymentId}`,
      );
    }
    if (Math.abs(stage.canaryPercent - wantStage.canaryPercent) > percentTolerance) {
      problems.push(
        `stage ${stage.stage} sends ${stage.canaryPercent}% to its canary, not ${wantStage.canaryPercent}%`,
      );
    }
    if (
      wantStage.canaryDeploymentId !== undefined &&
      stage.canaryDeploymentId !== undefined &&
      stage.canaryDeploymentId !== wantStage.canaryDeploymentId
    ) {
      problems.push(
        `stage ${stage.stage}'s canary is deployment ${stage.canaryDeploymentId}, not ${wantStage.canaryDeploymentId}`,
      );
    }
  }
  for (const want of expected.lambdas) {
    const live = split.lambdas.find(
      (lambda) => lambda.functionName === want.functionName && lambda.alias === want.alias,
    );
    const name = `${want.functionName}:${want.alias}`;
    if (!live) {
      problems.push(`${name} was not read back`);
      continue;
    }
    if (live.primaryVersion !== want.primaryVersion) {
      problems.push(`${name} serves version ${live.primaryVersion}, not ${want.primaryVersion}`);
    }
    const liveWeight = live.additionalVersion === undefined ? 0 : live.additionalWeight;
    if (Math.abs(liveWeight - want.weight) > weightTolerance) {
      problems.push(`${name} sends ${liveWeight * 100}% to another version, not ${want.weight * 100}%`);
    } else if (want.weight > 0 && live.additionalVersion !== want.additionalVersion) {
      problems.push(
        `${name} sends its canary share to version ${live.additionalVersion}, not ${want.additionalVersion}`,
      );
    }
  }
  return problems;
}
