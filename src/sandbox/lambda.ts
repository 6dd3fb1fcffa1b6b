import { createHash } from 'node:crypto';
import { ServiceError } from './errors.js';
import { num, obj, str } from './input.js';
import { randomUuid } from './prng.js';
import type { LambdaAlias, LambdaFunction, LambdaVersion } from './resources.js';
import {
  matchRestRoute,
  type RestCall,
  type RestMatch,
  type RestResult,
  type RestRoute,
} from './rest-routes.js';
import type { World } from './world.js';

/** Lambda REST-JSON operations (API version 2015-03-31). */

export type { RestCall, RestResult } from './rest-routes.js';

const notFound = (what: string) =>
  new ServiceError('ResourceNotFoundException', `Function not found: ${what}`, 404);

/** Lambda's own date format: 2024-06-01T10:00:00.000+0000. */
function lambdaDate(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

/** Names may be given as a name, a full ARN, or a partial ARN, with or without a qualifier. */
function findFunction(world: World, raw: string): LambdaFunction {
  const name = raw.startsWith('arn:')
    ? (raw.split(':')[6] ?? '')
    : raw.includes(':')
      ? raw.split(':').slice(-2)[0]
      : raw;
  const fn = world.functions.get(name);
  if (!fn) throw notFound(`arn:aws:lambda:${world.region}:${world.accountId}:function:${name}`);
  return fn;
}

function configuration(world: World, fn: LambdaFunction, version?: LambdaVersion) {
  const latest = fn.latest ?? fn.versions[fn.versions.length - 1];
  const v = version ?? latest;
  return {
    FunctionName: fn.name,
    FunctionArn: `${fn.arn}:${version ? version.version : '$LATEST'}`,
    Runtime: 'nodejs20.x',
    Role: `arn:aws:iam::${world.accountId}:role/${fn.name}-role`,
    Handler: 'index.handler',
    CodeSize: 1_048_576,
    Description: v.description,
    Timeout: fn.timeout,
    MemorySize: fn.memorySize,
    LastModified: lambdaDate(v.lastModified),
    CodeSha256: v.codeSha256,
    Version: version ? version.version : '$LATEST',
    TracingConfig: { Mode: 'PassThrough' },
    RevisionId: fn.revisionId,
    State: 'Active',
    LastUpdateStatus: 'Successful',
    PackageType: 'Zip',
    Architectures: ['arm64'],
    EphemeralStorage: { Size: 512 },
  };
}

function aliasOut(fn: LambdaFunction, alias: LambdaAlias) {
  return {
    AliasArn: `${fn.arn}:${alias.name}`,
    Name: alias.name,
    FunctionVersion: alias.functionVersion,
    Description: alias.description,
    RoutingConfig: { AdditionalVersionWeights: { ...alias.weights } },
    RevisionId: alias.revisionId,
  };
}

function findAlias(_world: World, fn: LambdaFunction, name: string): LambdaAlias {
  const alias = fn.aliases.get(name);
  if (!alias) throw new ServiceError('ResourceNotFoundException', `Alias not found: ${fn.arn}:${name}`, 404);
  return alias;
}

function page<T>(items: T[], query: URLSearchParams): { items: T[]; next?: string } {
  const start = Number(query.get('Marker') ?? 0) || 0;
  const max = Math.min(Number(query.get('MaxItems') ?? 50) || 50, 10_000);
  const next = start + max < items.length ? String(start + max) : undefined;
  return { items: items.slice(start, start + max), next };
}

function updateAlias(world: World, call: RestCall): RestResult {
  const fn = findFunction(world, call.params.fn);
  const alias = findAlias(world, fn, call.params.alias);
  const body = call.body;
  const revisionId = str(body.RevisionId);
  if (revisionId !== undefined && revisionId !== alias.revisionId)
    throw new ServiceError(
      'PreconditionFailedException',
      'The Revision Id provided does not match the latest Revision Id. Call the GetAlias API to retrieve the latest Revision Id',
      412,
    );
  const functionVersion = str(body.FunctionVersion) ?? alias.functionVersion;
  const published = (v: string) => fn.versions.some((x) => x.version === v);
  if (functionVersion === '$LATEST' || !published(functionVersion))
    throw new ServiceError(
      functionVersion === '$LATEST' ? 'InvalidParameterValueException' : 'ResourceNotFoundException',
      functionVersion === '$LATEST'
        ? 'Alias routing is not supported on $LATEST: point the alias at a published version.'
        : `Function not found: ${fn.arn}:${functionVersion}`,
      functionVersion === '$LATEST' ? 400 : 404,
    );
  let weights = alias.weights;
  if (body.RoutingConfig !== undefined) {
    const raw = obj(obj(body.RoutingConfig).AdditionalVersionWeights);
    const entries = Object.entries(raw);
    if (entries.length > 1)
      throw new ServiceError(
        'InvalidParameterValueException',
        'Alias can only route traffic to one additional version.',
        400,
      );
    weights = {};
    for (const [version, value] of entries) {
      const weight = num(value);
      if (weight === undefined || weight < 0 || weight > 1)
        throw new ServiceError(
          'InvalidParameterValueException',
          `Invalid weight ${String(value)} for version ${version}: weights are from 0.0 to 1.0.`,
          400,
        );
      if (version === '$LATEST')
        throw new ServiceError(
          'InvalidParameterValueException',
          'Alias routing is not supported on $LATEST.',
          400,
        );
      if (!published(version))
        throw new ServiceError('ResourceNotFoundException', `Function not found: ${fn.arn}:${version}`, 404);
      if (version === functionVersion)
        throw new ServiceError(
          'InvalidParameterValueException',
          'The additional version must differ from the primary version of the alias.',
          400,
        );
      weights[version] = weight;
    }
  }
  alias.functionVersion = functionVersion;
  alias.weights = weights;
  if (body.Description !== undefined) alias.description = str(body.Description) ?? '';
  alias.revisionId = randomUuid(world.random);
  if (world.targets.lambdas.some((t) => t.functionName === fn.name && t.alias === alias.name))
    world.recordRouting(call.now);
  return { status: 200, body: aliasOut(fn, alias) };
}

/** The code a deploy uploads: the sandbox keeps its hash, as Lambda does. */
function codeSha256(body: Record<string, unknown>): string {
  const code =
    str(body.ZipFile) ??
    `s3://${str(body.S3Bucket) ?? ''}/${str(body.S3Key) ?? ''}@${str(body.S3ObjectVersion) ?? ''}`;
  return createHash('sha256').update(code).digest('base64');
}

/** UpdateFunctionCode: $LATEST gets the new code; Publish: true publishes it at once. */
function updateFunctionCode(world: World, call: RestCall): RestResult {
  const fn = findFunction(world, call.params.fn);
  const body = call.body;
  if (str(body.ZipFile) === undefined && str(body.S3Key) === undefined && str(body.ImageUri) === undefined)
    throw new ServiceError(
      'InvalidParameterValueException',
      'Please provide a source for function code: ZipFile, S3Bucket and S3Key, or ImageUri.',
      400,
    );
  const revisionId = str(body.RevisionId);
  if (revisionId !== undefined && revisionId !== fn.revisionId)
    throw new ServiceError(
      'PreconditionFailedException',
      'The Revision Id provided does not match the latest Revision Id. Call the GetFunction API to retrieve the latest Revision Id',
      412,
    );
  fn.latest = { version: '$LATEST', description: '', codeSha256: codeSha256(body), lastModified: call.now };
  fn.revisionId = randomUuid(world.random);
  if (body.Publish === true) return publishVersion(world, { ...call, body: {} });
  return { status: 200, body: configuration(world, fn) };
}

/**
 * PublishVersion: $LATEST becomes the next numbered version. Publishing code that is already the
 * newest version's publishes nothing and answers that version, as Lambda does.
 */
function publishVersion(world: World, call: RestCall): RestResult {
  const fn = findFunction(world, call.params.fn);
  const newest = fn.versions[fn.versions.length - 1];
  const latest = fn.latest;
  const expected = str(call.body.CodeSha256);
  if (expected !== undefined && expected !== (latest ?? newest).codeSha256)
    throw new ServiceError(
      'InvalidParameterValueException',
      'CodeSHA256 does not match the code of $LATEST.',
      400,
    );
  if (!latest || latest.codeSha256 === newest.codeSha256)
    return { status: 201, body: configuration(world, fn, newest) };
  const version: LambdaVersion = {
    version: String(Number(newest.version) + 1),
    description: str(call.body.Description) ?? '',
    codeSha256: latest.codeSha256,
    lastModified: call.now,
  };
  fn.versions.push(version);
  fn.latest = undefined;
  // The newest published version is the release, as the seeded canary version is.
  fn.canaryVersion = version.version;
  fn.revisionId = randomUuid(world.random);
  return { status: 201, body: configuration(world, fn, version) };
}

const routes: RestRoute[] = [
  {
    method: 'GET',
    pattern: /^\/2015-03-31\/functions\/?$/,
    names: [],
    operation: 'ListFunctions',
    handle: (world, call) => {
      const all = [...world.functions.values()].map((fn) => configuration(world, fn));
      const { items, next } = page(all, call.query);
      return { status: 200, body: { Functions: items, NextMarker: next } };
    },
  },
  {
    method: 'GET',
    pattern: /^\/2015-03-31\/functions\/([^/]+)\/versions\/?$/,
    names: ['fn'],
    operation: 'ListVersionsByFunction',
    handle: (world, call) => {
      const fn = findFunction(world, call.params.fn);
      const all = [configuration(world, fn), ...fn.versions.map((v) => configuration(world, fn, v))];
      const { items, next } = page(all, call.query);
      return { status: 200, body: { Versions: items, NextMarker: next } };
    },
  },
  {
    method: 'POST',
    pattern: /^\/2015-03-31\/functions\/([^/]+)\/versions\/?$/,
    names: ['fn'],
    operation: 'PublishVersion',
    handle: publishVersion,
  },
  {
    method: 'PUT',
    pattern: /^\/2015-03-31\/functions\/([^/]+)\/code\/?$/,
    names: ['fn'],
    operation: 'UpdateFunctionCode',
    handle: updateFunctionCode,
  },
  {
    method: 'GET',
    pattern: /^\/2015-03-31\/functions\/([^/]+)\/aliases\/?$/,
    names: ['fn'],
    operation: 'ListAliases',
    handle: (world, call) => {
      const fn = findFunction(world, call.params.fn);
      const { items, next } = page(
        [...fn.aliases.values()].map((a) => aliasOut(fn, a)),
        call.query,
      );
      return { status: 200, body: { Aliases: items, NextMarker: next } };
    },
  },
  {
    method: 'GET',
    pattern: /^\/2015-03-31\/functions\/([^/]+)\/aliases\/([^/]+)$/,
    names: ['fn', 'alias'],
    operation: 'GetAlias',
    handle: (world, call) => {
      const fn = findFunction(world, call.params.fn);
      return { status: 200, body: aliasOut(fn, findAlias(world, fn, call.params.alias)) };
    },
  },
  {
    method: 'PUT',
    pattern: /^\/2015-03-31\/functions\/([^/]+)\/aliases\/([^/]+)$/,
    names: ['fn', 'alias'],
    operation: 'UpdateAlias',
    handle: updateAlias,
  },
  {
    method: 'GET',
    pattern: /^\/2015-03-31\/functions\/([^/]+)\/?$/,
    names: ['fn'],
    operation: 'GetFunction',
    handle: (world, call) => {
      const fn = findFunction(world, call.params.fn);
      const qualifier =
        call.query.get('Qualifier') ??
        (call.params.fn.split(':').length === 8 ? call.params.fn.split(':')[7] : undefined);
      let version: LambdaVersion | undefined;
      if (qualifier && qualifier !== '$LATEST') {
        const aliased = fn.aliases.get(qualifier)?.functionVersion ?? qualifier;
        version = fn.versions.find((v) => v.version === aliased);
        if (!version) throw notFound(`${fn.arn}:${qualifier}`);
      }
      return {
        status: 200,
        body: {
          Configuration: configuration(world, fn, version),
          Code: {
            RepositoryType: 'S3',
            Location: `https://awslambda-${world.region}-tasks.s3.${world.region}.amazonaws.com/snapshots/${world.accountId}/${fn.name}`,
          },
          Tags: { rehearsal: 'true' },
        },
      };
    },
  },
];

export function matchLambda(method: string, path: string): RestMatch | undefined {
  if (!path.startsWith('/2015-03-31/functions')) return undefined;
  return matchRestRoute(
    routes,
    method,
    path,
    () => new ServiceError('ResourceNotFoundException', `The sandbox does not serve ${method} ${path}.`, 404),
  );
}
