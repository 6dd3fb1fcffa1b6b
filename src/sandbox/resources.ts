import type { ApiGatewayTarget, CanaryStep, LambdaTarget, Runbook } from '../core/runbook/schema.js';
import { type AppAnswer, appAnswersOf } from './app-paths.js';
import type { DeclaredExtraMetric } from './declared-metrics.js';
import { lambdasNamedBy } from './named-lambdas.js';
import { type Random, randomUuid } from './prng.js';

/** The AWS control-plane state the sandbox serves: one API Gateway REST API and the canary's Lambdas. */

export interface LambdaVersion {
  version: string;
  description: string;
  codeSha256: string;
  lastModified: number;
}

export interface LambdaAlias {
  name: string;
  functionVersion: string;
  /** AdditionalVersionWeights: version -> weight 0..1 (at most one entry). */
  weights: Record<string, number>;
  description: string;
  revisionId: string;
}

export interface LambdaFunction {
  name: string;
  arn: string;
  versions: LambdaVersion[];
  aliases: Map<string, LambdaAlias>;
  /** $LATEST's code when it was updated after the newest published version (UpdateFunctionCode). */
  latest?: LambdaVersion;
  stableVersion: string;
  canaryVersion: string;
  memorySize: number;
  timeout: number;
  revisionId: string;
}

export interface Deployment {
  id: string;
  description: string;
  createdDate: number;
}

export interface CanarySettings {
  percentTraffic: number;
  deploymentId: string;
  stageVariableOverrides: Record<string, string>;
  useStageCache: boolean;
}

export interface Stage {
  stageName: string;
  deploymentId: string;
  description: string;
  variables: Record<string, string>;
  canarySettings?: CanarySettings;
  createdDate: number;
  lastUpdatedDate: number;
}

export interface RestApi {
  id: string;
  name: string;
  description: string;
  createdDate: number;
  stages: Map<string, Stage>;
  deployments: Deployment[];
}

export const STABLE_DEPLOYMENT_ID = 'dep-stable0001';
export const CANARY_DEPLOYMENT_ID = 'dep-canary0002';

export interface CanaryTargets {
  promotionId: string;
  environmentId: string;
  accountId: string;
  region: string;
  apiGateway?: ApiGatewayTarget;
  lambdas: LambdaTarget[];
  /** Series the runbook's monitor steps watch besides the canary's (e.g. DynamoDB). */
  extraMetrics: DeclaredExtraMetric[];
  /** The canary's judging window: a Sum the monitor judges adds up this many minutes. */
  windowMs: number;
  /**
   * 'canary': the release is already published beside the stable version (the canary moves traffic
   * to it); 'deploy': a promotion without a canary, whose own commands publish the release and move
   * the aliases to it (the sandbox starts with the stable version only).
   */
  release: 'canary' | 'deploy';
  /** The application requests the promotion makes, with what its checks expect (app-paths.ts). */
  appAnswers: Record<string, AppAnswer>;
}

/** Finds the promotion (given, or the first with a canary step) and its canary step's targets. */
export function canaryTargetsOf(runbook: Runbook, promotionId?: string): CanaryTargets {
  const promotions = promotionId
    ? runbook.promotions.filter((p) => p.id === promotionId)
    : runbook.promotions.filter((p) => p.phases.some((ph) => ph.steps.some((s) => s.kind === 'canary')));
  const promotion = promotions[0];
  if (!promotion) {
    throw new Error(
      promotionId
        ? `The runbook has no promotion "${promotionId}" (it has ${runbook.promotions.map((p) => p.id).join(', ')}).`
        : 'The runbook has no promotion with a canary step, so there is nothing to rehearse against.',
    );
  }
  const steps = promotion.phases.flatMap((phase) => phase.steps);
  const canary = steps.find((s): s is CanaryStep => s.kind === 'canary');
  const environment = runbook.environments.find((e) => e.id === promotion.to);
  if (!environment)
    throw new Error(`Promotion "${promotion.id}" targets unknown environment "${promotion.to}".`);
  const extraMetrics = steps.flatMap((s) =>
    s.kind === 'monitor'
      ? s.extraMetrics.map((m) => ({
          namespace: m.namespace,
          metric: m.metric,
          dimensions: m.dimensions,
          stat: m.stat,
          unit: m.unit,
          max: m.max,
          rollbackAbove: m.rollbackAbove,
        }))
      : [],
  );
  return {
    promotionId: promotion.id,
    environmentId: environment.id,
    accountId: environment.accountId,
    region: environment.region,
    apiGateway: canary?.targets.apiGateway,
    // Without a canary, the Lambdas are those the promotion's commands name, on an alias named
    // after the environment (as the canary's aliases are): what its deploy commands update.
    lambdas: canary?.targets.lambdas ?? lambdasNamedBy(runbook, promotion, environment.id),
    extraMetrics,
    windowMs: canary?.window ?? 300_000,
    release: canary ? 'canary' : 'deploy',
    appAnswers: appAnswersOf(promotion),
  };
}

const DAY = 86_400_000;

export function seedLambda(
  target: LambdaTarget,
  targets: CanaryTargets,
  now: number,
  random: Random,
): LambdaFunction {
  const canaryVersion =
    target.canaryVersion && /^\d+$/.test(target.canaryVersion) ? target.canaryVersion : '42';
  const stableVersion = String(Math.max(1, Number(canaryVersion) - 1));
  const versions: LambdaVersion[] = [];
  // A deploy publishes the release itself: until then the stable version is the newest.
  const count = targets.release === 'deploy' ? Number(stableVersion) : Number(canaryVersion);
  for (let v = 1; v <= count; v++) {
    versions.push({
      version: String(v),
      description: v === count && targets.release === 'canary' ? 'new release (canary)' : `release ${v}`,
      codeSha256: `${Buffer.from(`${target.functionName}:${v}`).toString('base64').slice(0, 43).padEnd(43, 'A')}=`,
      lastModified: now - (count - v) * DAY - (v === count && targets.release === 'canary' ? 0 : 3_600_000),
    });
  }
  const alias: LambdaAlias = {
    name: target.alias,
    functionVersion: stableVersion,
    weights: {},
    description: `${target.alias} traffic`,
    revisionId: randomUuid(random),
  };
  return {
    name: target.functionName,
    arn: `arn:aws:lambda:${targets.region}:${targets.accountId}:function:${target.functionName}`,
    versions,
    aliases: new Map([[alias.name, alias]]),
    stableVersion,
    canaryVersion,
    memorySize: 512,
    timeout: 30,
    revisionId: randomUuid(random),
  };
}

export function seedRestApi(target: ApiGatewayTarget, lambdaAlias: string | undefined, now: number): RestApi {
  const seconds = (ms: number) => Math.floor(ms / 1000);
  const stage: Stage = {
    stageName: target.stage,
    deploymentId: STABLE_DEPLOYMENT_ID,
    description: `${target.stage} stage`,
    variables: lambdaAlias ? { lambdaAlias } : {},
    canarySettings: {
      percentTraffic: 0,
      deploymentId: CANARY_DEPLOYMENT_ID,
      stageVariableOverrides: {},
      useStageCache: false,
    },
    createdDate: seconds(now - 90 * DAY),
    lastUpdatedDate: seconds(now - 30 * 60_000),
  };
  return {
    id: target.restApiId,
    name: target.apiName,
    description: `${target.apiName} (rehearsal)`,
    createdDate: seconds(now - 90 * DAY),
    stages: new Map([[stage.stageName, stage]]),
    deployments: [
      { id: STABLE_DEPLOYMENT_ID, description: 'stable release', createdDate: seconds(now - 7 * DAY) },
      {
        id: CANARY_DEPLOYMENT_ID,
        description: 'new release (canary)',
        createdDate: seconds(now - 30 * 60_000),
      },
    ],
  };
}
