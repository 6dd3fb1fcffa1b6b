// biome-ignore-all lint/suspicious/noTemplateCurlyInString: descriptions name runbook placeholders such as ${baseUrl}
import { z } from 'zod';
import { publicKeyProblem } from '../approvals/signers.js';
import { canaryMetricsSchema } from './canary-metrics-schema.js';
import { DURATION_PATTERN, parseDuration } from './duration.js';
import { regexPatternProblem } from './regex-pattern.js';

/**
 * The runbook format. A runbook is data: nothing about BBWS (or any team) is hard-coded
 * in the app. Durations are written as "15m", "2h", "30s" and read as milliseconds.
 *
 * Every field carries a description: `conductor schema` puts them in the JSON Schema, which is
 * what an editor shows on hover, and docs/runbook-format.md says the rest.
 */

const id = z
  .string()
  .regex(/^[a-z][a-z0-9-]*$/, 'must be lowercase letters, digits and dashes, starting with a letter');

export const durationSchema = z
  .union([
    // The pattern is for editors (the JSON Schema); parseDuration below is what decides.
    z.string().meta({ pattern: DURATION_PATTERN.source }),
    z.number().meta({ minimum: 0 }),
  ])
  .describe('a duration: 30s, 15m, 2h, 1h30m, 500ms or 1d; a bare number is seconds')
  .transform((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `"${value}" is not a duration (write e.g. 30s, 15m, 2h)` });
      return z.NEVER;
    }
    return ms;
  });

/** A regular expression: it must compile, under the strict grammar that catches a stray brace. */
const regexPatternSchema = z.string().superRefine((pattern, ctx) => {
  const problem = regexPatternProblem(pattern);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const riskSchema = z.enum(['low', 'medium', 'high', 'critical']);
export type Risk = z.infer<typeof riskSchema>;

/** A person who may sign this role's approvals: their name and SSH public key (issue 16.1). */
export const signerSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[^\s,"*?]+$/, "must be one word: the approver's name, as `conductor approve` signs it")
    .describe("the approver's name, one word, as `conductor approve` signs it"),
  key: z
    .string()
    .superRefine((key, ctx) => {
      const [keyType = '', keyData] = key.trim().split(/\s+/);
      const problem = publicKeyProblem(keyType, keyData);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .describe('the SSH public key as ssh-keygen prints it: "ssh-ed25519 AAAA..."'),
});

export const roleSchema = z.strictObject({
  id: id.describe("the role's id, named by approval steps and environments' approvalRoles"),
  title: z.string().describe('the role as people say it: Tech Lead'),
  escalation: z
    .string()
    .optional()
    .describe('who to call when a gate waits on this role for too long (free text)'),
  contact: z.string().optional().describe('how to reach the role, e.g. a Slack handle'),
  signers: z
    .union([z.array(signerSchema).min(1), z.string().min(1)])
    .optional()
    .describe(
      "who may sign this role's approvals: a list of {name, key}, or the path of an allowed_signers file relative to the runbook; a role with signers accepts only signed approvals",
    ),
});

export const changeTicketSchema = z.strictObject({
  policy: z
    .enum(['none', 'recommended', 'required'])
    .describe('whether a promotion into the environment needs a change ticket'),
  pattern: regexPatternSchema
    .optional()
    .describe("a regular expression the whole ticket must match, e.g. '^[A-Z][A-Z0-9]+-\\d+$'"),
  ticketExample: z
    .string()
    .optional()
    .describe("a ticket that matches pattern: what a rehearsal's start form offers and --autopilot types"),
});

export const environmentSchema = z.strictObject({
  id: id.describe("the environment's id, named by promotions (from, to) and phases"),
  title: z.string().describe('the environment as people say it: PROD'),
  accountId: z
    .string()
    .regex(/^\d{12}$/, 'must be a 12-digit AWS account id')
    .describe('the 12-digit AWS account id, quoted to keep a leading zero: "048213579640"'),
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as af-south-1')
    .describe('the AWS region, e.g. af-south-1'),
  profile: z.string().optional().describe('the AWS profile of the standard credential chain'),
  production: z
    .boolean()
    .default(false)
    .describe("a production environment (changes the screens' warnings and the guard)"),
  baseUrl: z
    .string()
    .optional()
    .describe('base URL of the application in this environment, ${baseUrl} in http and load steps'),
  approvalRoles: z
    .array(id)
    .default([])
    .describe('role ids that must approve any promotion into this environment (an approval step asks each)'),
  changeTicket: changeTicketSchema
    .default({ policy: 'none' })
    .describe('whether a change ticket is needed, and its form'),
  downtimeTolerance: z.string().optional().describe('shown to the conductor (free text)'),
  dataRetention: z.string().optional().describe('shown to the conductor (free text)'),
});

export const channelSchema = z.strictObject({
  id: id.describe(
    "the channel's id, named by templates and notify steps; also names its Slack webhook variable CONDUCTOR_SLACK_WEBHOOK_<ID>",
  ),
  title: z.string().describe('the stakeholder group: Operations'),
  slack: z.string().optional().describe('the Slack channel, quoted: "#devops-alerts"'),
  other: z.array(z.string()).default([]).describe('other ways the group is told: Email, PagerDuty'),
  timing: z.string().optional().describe('when the group is told (free text)'),
  content: z.string().optional().describe('what the group is told (free text)'),
});

export const templateSchema = z.strictObject({
  id: id.describe("the template's id, named by notify steps and a canary's progressTemplate"),
  title: z.string().optional().describe('what the notice is'),
  channel: id.describe('the channel id the notice goes to'),
  source: z.string().optional().describe('the seed section the template comes from, e.g. "9.2"'),
  text: z.string().describe('the notice, with ${var} placeholders'),
});

const stepBase = {
  id: id.describe("the step's id, unique within its promotion"),
  title: z.string().describe('what the step does, shown on the checklist'),
  description: z.string().optional().describe('more words for the conductor'),
  source: z.string().optional().describe('the seed section this step encodes, for the report and the docs'),
};

export const manualStepSchema = z.strictObject({
  ...stepBase,
  kind: z.literal('manual').describe('a statement the conductor confirms'),
  evidence: z
    .enum(['none', 'optional', 'required'])
    .default('optional')
    .describe('whether the conductor types an evidence note (a link, a ticket, a value) to confirm'),
});

export const evidenceRuleSchema = z.strictObject({
  id: id.describe("the rule's id: a go/no-go names it as step.evidence"),
  fact: z
    .enum(['coverage', 'tests-passed', 'tests-failed', 'custom'])
    .describe('what the number is: fed to the go/no-go under this name'),
  from: z
    .enum(['json', 'cobertura', 'regex', 'test-summary'])
    .describe(
      "where the number is: a JSON file, a Cobertura XML file, a regex over the output, or test-summary (the test runner's summary line in the output)",
    ),
  path: z.string().optional().describe("file for json/cobertura, relative to the step's cwd"),
  pointer: z.string().optional().describe('dot path inside the JSON, e.g. total.lines.pct'),
  pattern: regexPatternSchema
    .optional()
    .describe("regular expression over the command's output, with one capture group around the number"),
  min: z.number().optional().describe('the step fails when the number is below this'),
  max: z.number().optional().describe('the step fails when the number is above this'),
});

export const commandStepSchema = z.strictObject({
  ...stepBase,
  kind: z.literal('command').describe('a program run as a child process'),
  run: z.array(z.string()).min(1).describe('argv: [terraform, plan, -out=tfplan]; no shell'),
  shell: z
    .boolean()
    .default(false)
    .describe('run run[0] through the shell (then run is exactly one command line)'),
  cwd: z.string().optional().describe("working directory; default the session's"),
  env: z
    .record(z.string(), z.string())
    .default({})
    .describe('extra environment variables, e.g. AWS_PROFILE: "${profile}"'),
  timeout: durationSchema.default(600_000).describe('the command is stopped after this (default 10m)'),
  dangerous: z
    .boolean()
    .default(false)
    .describe(
      'the step changes its environment: it passes the same guard as traffic, then the conductor confirms',
    ),
  evidence: z.array(evidenceRuleSchema).default([]).describe('numbers to extract from the run'),
});

export const httpStepSchema = z.strictObject({
  ...stepBase,
  kind: z.literal('http').describe('one HTTP request, checked'),
  method: z
    .enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'])
    .default('GET')
    .describe('the HTTP method'),
  url: z.string().describe('an http(s) URL, or one starting with a placeholder: ${baseUrl}/health'),
  headers: z.record(z.string(), z.string()).default({}).describe('request headers'),
  body: z.string().optional().describe('request body'),
  expectStatus: z.number().int().min(100).max(599).default(200).describe('the status the response must have'),
  maxLatency: durationSchema.optional().describe('the response must come within this'),
  bodyContains: z.string().optional().describe('text the response body must contain'),
  tlsValid: z
    .boolean()
    .default(false)
    .describe('the TLS certificate must be valid and not self-signed (seed 7.3)'),
});

export const loadStepSchema = z.strictObject({
  ...stepBase,
  kind: z.literal('load').describe('a load test'),
  url: z.string().describe('as for http'),
  method: z.enum(['GET', 'POST']).default('GET').describe('the HTTP method'),
  requests: z.number().int().positive().optional().describe('total requests (ab -n); this or duration'),
  concurrency: z.number().int().positive().describe('requests in flight at once (ab -c)'),
  duration: durationSchema.optional().describe('how long to send (ab -t); this or requests'),
  maxErrorRatePct: z.number().min(0).max(100).describe('the step fails above this error rate, percent'),
  maxP95: durationSchema.describe('the step fails when p95 latency is above this'),
  baselineP95: durationSchema
    .optional()
    .describe(
      'the recorded performance baseline p95: the go/no-go judges "p95 within baseline +10%" against it (8.1)',
    ),
});

export const conditionalRoleSchema = z.strictObject({
  role: id.describe('a role id'),
  whenRisk: z.array(riskSchema).min(1).describe("the session's risks for which this role must also approve"),
});

export const approvalStepSchema = z.strictObject({
  ...stepBase,
  kind: z.literal('approval').describe('an approval gate'),
  roles: z.array(id).min(1).describe('role ids that must each approve'),
  conditionalRoles: z
    .array(conditionalRoleSchema)
    .default([])
    .describe("roles also required when the session's risk is one of whenRisk"),
  expiry: durationSchema.describe('an approval older than this must be given again (24h SIT, 48h PROD)'),
  distinctApprovers: z.boolean().default(true).describe('each role approved by a different person'),
  separationOfDuties: z
    .boolean()
    .default(false)
    .describe('an approver may not be the conductor of the session'),
  escalateAfter: durationSchema
    .optional()
    .describe('a gate waiting longer than this shows the escalation text (at most expiry)'),
  escalation: z.string().optional().describe('who to call when the gate waits too long'),
  documentation: z
    .array(z.string())
    .default([])
    .describe('required documentation the approvers look for (links, plans), shown on the screen'),
});

/**
 * Where a go/no-go input's figures come from: a step id (every figure of the input's kind that the
 * step records) or `step.evidence` (one evidence rule of a command step).
 */
const gonogoSourcesSchema = z
  .array(
    z
      .string()
      .regex(
        /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)?$/,
        'must be a step id, or a step id and one of its evidence ids joined by a dot (backend-tests.backend-coverage)',
      ),
  )
  .min(1, 'must name at least one step (leave the input out to not judge it)');

export const gonogoStepSchema = z.strictObject({
  ...stepBase,
  kind: z.literal('gonogo').describe('the go/no-go decision'),
  // Each input is judged only when the runbook declares it: a team without load tests leaves
  // `performance` out, one without coverage figures leaves `coverage` out.
  coverage: z
    .strictObject({
      min: z.number().min(0).max(100).describe('the lowest coverage figure below this, percent, is NO-GO'),
      from: gonogoSourcesSchema
        .optional()
        .describe(
          'where the figure comes from; the lowest counts. Default: every step before the gate recording coverage',
        ),
    })
    .optional()
    .describe('judge test coverage (left out: not judged)'),
  tests: z
    .strictObject({
      maxFailed: z.number().int().min(0).default(0).describe('more failed tests than this is NO-GO'),
      from: gonogoSourcesSchema
        .optional()
        .describe('the test runs that count (command steps); default: every command step before the gate'),
    })
    .optional()
    .describe('judge test failures (left out: not judged)'),
  performance: z
    .strictObject({
      maxP95IncreasePct: z
        .number()
        .min(0)
        .describe('p95 may exceed the baseline by at most this percentage (8.1: +10%)'),
      maxErrorRatePct: z.number().min(0).max(100).describe('an error rate above this, percent, is NO-GO'),
      from: gonogoSourcesSchema
        .optional()
        .describe(
          'the load steps (with baselineP95) that measure it; default: every such step before the gate',
        ),
    })
    .optional()
    .describe('judge the load test against its baseline (left out: not judged)'),
  approvals: z.boolean().default(true).describe('missing approvals are NO-GO'),
  extraMonitoringRisks: z
    .array(riskSchema)
    .default(['medium'])
    .describe('risks that still give GO but with extra monitoring (8.3 medium risk)'),
  mitigationRequiredRisks: z
    .array(riskSchema)
    .default(['high', 'critical'])
    .describe('risks that require a recorded mitigation or give NO-GO (8.2: HIGH without mitigation)'),
});

export const bandSchema = z.strictObject({
  errorRatePct: z
    .number()
    .min(0)
    .max(100)
    .describe('canary error rate (percent) above which the sample leaves this band'),
  p95OverBaselinePct: z.number().min(0).describe('p95 may be at most baseline * (1 + pct/100)'),
  maxThrottles: z.number().int().min(0).optional().describe('throttle events tolerated (Lambda, DynamoDB)'),
});

export const lambdaTargetSchema = z.strictObject({
  functionName: z.string().describe('the Lambda function'),
  alias: z.string().describe('the alias whose routing weight moves with the stages'),
  canaryVersion: z.string().optional().describe('version published for this release; ${...} allowed'),
  metrics: canaryMetricsSchema
    .optional()
    .describe("the canary's own error and latency metrics; left out: Errors/Invocations and Duration p95"),
});

export const apiGatewayTargetSchema = z.strictObject({
  restApiId: z.string().describe('the REST API id'),
  apiName: z.string().describe("the API's name, the ApiName dimension of its metrics"),
  stage: z.string().describe('the stage whose canary settings carry the traffic split'),
  canaryStage: z
    .string()
    .describe('the Stage dimension value of the canary\'s metrics (commonly "<stage>/Canary")'),
  metrics: canaryMetricsSchema
    .optional()
    .describe("the canary's own error and latency metrics; left out: 5XXError/Count and Latency p95"),
});

export const canaryStageSchema = z.strictObject({
  weight: z.number().gt(0).max(100).describe('percent of traffic on the new version'),
  hold: durationSchema.describe('how long the stage is watched before it may advance'),
});

export const canaryStepSchema = z.strictObject({
  ...stepBase,
  kind: z.literal('canary').describe('the staged canary'),
  targets: z
    .strictObject({
      apiGateway: apiGatewayTargetSchema.optional().describe("an API Gateway stage's canary"),
      lambdas: z
        .array(lambdaTargetSchema)
        .default([])
        .describe('Lambda aliases whose routing weight moves with the stages'),
    })
    .describe('what carries the traffic split; at least one target'),
  stages: z
    .array(canaryStageSchema)
    .min(1)
    .describe('weights strictly increasing up to 100, each held for its hold'),
  period: durationSchema.default(60_000).describe('how often metrics are polled'),
  /**
   * Each poll judges the trailing window (never reaching back before the first traffic shift):
   * one minute of a 10% canary is too few requests for a 0.5% error-rate band to mean anything.
   */
  window: durationSchema
    .default(300_000)
    .describe(
      'each poll judges the metrics of this trailing window (default 5m), never before the first shift',
    ),
  bands: z
    .strictObject({
      pass: bandSchema.describe('below these limits a stage passes'),
      nogo: bandSchema.describe('above these limits the stage may not advance'),
      rollback: bandSchema.describe('above these limits, sustained, the canary rolls back'),
    })
    .describe('the limits, in order pass <= nogo <= rollback'),
  sustained: z
    .number()
    .int()
    .min(1)
    .default(3)
    .describe('samples in the rollback band in a row before an automatic rollback (10.2 "persistent")'),
  minRequests: z.number().int().min(0).default(50).describe('fewer requests in a sample: not judged'),
  autoRollback: z.boolean().default(true).describe('roll back on its own after a sustained breach'),
  rollbackCountdown: durationSchema
    .default(30_000)
    .describe('countdown shown before an automatic rollback, during which the conductor may hold'),
  advance: z.enum(['auto', 'confirm']).default('confirm').describe('how a passed stage moves to the next'),
  start: z
    .enum(['manual', 'automatic'])
    .default('manual')
    .describe(
      'how the first traffic moves: manual asks the person, showing the weight, targets and account; automatic moves it once the guard allows',
    ),
  extendBy: durationSchema
    .default(900_000)
    .describe('how long a WATCH stage is extended when the conductor chooses to extend'),
  baseline: z
    .union([
      z.literal('stable'),
      z.strictObject({
        errorRatePct: z.number().min(0).describe('the fixed baseline error rate, percent'),
        p95: durationSchema.describe('the fixed baseline p95'),
      }),
    ])
    .default('stable')
    .describe("compare with the stable version's live metrics, or with fixed numbers"),
  progressTemplate: id
    .optional()
    .describe(
      "template id of the stakeholder progress message, posted at each stage's first verdict, at every verdict change and every progressEvery",
    ),
  progressEvery: durationSchema
    .optional()
    .describe('how often the progress message goes out while nothing changes; absent: only on changes'),
});

export const extraMetricSchema = z.strictObject({
  id: id.describe("the metric's id, unique within the monitor step"),
  title: z.string().describe('the metric as shown on the screen'),
  namespace: z.string().describe('CloudWatch namespace, e.g. AWS/DynamoDB'),
  metric: z.string().describe('CloudWatch metric name, e.g. ReplicationLatency'),
  dimensions: z
    .record(z.string(), z.string())
    .default({})
    .describe(
      'CloudWatch dimensions, a map of name to value: { TableName: orders, ReceivingRegion: eu-west-1 }',
    ),
  stat: z.string().default('Maximum').describe('CloudWatch statistic: Maximum, Average, Sum, p95...'),
  unit: z.string().optional().describe('the unit shown beside the value'),
  max: z.number().optional().describe('above this: WATCH/NO-GO'),
  rollbackAbove: z.number().optional().describe('above this, sustained: roll back'),
});

export const monitorStepSchema = z.strictObject({
  ...stepBase,
  kind: z.literal('monitor').describe('watching after the canary'),
  duration: durationSchema.describe('how long to monitor'),
  period: durationSchema.default(60_000).describe('how often metrics are polled'),
  rollbackArmed: z.boolean().default(true).describe("keep the canary's rollback band armed while monitoring"),
  extraMetrics: z.array(extraMetricSchema).default([]).describe('more CloudWatch metrics to watch'),
});

export const notifyStepSchema = z.strictObject({
  ...stepBase,
  kind: z.literal('notify').describe('sends a template'),
  template: id.describe('the template id to send'),
  channel: id.optional().describe("a channel id, instead of the template's channel"),
});

export const trafficRevertStepSchema = z.strictObject({
  ...stepBase,
  kind: z
    .literal('traffic-revert')
    .describe('the built-in revert of the canary: every target back to its stable version'),
});

export const stepSchema = z.discriminatedUnion('kind', [
  manualStepSchema,
  commandStepSchema,
  httpStepSchema,
  loadStepSchema,
  approvalStepSchema,
  gonogoStepSchema,
  canaryStepSchema,
  monitorStepSchema,
  notifyStepSchema,
]);

export const rollbackStepSchema = z.discriminatedUnion('kind', [
  trafficRevertStepSchema,
  manualStepSchema,
  commandStepSchema,
  httpStepSchema,
  notifyStepSchema,
]);

export const phaseSchema = z.strictObject({
  id: id.describe("the phase's id, unique within its promotion"),
  title: z.string().describe('what the phase is, shown on the phase rail'),
  environment: id
    .optional()
    .describe("the environment id this phase acts on; defaults to the promotion's target"),
  source: z.string().optional().describe('the seed section the phase encodes'),
  steps: z.array(stepSchema).min(1).describe('the steps, in order'),
});

export const promotionSchema = z.strictObject({
  id: id.describe("the promotion's id: sit-to-prod"),
  title: z.string().describe('the promotion as people say it'),
  from: id.describe('the environment id the release comes from'),
  to: id.describe('the environment id the release goes to'),
  requiresWindow: z
    .boolean()
    .default(false)
    .describe('traffic moves, and dangerous steps of the target run, only inside the maintenance window'),
  phases: z.array(phaseSchema).min(1).describe('the phases, in order'),
  rollback: z
    .strictObject({
      source: z.string().optional().describe('the seed section of the rollback procedure'),
      steps: z.array(rollbackStepSchema).min(1).describe('the rollback steps, in order'),
    })
    .describe('the ordered rollback procedure'),
});

export const runbookSchema = z.strictObject({
  runbook: z
    .strictObject({
      id: id.describe("the runbook's id"),
      title: z.string().describe('the runbook as people say it'),
      version: z.string().describe('the runbook\'s version, a string: quote "1.0"'),
      source: z.string().optional().describe('the document the runbook encodes'),
    })
    .describe('what this runbook is'),
  roles: z.array(roleSchema).min(1).describe('people who approve or are escalated to'),
  environments: z.array(environmentSchema).min(1).describe('DEV, SIT, PROD...'),
  channels: z.array(channelSchema).default([]).describe('stakeholder groups that receive notices'),
  templates: z.array(templateSchema).default([]).describe('notice texts with ${var} placeholders'),
  promotions: z.array(promotionSchema).min(1).describe('edges such as dev-to-sit, sit-to-prod'),
});

export type Runbook = z.infer<typeof runbookSchema>;
export type RunbookInput = z.input<typeof runbookSchema>;
export type Role = z.infer<typeof roleSchema>;
export type Signer = z.infer<typeof signerSchema>;
export type Environment = z.infer<typeof environmentSchema>;
export type Channel = z.infer<typeof channelSchema>;
export type Template = z.infer<typeof templateSchema>;
export type Promotion = z.infer<typeof promotionSchema>;
export type Phase = z.infer<typeof phaseSchema>;
export type Step = z.infer<typeof stepSchema>;
export type StepKind = Step['kind'];
export type RollbackStep = z.infer<typeof rollbackStepSchema>;
export type ManualStep = z.infer<typeof manualStepSchema>;
export type CommandStep = z.infer<typeof commandStepSchema>;
export type EvidenceRule = z.infer<typeof evidenceRuleSchema>;
export type HttpStep = z.infer<typeof httpStepSchema>;
export type LoadStep = z.infer<typeof loadStepSchema>;
export type ApprovalStep = z.infer<typeof approvalStepSchema>;
export type GonogoStep = z.infer<typeof gonogoStepSchema>;
export type CanaryStep = z.infer<typeof canaryStepSchema>;
export type CanaryBand = z.infer<typeof bandSchema>;
export type LambdaTarget = z.infer<typeof lambdaTargetSchema>;
export type ApiGatewayTarget = z.infer<typeof apiGatewayTargetSchema>;
export type MonitorStep = z.infer<typeof monitorStepSchema>;
export type ExtraMetric = z.infer<typeof extraMetricSchema>;
export type NotifyStep = z.infer<typeof notifyStepSchema>;
