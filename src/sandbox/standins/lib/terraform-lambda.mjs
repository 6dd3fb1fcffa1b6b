// What `terraform apply` in one Lambda's folder does to AWS (seed 4.2 step 6: cd 2_x_auth_lambda &&
// terraform apply): upload the new code, publish a version, point the function's aliases at it.
// In a rehearsal those calls reach the sandbox (AWS_ENDPOINT_URL), so the deploy is real there:
// the smoke tests after it hit the new version, and its rollback has something to undo.
import { basename } from 'node:path';
import { pause, say, shout } from './common.mjs';

const API = '/2015-03-31/functions';

/** Only ever the rehearsal's own sandbox: a stand-in must never reach AWS. */
function sandboxEndpoint() {
  const raw = process.env.AWS_ENDPOINT_URL;
  if (!raw) return undefined;
  try {
    const url = new URL(raw);
    const loopback = ['127.0.0.1', 'localhost', '[::1]', '::1'].includes(url.hostname);
    return loopback ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

async function call(endpoint, method, path, body) {
  const response = await fetch(`${endpoint}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  const answer = text ? JSON.parse(text) : {};
  if (!response.ok) {
    const type = response.headers.get('x-amzn-errortype') ?? `HTTP ${response.status}`;
    throw new Error(`${type}: ${answer.message ?? answer.Message ?? text}`);
  }
  return answer;
}

const words = (name) =>
  name
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);

/**
 * The one function this folder deploys: the function whose name has a word no other function's
 * name has, and that word is in the folder's name (2_x_auth_lambda -> x-sit-auth-lambda).
 */
function functionOfFolder(names, folder) {
  const mine = new Set(words(folder));
  const matches = names.filter((name) =>
    words(name).some(
      (word) => mine.has(word) && names.every((other) => other === name || !words(other).includes(word)),
    ),
  );
  return matches.length === 1 ? matches[0] : undefined;
}

/**
 * Deploys the folder's Lambda to the sandbox. Returns undefined when there is no sandbox or the
 * folder names no function there (then the caller prints its usual apply), else the exit code.
 */
export async function applyLambdaFolder() {
  const endpoint = sandboxEndpoint();
  if (!endpoint) return undefined;
  let listed;
  try {
    listed = await call(endpoint, 'GET', `${API}/`);
  } catch {
    return undefined;
  }
  const name = functionOfFolder(
    (listed.Functions ?? []).map((f) => f.FunctionName),
    basename(process.cwd()),
  );
  if (!name) return undefined;
  const fn = encodeURIComponent(name);
  try {
    await say([`aws_lambda_function.this: Modifying... [id=${name}]`], 1500);
    const code = Buffer.from(`build of ${name} from ${process.cwd()} at ${Date.now()}`).toString('base64');
    const updated = await call(endpoint, 'PUT', `${API}/${fn}/code`, { ZipFile: code, Publish: false });
    const published = await call(endpoint, 'POST', `${API}/${fn}/versions`, {
      CodeSha256: updated.CodeSha256,
      Description: 'terraform apply',
    });
    await say([`aws_lambda_function.this: Modifications complete after 3s [id=${name}]`]);
    const aliases = await call(endpoint, 'GET', `${API}/${fn}/aliases`);
    for (const alias of aliases.Aliases ?? []) {
      await say([`aws_lambda_alias.this: Modifying... [id=${alias.AliasArn}]`]);
      await call(endpoint, 'PUT', `${API}/${fn}/aliases/${encodeURIComponent(alias.Name)}`, {
        FunctionVersion: published.Version,
        RoutingConfig: { AdditionalVersionWeights: {} },
      });
      await pause(500);
      await say([`aws_lambda_alias.this: Modifications complete after 1s [id=${alias.AliasArn}]`]);
    }
    const changed = 1 + (aliases.Aliases ?? []).length;
    await say([
      '',
      `Apply complete! Resources: 0 added, ${changed} changed, 0 destroyed.`,
      '',
      'Outputs:',
      '',
      `function_version = "${published.Version}"`,
    ]);
    return 0;
  } catch (error) {
    shout([
      '',
      `│ Error: updating Lambda Function (${name}): ${error instanceof Error ? error.message : error}`,
    ]);
    return 1;
  }
}
