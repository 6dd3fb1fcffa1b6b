// Stand-in for terraform: init, validate, plan (-out writes the plan file), apply, destroy,
// workspace, state list, with the lines a conductor is used to reading. The resources are the
// Lambda functions the runbook's commands and canary name in the environment the command acts on.
import { environment, failing, identifier, pause, say, shout, writeFile } from './common.mjs';
import { applyLambdaFolder } from './terraform-lambda.mjs';

const env = environment();
/** Terraform address and id of each function. */
const RESOURCES = env.functions.map((name) => ({
  address: `aws_lambda_function.${identifier(name)}`,
  id: name,
}));
const STATE = [
  ...RESOURCES.map((r) => r.address),
  ...env.tables.map((name) => `aws_dynamodb_table.${identifier(name)}`),
  ...env.buckets.map((name) => `aws_s3_bucket.${identifier(name)}`),
];
/** The resource a failing plan or apply names: the first function, else a neutral one. */
const BROKEN = RESOURCES[0] ?? { address: 'aws_lambda_function.app', id: 'app' };

async function plan(args) {
  await say(
    RESOURCES.map((r) => `${r.address}: Refreshing state... [id=${r.id}]`),
    600,
  );
  if (failing('terraform-plan')) {
    shout([
      '',
      '│ Error: Invalid reference',
      '│',
      `│   on main.tf line 42, in resource "aws_lambda_function" "${BROKEN.address.split('.')[1]}":`,
      '│   42:   memory_size = var.lambda_memmory',
      '│',
      '│ A reference to a resource type must be followed by at least one attribute access.',
    ]);
    return 1;
  }
  if (RESOURCES.length === 0) {
    await say(['', 'No changes. Your infrastructure matches the configuration.']);
  } else {
    await say([
      '',
      'Terraform used the selected providers to generate the following execution plan. Resource actions are',
      'indicated with the following symbols:',
      '  ~ update in-place',
      '',
      'Terraform will perform the following actions:',
      '',
      ...RESOURCES.flatMap((r) => [
        `  # ${r.address} will be updated in-place`,
        `  ~ resource "aws_lambda_function" "${r.address.split('.')[1]}" {`,
        '      ~ s3_key = "releases/previous.zip" -> "releases/release.zip"',
        '    }',
        '',
      ]),
      `Plan: 0 to add, ${RESOURCES.length} to change, 0 to destroy.`,
    ]);
  }
  const out = args.find((arg) => arg.startsWith('-out='))?.slice(5);
  if (out) {
    writeFile(out, `stand-in terraform plan for ${env.id}\n`);
    await say(['', `Saved the plan to: ${out}`]);
  }
  return 0;
}

async function apply(verb) {
  if (failing(`terraform-${verb}`)) {
    await say([`${BROKEN.address}: Modifying... [id=${BROKEN.id}]`]);
    shout([
      '',
      `│ Error: updating Lambda Function (${BROKEN.id}) code: operation error Lambda: UpdateFunctionCode, ResourceConflictException: The operation cannot be performed at this time.`,
    ]);
    return 1;
  }
  if (verb === 'destroy') {
    await say(
      RESOURCES.map((r) => `${r.address}: Destroying... [id=${r.id}]`),
      1500,
    );
    await say(['', `Destroy complete! Resources: ${RESOURCES.length} destroyed.`]);
    return 0;
  }
  for (const r of RESOURCES) {
    await say([`${r.address}: Modifying... [id=${r.id}]`], 3000);
    await say([`${r.address}: Modifications complete after 3s [id=${r.id}]`]);
  }
  await say(['', `Apply complete! Resources: 0 added, ${RESOURCES.length} changed, 0 destroyed.`]);
  return 0;
}

export async function terraform(args) {
  const [command = '', ...rest] = args;
  switch (command) {
    case 'version':
    case '-version':
    case '--version':
      await say(['Terraform v1.9.8', 'on linux_amd64']);
      return 0;
    case 'init':
      await say(['', 'Initializing the backend...'], 800);
      await say(
        [
          'Initializing provider plugins...',
          '- Reusing previous version of hashicorp/aws from the dependency lock file',
          '- Using previously-installed hashicorp/aws v5.82.2',
          '',
          'Terraform has been successfully initialized!',
        ],
        400,
      );
      return failing('terraform-init') ? 1 : 0;
    case 'validate':
      await pause(1500);
      if (failing('terraform-validate')) {
        shout([
          '╷',
          '│ Error: Missing required argument',
          '│',
          '│   on variables.tf line 12:',
          '│ The argument "region" is required, but no definition was found.',
          '╵',
        ]);
        return 1;
      }
      await say(['Success! The configuration is valid.']);
      return 0;
    case 'plan':
      return plan(rest);
    case 'apply':
      // In a Lambda's own folder the apply deploys that Lambda to the sandbox (terraform-lambda.mjs).
      if (!failing('terraform-apply')) {
        const deployed = await applyLambdaFolder();
        if (deployed !== undefined) return deployed;
      }
      return apply('apply');
    case 'destroy':
      return apply('destroy');
    case 'workspace': {
      const [sub, name] = rest;
      if (sub === 'new') await say([`Created and switched to workspace "${name}"!`]);
      else if (sub === 'select') await say([`Switched to workspace "${name}".`]);
      else if (sub === 'delete') await say([`Deleted workspace "${name}"!`]);
      else if (sub === 'show') await say(['default']);
      else await say(['* default', '  blue']);
      return 0;
    }
    case 'state':
      await say(STATE);
      return 0;
    case 'fmt':
      return 0;
    default:
      shout([
        `Terraform has no command named "${command}".`,
        '',
        "To see all of Terraform's top-level commands, run:",
        '  terraform -help',
      ]);
      return 1;
  }
}
