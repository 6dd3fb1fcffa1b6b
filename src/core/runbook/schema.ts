import { z } from 'zod';
import { parseDuration } from './duration.js';

/**
 * The runbook format. A runbook is data: nothing about BBWS (or any team) is hard-coded
 * in the app. Durations are written as "15m", "2h", "30s" and read as milliseconds.
 */

const id = z
  .string()
  .regex(/^[a-z][a-z0-9-]*$/, 'must be lowercase letters, digits and dashes, starting with a letter');

export const durationSchema = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const ms = parseDuration(value);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a duration (write e.g. 30s, 15m, 2h)` });
    return z.NEVER;
  }
  return ms;
});

export const riskSchema = z.enum(['low', 'medium', 'high', 'critical']);
export type Risk = z.infer<typeof riskSchema>;

export const roleSchema = z.strictObject({
  id,
  title: z.string(),
  /** Who to call when a gate waits on this role for too long (free text). */
  escalation: z.string().optional(),
  contact: z.string().optional(),
});

export const changeTicketSchema = z.strictObject({
  policy: z.enum(['none', 'recommended', 'required']),
  pattern: z.string().optional(),
  /** A ticket that matches `pattern`: what a rehearsal's autopilot types. */
  ticketExample: z.string().optional(),
});

export const environmentSchema = z.strictObject({
  id,
  title: z.string(),
  accountId: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'),
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as af-south-1'),
  profile: z.string().optional(),
  production: z.boolean().default(false),
  /** Base URL of the application in this environment, for http/load steps: ${baseUrl}. */
  baseUrl: z.string().optional(),
  approvalRoles: z.array(id).default([]),
  changeTicket: changeTicketSchema.default({ policy: 'none' }),
  downtimeTolerance: z.string().optional(),
  dataRetention: z.string().optional(),
});

export const channelSchema = z.strictObject({
  id,
  title: z.string(),
  slack: z.string().optional(),
  other: z.array(z.string()).default([]),
  timing: z.string().optional(),
  content: z.string().optional(),
});

export const templateSchema = z.strictObject({
  id,
  title: z.string().optional(),
  channel: id,
  /** Seed section the template comes from, e.g. "9.2". */
  source: z.string().optional(),
  text: z.string(),
});

const stepBase = {
  id,
  title: z.string(),
  description: z.string().optional(),
  /** Seed section this step encodes, for the report and the docs. */
  source: z.string().optional(),
};

export const manualStepSchema = z.strictObject({
  ...stepBase,
  kind: z.literal('manual'),
  /** The conductor must type an evidence note (a link, a ticket, a value) to confirm. */
  evidence: z.enum(['none', 'optional', 'required']).default('optional'),
});

export const evidenceRuleSchema = z.strictObject({
  id,
  /** What the number is: fed to the go/no-go under this name. */
  fact: z.enum(['coverage', 'tests-passed', 'tests-failed', 'custom']),
  from: z.enum(['json', 'cobertura', 'regex', 'test-summary']),
  /** File for json/cobertura, relative to the step's cwd. */
  path: z.string().optional(),
  /** Dot path inside the JSON, e.g. total.lines.pct. */
  pointer: z.string().optional(),
  /** Regex with one capture group, over the command's output. */
  pattern: z.string().optional(),
  min: z.number().optional(),
  max: z.number().optional(),
});

export const commandStepSchema = z.strictObject({
  ...stepBase,
  kind: z.literal('command'),
  run: z.array(z.string()).min(1),
  shell: z.boolean().default(false),
  cwd: z.string().optional(),
  env: z.record(z.string(), z.string()).default({}),
  timeout: durationSchema.default(600_000),
  dangerous: z.boolean().default(false),
  evidence: z.array(evidenceRuleSchema).default([]),
});

export const httpStepSchema = z.strictObject({
  ...stepBase,
  kind: z.literal('http'),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']).default('GET'),
  url: z.string(),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.string().optional(),
  expectStatus: z.number().int().min(100).max(599).default(200),
  maxLatency: durationSchema.optional(),
  bodyContains: z.string().optional(),
  /** The TLS certificate must be valid and not self-signed (seed 7.3). */
  tlsValid: z.boolean().default(false),
});

export const loadStepSchema = z.strictObject({
  ...stepBase,
  kind: z.literal('load'),
  url: z.string(),
  method: z.enum(['GET', 'POST']).default('GET'),
  requests: z.number().int().positive().optional(),
  concurrency: z.number().int().positive(),
  duration: durationSchema.optional(),
  maxErrorRatePct: z.number().min(0).max(100),
  maxP95: durationSchema,
  /** The recorded performance baseline p95: the go/no-go judges "p95 within baseline +10%" against it (8.1). */
  baselineP95: durationSchema.optional(),
});

export const conditionalRoleSchema = z.strictObject({
  role: id,
  whenRisk: z.array(riskSchema).min(1),
});

export const approvalStepSchema = z.strictObject({
  ...stepBase,
  kind: z.literal('approval'),
  roles: z.array(id).min(1),
  conditionalRoles: z.array(conditionalRoleSchema).default([]),
  /** An approval older than this must be given again (24h SIT, 48h PROD). */
  expiry: durationSchema,
  /** Each role approved by a different person. */
  distinctApprovers: z.boolean().default(true),
  /** An approver may not be the conductor of the session. */
  separationOfDuties: z.boolean().default(false),
  /** A gate waiting longer than this shows the escalation text. */
  escalateAfter: durationSchema.optional(),
  escalation: z.string().optional(),
  /** Required documentation the approvers look for (links, plans), shown on the screen. */
  documentation: z.array(z.string()).default([]),
});

export const gonogoStepSchema = z.strictObject({
  ...stepBase,
  kind: z.literal('gonogo'),
  coverage: z.strictObject({ min: z.number().min(0).max(100) }),
  tests: z.strictObject({ maxFailed: z.number().int().min(0).default(0) }).default({ maxFailed: 0 }),
  performance: z.strictObject({
    /** p95 may exceed the baseline by at most this percentage (8.1: +10%). */
    maxP95IncreasePct: z.number().min(0),
    maxErrorRatePct: z.number().min(0).max(100),
  }),
  approvals: z.boolean().default(true),
  /** Risks that still give GO but with extra monitoring (8.3 medium risk). */
  extraMonitoringRisks: z.array(riskSchema).default(['medium']),
  /** Risks that require a recorded mitigation or give NO-GO (8.2: HIGH without mitigation). */
  mitigationRequiredRisks: z.array(riskSchema).default(['high', 'critical']),
});

export const bandSchema = z.strictObject({
  /** Canary error rate (percent) above which the sample leaves this band. */
  errorRatePct: z.number().min(0).max(100),
  /** p95 may be at most baseline * (1 + pct/100). */
  p95OverBaselinePct: z.number().min(0),
  /** Throttle events tolerated (Lambda, DynamoDB). */
  maxThrottles: z.number().int().min(0).optional(),
});

export const lambdaTargetSchema = z.strictObject({
  functionName: z.string(),
  alias: z.string(),
  /** Version published for this release; ${...} allowed. */
  canaryVersion: z.string().optional(),
});

export const apiGatewayTargetSchema = z.strictObject({
  restApiId: z.string(),
  apiName: z.string(),
  stage: z.string(),
  /** The Stage dimension value of the canary's metrics (commonly "<stage>/Canary"). */
  canaryStage: z.string(),
});

export const canaryStageSchema = z.strictObject({
  weight: z.number().gt(0).max(100),
  hold: durationSchema,
});

export const canaryStepSchema = z.strictObject({
  ...stepBase,
  kind: z.literal('canary'),
  targets: z.strictObject({
    apiGateway: apiGatewayTargetSchema.optional(),
    lambdas: z.array(lambdaTargetSchema).default([]),
  }),
  stages: z.array(canaryStageSchema).min(1),
  period: durationSchema.default(60_000),
  /**
   * Each poll judges the trailing window (never reaching back before the first traffic shift):
   * one minute of a 10% canary is too few requests for a 0.5% error-rate band to mean anything.
   */
  window: durationSchema.default(300_000),
  bands: z.strictObject({ pass: bandSchema, nogo: bandSchema, rollback: bandSchema }),
  /** Samples in the rollback band in a row before an automatic rollback (10.2 "persistent"). */
  sustained: z.number().int().min(1).default(3),
  minRequests: z.number().int().min(0).default(50),
  autoRollback: z.boolean().default(true),
  /** Countdown shown before an automatic rollback, during which the conductor may hold. */
  rollbackCountdown: durationSchema.default(30_000),
  advance: z.enum(['auto', 'confirm']).default('confirm'),
  /**
   * How the first traffic moves: `manual` (the default) asks the person, showing the first stage's
   * weight, the targets and the account; `automatic` moves it once the guard allows.
   */
  start: z.enum(['manual', 'automatic']).default('manual'),
  /** How long a WATCH stage is extended when the conductor chooses to extend. */
  extendBy: durationSchema.default(900_000),
  baseline: z
    .union([z.literal('stable'), z.strictObject({ errorRatePct: z.number().min(0), p95: durationSchema })])
    .default('stable'),
  /** Template posted at each stage change (seed 9.1: operations every 15 min during deployment). */
  progressTemplate: id.optional(),
});

export const extraMetricSchema = z.strictObject({
  id,
  title: z.string(),
  namespace: z.string(),
  metric: z.string(),
  dimensions: z.record(z.string(), z.string()).default({}),
  stat: z.string().default('Maximum'),
  unit: z.string().optional(),
  /** Above this: WATCH/NO-GO. */
  max: z.number().optional(),
  /** Above this, sustained: roll back. */
  rollbackAbove: z.number().optional(),
});

export const monitorStepSchema = z.strictObject({
  ...stepBase,
  kind: z.literal('monitor'),
  duration: durationSchema,
  period: durationSchema.default(60_000),
  /** Keep the canary's rollback band armed while monitoring. */
  rollbackArmed: z.boolean().default(true),
  extraMetrics: z.array(extraMetricSchema).default([]),
});

export const notifyStepSchema = z.strictObject({
  ...stepBase,
  kind: z.literal('notify'),
  template: id,
  /** Overrides the template's channel. */
  channel: id.optional(),
});

export const trafficRevertStepSchema = z.strictObject({
  ...stepBase,
  kind: z.literal('traffic-revert'),
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
  id,
  title: z.string(),
  /** The environment this phase acts on; defaults to the promotion's target. */
  environment: id.optional(),
  source: z.string().optional(),
  steps: z.array(stepSchema).min(1),
});

export const promotionSchema = z.strictObject({
  id,
  title: z.string(),
  from: id,
  to: id,
  /** PROD promotions declare a maintenance window; traffic moves only inside it. */
  requiresWindow: z.boolean().default(false),
  phases: z.array(phaseSchema).min(1),
  rollback: z.strictObject({
    source: z.string().optional(),
    steps: z.array(rollbackStepSchema).min(1),
  }),
});

export const runbookSchema = z.strictObject({
  runbook: z.strictObject({
    id,
    title: z.string(),
    version: z.string(),
    source: z.string().optional(),
  }),
  roles: z.array(roleSchema).min(1),
  environments: z.array(environmentSchema).min(1),
  channels: z.array(channelSchema).default([]),
  templates: z.array(templateSchema).default([]),
  promotions: z.array(promotionSchema).min(1),
});

export type Runbook = z.infer<typeof runbookSchema>;
export type RunbookInput = z.input<typeof runbookSchema>;
export type Role = z.infer<typeof roleSchema>;
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
