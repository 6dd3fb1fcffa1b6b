import { ServiceError } from './errors.js';
import { bool, list, num, obj, str } from './input.js';
import { randomHex } from './prng.js';
import type { CanarySettings, RestApi, Stage } from './resources.js';
import { matchRestRoute, type RestMatch, type RestRoute } from './rest-routes.js';
import type { World } from './world.js';

/** API Gateway (v1, REST APIs) REST-JSON operations. */

const badRequest = (message: string) => new ServiceError('BadRequestException', message, 400);
const notFound = (message: string) => new ServiceError('NotFoundException', message, 404);

function findApi(world: World, id: string): RestApi {
  const api = world.restApis.get(id);
  if (!api) throw notFound('Invalid API identifier specified');
  return api;
}

function findStage(api: RestApi, name: string): Stage {
  const stage = api.stages.get(name);
  if (!stage) throw notFound('Invalid Stage identifier specified');
  return stage;
}

function stageOut(stage: Stage) {
  return {
    stageName: stage.stageName,
    deploymentId: stage.deploymentId,
    description: stage.description,
    variables: { ...stage.variables },
    canarySettings: stage.canarySettings
      ? {
          percentTraffic: stage.canarySettings.percentTraffic,
          deploymentId: stage.canarySettings.deploymentId,
          stageVariableOverrides: { ...stage.canarySettings.stageVariableOverrides },
          useStageCache: stage.canarySettings.useStageCache,
        }
      : undefined,
    cacheClusterEnabled: false,
    cacheClusterStatus: 'NOT_AVAILABLE',
    methodSettings: {},
    tracingEnabled: false,
    createdDate: stage.createdDate,
    lastUpdatedDate: stage.lastUpdatedDate,
  };
}

function apiOut(api: RestApi) {
  return {
    id: api.id,
    name: api.name,
    description: api.description,
    createdDate: api.createdDate,
    apiKeySource: 'HEADER',
    endpointConfiguration: { types: ['REGIONAL'] },
    disableExecuteApiEndpoint: false,
  };
}

function percentOf(value: unknown): number {
  const pct = num(value);
  if (pct === undefined || pct < 0 || pct > 100)
    throw badRequest(
      `Invalid value for percentTraffic: "${String(value)}". It must be a number from 0.0 to 100.0.`,
    );
  return pct;
}

function page<T>(items: T[], query: URLSearchParams): { item: T[]; position?: string } {
  const start = Number(query.get('position') ?? 0) || 0;
  const limit = Math.min(Number(query.get('limit') ?? 25) || 25, 500);
  return {
    item: items.slice(start, start + limit),
    position: start + limit < items.length ? String(start + limit) : undefined,
  };
}

/** Applies the patch operations all-or-nothing: on any bad operation the stage is unchanged. */
function applyPatch(api: RestApi, original: Stage, operations: Array<Record<string, unknown>>): Stage {
  const stage: Stage = structuredClone(original);
  const needCanary = (path: string): CanarySettings => {
    if (!stage.canarySettings) throw badRequest(`Cannot apply ${path}: the stage has no canary settings.`);
    return stage.canarySettings;
  };
  const deploymentExists = (id: string) => {
    if (!api.deployments.some((d) => d.id === id)) throw badRequest(`Invalid deployment id: ${id}`);
  };
  for (const operation of operations) {
    const op = str(operation.op) ?? '';
    const path = str(operation.path) ?? '';
    const value = operation.value;
    const from = str(operation.from);
    const where = `${op} ${path}`;
    if (op === 'replace' && path === '/canarySettings/percentTraffic')
      needCanary(path).percentTraffic = percentOf(value);
    else if (op === 'replace' && path === '/canarySettings/deploymentId') {
      deploymentExists(str(value) ?? '');
      needCanary(path).deploymentId = str(value) ?? '';
    } else if (op === 'replace' && path === '/canarySettings/useStageCache')
      needCanary(path).useStageCache = bool(value) ?? false;
    else if (op === 'replace' && path.startsWith('/canarySettings/stageVariableOverrides/'))
      needCanary(path).stageVariableOverrides[path.split('/')[3]] = str(value) ?? '';
    else if (op === 'remove' && path.startsWith('/canarySettings/stageVariableOverrides/'))
      delete needCanary(path).stageVariableOverrides[path.split('/')[3]];
    else if (op === 'remove' && path === '/canarySettings') stage.canarySettings = undefined;
    else if (op === 'copy' && path === '/deploymentId' && from === '/canarySettings/deploymentId')
      stage.deploymentId = needCanary(from).deploymentId;
    else if (op === 'copy' && path === '/variables' && from === '/canarySettings/stageVariableOverrides')
      Object.assign(stage.variables, needCanary(from).stageVariableOverrides);
    else if (op === 'replace' && path === '/deploymentId') {
      deploymentExists(str(value) ?? '');
      stage.deploymentId = str(value) ?? '';
    } else if (op === 'replace' && path.startsWith('/variables/'))
      stage.variables[path.split('/')[2]] = str(value) ?? '';
    else if (op === 'remove' && path.startsWith('/variables/')) delete stage.variables[path.split('/')[2]];
    else if (op === 'replace' && path === '/description') stage.description = str(value) ?? '';
    else
      throw badRequest(
        `Invalid patch operation specified. Must be one of: [replace, copy, remove] on a supported path; got "${where}".`,
      );
  }
  return stage;
}

const routes: RestRoute[] = [
  {
    method: 'GET',
    pattern: /^\/restapis\/?$/,
    names: [],
    operation: 'GetRestApis',
    handle: (world, call) => ({
      status: 200,
      body: page([...world.restApis.values()].map(apiOut), call.query),
    }),
  },
  {
    method: 'GET',
    pattern: /^\/restapis\/([^/]+)\/?$/,
    names: ['api'],
    operation: 'GetRestApi',
    handle: (world, call) => ({ status: 200, body: apiOut(findApi(world, call.params.api)) }),
  },
  {
    method: 'GET',
    pattern: /^\/restapis\/([^/]+)\/stages\/?$/,
    names: ['api'],
    operation: 'GetStages',
    handle: (world, call) => {
      const api = findApi(world, call.params.api);
      const deploymentId = call.query.get('deploymentId');
      const stages = [...api.stages.values()].filter((s) => !deploymentId || s.deploymentId === deploymentId);
      return { status: 200, body: { item: stages.map(stageOut) } };
    },
  },
  {
    method: 'GET',
    pattern: /^\/restapis\/([^/]+)\/stages\/([^/]+)$/,
    names: ['api', 'stage'],
    operation: 'GetStage',
    handle: (world, call) => ({
      status: 200,
      body: stageOut(findStage(findApi(world, call.params.api), call.params.stage)),
    }),
  },
  {
    method: 'PATCH',
    pattern: /^\/restapis\/([^/]+)\/stages\/([^/]+)$/,
    names: ['api', 'stage'],
    operation: 'UpdateStage',
    handle: (world, call) => {
      const api = findApi(world, call.params.api);
      const stage = findStage(api, call.params.stage);
      const operations = list(call.body.patchOperations).map(obj);
      const updated = applyPatch(api, stage, operations);
      updated.lastUpdatedDate = Math.floor(call.now / 1000);
      api.stages.set(updated.stageName, updated);
      const target = world.targets.apiGateway;
      if (target && target.restApiId === api.id && target.stage === updated.stageName)
        world.recordRouting(call.now);
      return { status: 200, body: stageOut(updated) };
    },
  },
  {
    method: 'GET',
    pattern: /^\/restapis\/([^/]+)\/deployments\/?$/,
    names: ['api'],
    operation: 'GetDeployments',
    handle: (world, call) => {
      const api = findApi(world, call.params.api);
      return { status: 200, body: page([...api.deployments].reverse(), call.query) };
    },
  },
  {
    method: 'GET',
    pattern: /^\/restapis\/([^/]+)\/deployments\/([^/]+)$/,
    names: ['api', 'deployment'],
    operation: 'GetDeployment',
    handle: (world, call) => {
      const deployment = findApi(world, call.params.api).deployments.find(
        (d) => d.id === call.params.deployment,
      );
      if (!deployment) throw notFound('Invalid Deployment identifier specified');
      return { status: 200, body: deployment };
    },
  },
  {
    method: 'POST',
    pattern: /^\/restapis\/([^/]+)\/deployments\/?$/,
    names: ['api'],
    operation: 'CreateDeployment',
    handle: (world, call) => {
      const api = findApi(world, call.params.api);
      const body = call.body;
      const stageName = str(body.stageName);
      const canary = body.canarySettings === undefined ? undefined : obj(body.canarySettings);
      if (canary && !stageName) throw badRequest('A canary deployment needs a stageName.');
      const existing = stageName ? api.stages.get(stageName) : undefined;
      if (canary && !existing)
        throw badRequest(`Stage ${stageName} does not exist: a canary needs an existing stage.`);
      const percentTraffic = canary ? percentOf(canary.percentTraffic ?? 0) : 0;
      const deployment = {
        id: randomHex(world.random, 6),
        description: str(body.description) ?? '',
        createdDate: Math.floor(call.now / 1000),
      };
      api.deployments.push(deployment);
      if (stageName) {
        const seconds = Math.floor(call.now / 1000);
        const stage: Stage = existing ?? {
          stageName,
          deploymentId: deployment.id,
          description: str(body.stageDescription) ?? '',
          variables: {},
          createdDate: seconds,
          lastUpdatedDate: seconds,
        };
        if (canary) {
          stage.canarySettings = {
            percentTraffic,
            deploymentId: deployment.id,
            stageVariableOverrides: Object.fromEntries(
              Object.entries(obj(canary.stageVariableOverrides)).map(([k, v]) => [k, str(v) ?? '']),
            ),
            useStageCache: bool(canary.useStageCache) ?? false,
          };
        } else {
          stage.deploymentId = deployment.id;
          for (const [k, v] of Object.entries(obj(body.variables))) stage.variables[k] = str(v) ?? '';
        }
        stage.lastUpdatedDate = seconds;
        api.stages.set(stageName, stage);
        const target = world.targets.apiGateway;
        if (target && target.restApiId === api.id && target.stage === stageName)
          world.recordRouting(call.now);
      }
      return { status: 201, body: deployment };
    },
  },
];

export function matchApiGateway(method: string, path: string): RestMatch | undefined {
  if (!/^\/restapis(\/|$)/.test(path)) return undefined;
  return matchRestRoute(routes, method, path, () =>
    notFound(`The sandbox does not serve ${method} ${path}.`),
  );
}
