// Stand-in for terraform: init, validate, plan (-out writes the plan file), apply, destroy,
// workspace, state list, with the lines a conductor is used to reading.
import { environmentName, failing, pause, say, shout, writeFile } from './common.mjs';

const RESOURCES = ['aws_lambda_function.auth', 'aws_lambda_function.product', 'aws_lambda_function.order'];

function lambdaName(resource) {
  return `bbws-${environmentName()}-${resource.split('.')[1]}-lambda`;
}

async function plan(args) {
  await say(
    RESOURCES.map((r) => `${r}: Refreshing state... [id=${lambdaName(r)}]`),
    600,
  );
  if (failing('terraform-plan')) {
    shout([
      '',
      '│ Error: Invalid reference',
      '│',
      '│   on main.tf line 42, in resource "aws_lambda_function" "order":',
      '│   42:   memory_size = var.order_memmory',
      '│',
      '│ A reference to a resource type must be followed by at least one attribute access.',
    ]);
    return 1;
  }
  await say([
    '',
    'Terraform used the selected providers to generate the following execution plan. Resource actions are',
    'indicated with the following symbols:',
    '  ~ update in-place',
    '',
    'Terraform will perform the following actions:',
    '',
    ...RESOURCES.flatMap((r) => [
      `  # ${r} will be updated in-place`,
      `  ~ resource "aws_lambda_function" "${r.split('.')[1]}" {`,
      '      ~ s3_key = "bbws/previous.zip" -> "bbws/release.zip"',
      '    }',
      '',
    ]),
    'Plan: 0 to add, 3 to change, 0 to destroy.',
  ]);
  const out = args.find((arg) => arg.startsWith('-out='))?.slice(5);
  if (out) {
    writeFile(out, `stand-in terraform plan for ${environmentName()}\n`);
    await say(['', `Saved the plan to: ${out}`]);
  }
  return 0;
}

async function apply(verb) {
  if (failing(`terraform-${verb}`)) {
    await say([`${RESOURCES[0]}: Modifying... [id=${lambdaName(RESOURCES[0])}]`]);
    shout([
      '',
      '│ Error: updating Lambda Function (' +
        lambdaName(RESOURCES[0]) +
        ') code: operation error Lambda: UpdateFunctionCode, ResourceConflictException: The operation cannot be performed at this time.',
    ]);
    return 1;
  }
  if (verb === 'destroy') {
    await say(
      RESOURCES.map((r) => `${r}: Destroying... [id=${lambdaName(r)}]`),
      1500,
    );
    await say(['', `Destroy complete! Resources: ${RESOURCES.length} destroyed.`]);
    return 0;
  }
  for (const r of RESOURCES) {
    await say([`${r}: Modifying... [id=${lambdaName(r)}]`], 3000);
    await say([`${r}: Modifications complete after 3s [id=${lambdaName(r)}]`]);
  }
  await say(['', 'Apply complete! Resources: 0 added, 3 changed, 0 destroyed.']);
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
      await say([
        ...RESOURCES,
        'aws_dynamodb_table.products',
        'aws_s3_bucket.content',
        'aws_api_gateway_stage.v1',
      ]);
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
