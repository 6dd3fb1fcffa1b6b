// biome-ignore-all lint/suspicious/noTemplateCurlyInString: runbook placeholders are written ${name} on purpose
import type { InitAnswers, InitEnvironment } from './init-answers.js';
import { titleOfId } from './init-answers.js';

/**
 * The runbook `conductor init` writes, as YAML text: a team's first runbook, small enough to read
 * in one go, with comments pointing to the section of docs/runbook-format.md that explains each
 * part. It is written as text rather than through a YAML library so the comments sit where a
 * reader needs them; every value a person typed is quoted by `quoted` or `singleQuoted`.
 */

const DOC = 'docs/runbook-format.md';

/** A YAML double-quoted scalar: JSON's escapes are YAML's, so any typed text stays itself. */
const quoted = (text: string) => JSON.stringify(text);
/** A YAML single-quoted scalar: backslashes stay as typed (regular expressions read as written). */
const singleQuoted = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** "My app promotion" -> "my-app-promotion": an id as the format wants it. */
export function idOfTitle(title: string): string {
  const slug = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (slug === '') return 'runbook';
  return /^[a-z]/.test(slug) ? slug : `runbook-${slug}`;
}

/** A name pattern for one environment: `${env}` becomes its id. */
export const nameIn = (pattern: string, env: InitEnvironment) => pattern.replaceAll('${env}', env.id);

interface Edge {
  from: InitEnvironment;
  to: InitEnvironment;
}

/** The promotion edges: each environment into the next, in the order given. */
export function edgesOf(answers: InitAnswers): Edge[] {
  return answers.environments.slice(1).map((to, i) => ({ from: answers.environments[i], to }));
}

function environmentYaml(env: InitEnvironment, answers: InitAnswers): string[] {
  const lines = [
    `  - id: ${env.id}`,
    `    title: ${quoted(env.title)}`,
    `    accountId: "${env.accountId}"`,
    `    region: ${env.region}`,
    `    # profile: ${env.id}   # the AWS profile \`conductor start\` uses (aws sso login --profile ${env.id})`,
  ];
  if (!env.production) return lines;
  return [
    ...lines,
    '    production: true',
    `    approvalRoles: [${answers.approverRoles.join(', ')}]`,
    '    changeTicket:',
    '      policy: required',
    `      pattern: ${singleQuoted(answers.ticketPattern)}`,
    `      ticketExample: ${quoted(answers.ticketExample)}`,
  ];
}

/** A promotion into a non-production environment: a checklist the person confirms, no canary. */
function plainPromotionYaml({ from, to }: Edge): string[] {
  return [
    `  - id: ${from.id}-to-${to.id}`,
    `    title: ${quoted(`${from.title} to ${to.title}`)}`,
    `    from: ${from.id}`,
    `    to: ${to.id}`,
    '    phases:',
    `      - id: deploy-${to.id}`,
    `        title: ${quoted(`Deploy to ${to.title}`)}`,
    '        steps:',
    `          # Step kinds (command, http, load, approval, gonogo...): ${DOC}#step-kinds`,
    `          - id: deploy-${to.id}`,
    `            title: ${quoted(`Deploy \${version} to ${to.title}`)}`,
    '            kind: manual',
    '            evidence: optional',
    `          - id: check-${to.id}`,
    `            title: ${quoted(`${to.title} works: smoke tests pass, dashboards quiet`)}`,
    '            kind: manual',
    '            evidence: optional',
    '    rollback:',
    '      steps:',
    `        - id: redeploy-previous-${to.id}`,
    `          title: ${quoted(`Deploy \${previousVersion} to ${to.title} again`)}`,
    '          kind: manual',
    '          evidence: optional',
  ];
}

function canaryTargetsYaml(to: InitEnvironment, answers: InitAnswers): string[] {
  const lines = ['            targets:'];
  const api = answers.apiGateways[to.id];
  if (api) {
    const stage = nameIn(api.stagePattern, to);
    lines.push(
      '              apiGateway:',
      `                restApiId: ${api.restApiId}`,
      `                apiName: ${quoted(nameIn(api.apiNamePattern, to))}`,
      `                stage: ${quoted(stage)}`,
      `                canaryStage: ${quoted(`${stage}/Canary`)}`,
    );
  }
  lines.push('              lambdas:');
  for (const pattern of answers.lambdaPatterns) {
    lines.push(
      `                - functionName: ${quoted(nameIn(pattern, to))}`,
      `                  alias: ${quoted(answers.alias)}`,
    );
  }
  return lines;
}

/** A promotion into production: approval, deploy without traffic, the staged canary, monitoring. */
function productionPromotionYaml(edge: Edge, answers: InitAnswers): string[] {
  const { from, to } = edge;
  const roleTitles = answers.approverRoles.map(titleOfId);
  const approvers =
    roleTitles.length === 1
      ? roleTitles[0]
      : `${roleTitles.slice(0, -1).join(', ')} and ${roleTitles.at(-1)}`;
  const stagesText = answers.stages.map((weight) => `${weight}%`).join(' -> ');
  return [
    `  - id: ${from.id}-to-${to.id}`,
    `    title: ${quoted(`${from.title} to ${to.title}`)}`,
    `    from: ${from.id}`,
    `    to: ${to.id}`,
    '    # Traffic moves only inside the maintenance window given when the session starts.',
    '    requiresWindow: true',
    '    phases:',
    `      - id: ready-in-${from.id}`,
    `        title: ${quoted(`Ready in ${from.title}`)}`,
    `        environment: ${from.id}`,
    '        steps:',
    `          # Step kinds (command, http, load, gonogo...): ${DOC}#step-kinds`,
    `          - id: verified-in-${from.id}`,
    `            title: ${quoted(`\${version} works in ${from.title}: tests, smoke checks, dashboards`)}`,
    '            kind: manual',
    '            evidence: optional',
    '      - id: approval',
    '        title: Approval',
    '        steps:',
    `          # ${DOC}#approval`,
    `          - id: approve-${to.id}`,
    `            title: ${quoted(`${approvers} ${roleTitles.length === 1 ? 'approves' : 'approve'} \${version} for ${to.title}`)}`,
    '            kind: approval',
    `            roles: [${answers.approverRoles.join(', ')}]`,
    '            expiry: 48h',
    `      - id: deploy-${to.id}`,
    `        title: ${quoted(`Deploy to ${to.title} without traffic`)}`,
    '        steps:',
    `          - id: publish-${to.id}`,
    `            title: ${quoted(`Publish \${version} to ${to.title}: new Lambda versions, no traffic yet`)}`,
    '            kind: manual',
    '            evidence: optional',
    '      - id: canary',
    `        title: ${quoted(`Staged canary ${stagesText}`)}`,
    '        steps:',
    `          # ${DOC}#canary`,
    `          - id: ${to.id}-canary`,
    `            title: ${quoted(`Shift ${to.title} traffic in stages, judging each against the bands`)}`,
    '            kind: canary',
    ...canaryTargetsYaml(to, answers),
    '            stages:',
    ...answers.stages.map((weight) => `              - { weight: ${weight}, hold: ${answers.hold} }`),
    '            bands:',
    '              # Error rate in percent; p95 over the stable version, in percent.',
    '              pass: { errorRatePct: 1, p95OverBaselinePct: 20 }',
    '              nogo: { errorRatePct: 2, p95OverBaselinePct: 50 }',
    '              rollback: { errorRatePct: 5, p95OverBaselinePct: 100 }',
    '            # Three samples in a row in the rollback band roll back on their own.',
    '            sustained: 3',
    '            advance: confirm',
    '      - id: monitor',
    '        title: Monitoring',
    '        steps:',
    `          # ${DOC}#monitor`,
    `          - id: watch-${to.id}`,
    `            title: ${quoted(`Watch ${to.title} for 30 minutes with the rollback band armed`)}`,
    '            kind: monitor',
    '            duration: 30m',
    '      - id: complete',
    '        title: Done',
    '        steps:',
    `          - id: announce-${to.id}`,
    `            title: ${quoted(`Tell the team ${to.title} runs the new version`)}`,
    '            kind: notify',
    '            template: released',
    '    rollback:',
    '      steps:',
    `        # ${DOC}#traffic-revert-rollback-only`,
    '        - id: revert-traffic',
    '          title: Send all traffic back to the stable version',
    '          kind: traffic-revert',
    '        - id: announce-rollback',
    `          title: ${quoted(`Tell the team ${to.title} was rolled back`)}`,
    '          kind: notify',
    '          template: rolled-back',
  ];
}

/** The runbook for `answers`, as the YAML text written to the file. */
export function runbookYaml(answers: InitAnswers, schemaPath: string): string {
  const roles = answers.approverRoles.flatMap((role) => [
    `  - id: ${role}`,
    `    title: ${quoted(titleOfId(role))}`,
  ]);
  const promotions = edgesOf(answers).flatMap((edge) =>
    edge.to.production ? productionPromotionYaml(edge, answers) : plainPromotionYaml(edge),
  );
  const lines = [
    `# yaml-language-server: $schema=${schemaPath}`,
    '#',
    '# Written by `conductor init`. Check it with `conductor validate FILE`, see every step with',
    '# `conductor validate --plan FILE`, rehearse it with `conductor rehearse --runbook FILE --autopilot`.',
    `# The format, key by key: ${DOC} (shipped with conductor).`,
    '',
    `# ${DOC}#top-level`,
    'runbook:',
    `  id: ${idOfTitle(answers.title)}`,
    `  title: ${quoted(answers.title)}`,
    '  version: "1"',
    '',
    `# Who approves; add signers (SSH keys) for signed approvals: ${DOC}#roles-environments-channels-templates`,
    'roles:',
    ...roles,
    '',
    `# In promotion order. ${DOC}#roles-environments-channels-templates`,
    'environments:',
    ...answers.environments.flatMap((env) => environmentYaml(env, answers)),
    '',
    '# Where notices go: posted to Slack when CONDUCTOR_SLACK_WEBHOOK_RELEASES (or CONDUCTOR_SLACK_WEBHOOK)',
    `# is set. ${DOC}#roles-environments-channels-templates`,
    'channels:',
    '  - id: releases',
    '    title: Release notices',
    '    slack: "#releases"',
    '',
    `# Notice texts; \${...} are filled in by the session: ${DOC}#variables`,
    'templates:',
    '  - id: released',
    '    channel: releases',
    '    text: "${runbook}: ${version} is live in ${envTitle} (${ticket})."',
    '  - id: rolled-back',
    '    channel: releases',
    '    text: "${runbook}: ${version} was rolled back in ${envTitle}: ${reason}"',
    '',
    `# One promotion per edge, in order. ${DOC}#promotions-phases-rollback`,
    'promotions:',
    ...promotions,
  ];
  return `${lines.join('\n')}\n`;
}
