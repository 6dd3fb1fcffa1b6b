// Stand-in for the AWS CLI, used only when no AWS CLI is installed (an installed one runs for real
// against the sandbox). Canned answers shaped like the real CLI's JSON for the calls the runbook makes,
// naming the functions, tables and buckets the runbook's commands name in the environment acted on.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { environment, failing, flagValues, pause, say, shout } from './common.mjs';

const env = environment();
const account = process.env.CONDUCTOR_STANDIN_ACCOUNT || env.account || '123456789012';
const region = process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || env.region || 'us-east-1';
const functions = env.functions;

const json = (value) => say([JSON.stringify(value, null, 4)]).then(() => 0);

function table(name) {
  return {
    Table: {
      TableName: name,
      TableStatus: 'ACTIVE',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
      ItemCount: 1280,
      TableArn: `arn:aws:dynamodb:${region}:${account}:table/${name}`,
      GlobalSecondaryIndexes: [{ IndexName: 'category-index', IndexStatus: 'ACTIVE' }],
    },
  };
}

const handlers = {
  'sts get-caller-identity': () =>
    json({
      UserId: 'AROAREHEARSAL:conductor',
      Account: account,
      Arn: `arn:aws:sts::${account}:assumed-role/${process.env.AWS_PROFILE || 'rehearsal'}/conductor`,
    }),
  'lambda list-functions': (args) =>
    flagValues(args, '--query').length
      ? json(functions)
      : json({
          Functions: functions.map((FunctionName) => ({
            FunctionName,
            Runtime: 'python3.12',
            State: 'Active',
          })),
        }),
  'lambda update-function-code': (args) =>
    json({
      FunctionName: flagValues(args, '--function-name')[0],
      LastUpdateStatus: 'InProgress',
      Version: '$LATEST',
    }),
  'lambda update-alias': (args) =>
    json({ Name: flagValues(args, '--name')[0], FunctionVersion: flagValues(args, '--function-version')[0] }),
  'dynamodb list-tables': () => json({ TableNames: env.tables }),
  'dynamodb describe-table': (args) =>
    flagValues(args, '--query').length
      ? json(['ACTIVE'])
      : json(table(flagValues(args, '--table-name')[0] ?? env.tables[0] ?? 'table')),
  'dynamodb describe-continuous-backups': () =>
    json({
      ContinuousBackupsDescription: {
        ContinuousBackupsStatus: 'ENABLED',
        PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'ENABLED' },
      },
    }),
  'dynamodb scan': () => json({ Items: [{ id: { S: 'item-001' } }], Count: 1, ScannedCount: 1 }),
  'dynamodb put-item': () => say(['']).then(() => 0),
  // What a smoke test writes comes back: the item is the key it asked for.
  'dynamodb get-item': (args) =>
    json({ Item: parsed(flagValues(args, '--key')[0], { id: { S: 'smoke-test' } }) }),
  'dynamodb query': (args) => {
    const values = parsed(flagValues(args, '--expression-attribute-values')[0], {});
    const item = Object.fromEntries(
      Object.values(values)
        .slice(0, 1)
        .map((v) => ['productId', v]),
    );
    return json({ Items: [item], Count: 1, ScannedCount: 1 });
  },
  's3 ls': () => say(env.buckets.map((name) => `2024-12-25 14:30:00 ${name}`)).then(() => 0),
  's3 cp': (_args, positional) => s3Copy(positional[2] ?? '', positional[3] ?? ''),
  's3api get-bucket-versioning': () => json({ Status: 'Enabled' }),
  's3api head-object': () =>
    json({ ContentLength: 11, ContentType: 'text/plain', ServerSideEncryption: 'AES256', Metadata: {} }),
  'logs describe-log-groups': (args) => {
    const prefix = flagValues(args, '--log-group-name-prefix')[0] ?? '';
    return json({
      logGroups: functions
        .map((name) => `/aws/lambda/${name}`)
        .filter((name) => name.startsWith(prefix))
        .map((logGroupName) => ({ logGroupName, retentionInDays: 30 })),
    });
  },
  'apigateway update-stage': (args) =>
    json({ stageName: flagValues(args, '--stage-name')[0], canarySettings: {} }),
  'ec2 describe-instances': () => json({ Reservations: [] }),
  'cloudfront get-distribution-config': () =>
    json({ ETag: 'E2QWRUHEXAMPLE', DistributionConfig: { Enabled: true } }),
};

function parsed(text, fallback) {
  try {
    return text ? JSON.parse(text) : fallback;
  } catch {
    return fallback;
  }
}

/** Objects "in S3" are files under .s3-standin/ in the working folder, so a download returns the upload. */
function s3Copy(from, to) {
  const local = (url) => join('.s3-standin', url.replace(/^s3:\/\//, ''));
  if (to.startsWith('s3://')) {
    const target = to.endsWith('/') ? `${to}${basename(from)}` : to;
    mkdirSync(dirname(local(target)), { recursive: true });
    copyFileSync(from, local(target));
    return say([`upload: ./${from} to ${target}`]).then(() => 0);
  }
  if (!existsSync(local(from))) {
    shout([
      'fatal error: An error occurred (404) when calling the HeadObject operation: Key "' +
        from +
        '" does not exist',
    ]);
    return 1;
  }
  copyFileSync(local(from), to);
  return say([`download: ${from} to ./${to}`]).then(() => 0);
}

export async function aws(args) {
  const positional = args.filter((arg, index) => !arg.startsWith('--') && !args[index - 1]?.startsWith('--'));
  if (args.includes('--version'))
    return say(['aws-cli/2.22.4 Python/3.12.6 Linux/x86_64 (rehearsal stand-in)']).then(() => 0);
  const key = positional.slice(0, 2).join(' ');
  await pause(400);
  if (failing(`aws-${positional[0]}`)) {
    shout([
      `An error occurred (ServiceUnavailable) when calling the ${positional[1]} operation: Service is unavailable`,
    ]);
    return 254;
  }
  const handler = handlers[key];
  if (!handler) {
    shout([`aws (rehearsal stand-in): no rehearsed answer for "aws ${key}"`]);
    return 0;
  }
  return handler(args, positional);
}
