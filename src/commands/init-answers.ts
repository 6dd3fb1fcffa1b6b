// biome-ignore-all lint/suspicious/noTemplateCurlyInString: runbook placeholders are written ${name} on purpose
import { ticketMatching } from '../core/gates/ticket-example.js';
import { parseDuration } from '../core/runbook/duration.js';
import { regexPatternProblem } from '../core/runbook/regex-pattern.js';

/**
 * What `conductor init` asks a new team, and how each typed answer is read. Every reader returns
 * the value or one sentence saying what is wrong, so the prompt can ask again and a test can check
 * the same rule without a terminal.
 */

export interface InitEnvironment {
  id: string;
  title: string;
  accountId: string;
  region: string;
  production: boolean;
}

export interface InitApiGateway {
  restApiId: string;
  /** The API's name (the ApiName dimension of its metrics); `${env}` allowed. */
  apiNamePattern: string;
  /** The stage that carries the canary; `${env}` allowed. */
  stagePattern: string;
}

export interface InitAnswers {
  title: string;
  environments: InitEnvironment[];
  /** Lambda function names with `${env}` for the environment id, e.g. `${env}-myapp-api`. */
  lambdaPatterns: string[];
  alias: string;
  /** Per production environment id: its API Gateway REST API, when the canary moves one. */
  apiGateways: Record<string, InitApiGateway>;
  stages: number[];
  /** As typed ("15m"): written into the runbook as it was read. */
  hold: string;
  approverRoles: string[];
  ticketPattern: string;
  ticketExample: string;
}

export type Read<T> = { ok: true; value: T } | { ok: false; problem: string };

const ok = <T>(value: T): Read<T> => ({ ok: true, value });
const no = <T>(problem: string): Read<T> => ({ ok: false, problem });

const ID = /^[a-z][a-z0-9-]*$/;

/** A list typed as "a, b c": commas or spaces between the items. */
export function listOf(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

export function readTitle(text: string): Read<string> {
  const title = text.trim();
  if (title === '') return no('Give the runbook a title, e.g. "Shop promotion".');
  // `${` would be read as a variable in every message that shows the title.
  if (title.includes('${')) return no('A title cannot contain "${": it would be read as a variable.');
  return ok(title);
}

/** Environment names in promotion order; each becomes an id (lowercase) and a title (capitals). */
export function readEnvironmentNames(text: string): Read<string[]> {
  const names = listOf(text).map((name) => name.toLowerCase());
  if (names.length < 2)
    return no('Name at least two environments, in promotion order (e.g. dev, sit, prod).');
  const bad = names.find((name) => !ID.test(name));
  if (bad !== undefined)
    return no(`"${bad}" is not an environment name: use letters, digits and dashes, starting with a letter.`);
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  if (twice !== undefined) return no(`"${twice}" is named twice; each environment once, in order.`);
  return ok(names);
}

export function readAccountId(text: string): Read<string> {
  const account = text.trim();
  if (!/^\d{12}$/.test(account))
    return no(`"${account}" is not an AWS account id: it has exactly 12 digits, e.g. 123456789012.`);
  return ok(account);
}

export function readRegion(text: string): Read<string> {
  const region = text.trim();
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region))
    return no(`"${region}" is not an AWS region: write it as AWS does, e.g. eu-west-1 or af-south-1.`);
  return ok(region);
}

export function readYesNo(text: string): Read<boolean> {
  const answer = text.trim().toLowerCase();
  if (answer === 'y' || answer === 'yes') return ok(true);
  if (answer === 'n' || answer === 'no') return ok(false);
  return no('Answer y or n.');
}

/** `${env}` is the one variable a name pattern may hold: the environment id. */
function patternProblem(pattern: string, what: string, allowed: RegExp): string | undefined {
  const unknown = /\$\{(?!env\})[^}]*\}?/.exec(pattern);
  if (unknown) return `${what} may use \${env} only, not ${unknown[0]}.`;
  const sample = pattern.replaceAll('${env}', 'prod');
  if (!allowed.test(sample)) return `"${pattern}" is not a valid ${what}.`;
  return undefined;
}

/** Lambda names: letters, digits, - and _, at most 64 characters (AWS's rule). */
const LAMBDA_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export function readLambdaPatterns(text: string): Read<string[]> {
  const patterns = listOf(text);
  if (patterns.length === 0) return no('Name at least one Lambda function, e.g. ${env}-myapp-api.');
  for (const pattern of patterns) {
    const problem = patternProblem(pattern, 'Lambda function name', LAMBDA_NAME);
    if (problem) return no(problem);
  }
  return ok(patterns);
}

export function readAlias(text: string): Read<string> {
  const alias = text.trim();
  // AWS: an alias name is not a version number; letters, digits, - and _.
  if (!/^(?!\d+$)[A-Za-z0-9_-]{1,128}$/.test(alias))
    return no(
      `"${alias}" is not a Lambda alias name: letters, digits, - and _, not only digits (e.g. live).`,
    );
  return ok(alias);
}

/** Empty (or "none"): no API Gateway; else a REST API id as AWS makes them (10 characters). */
export function readRestApiId(text: string): Read<string | undefined> {
  const id = text.trim();
  if (id === '' || id.toLowerCase() === 'none') return ok(undefined);
  if (!/^[a-z0-9]{10}$/.test(id))
    return no(`"${id}" is not a REST API id: 10 lowercase letters and digits, e.g. a1b2c3d4e5 (or none).`);
  return ok(id);
}

export function readApiNamePattern(text: string): Read<string> {
  const pattern = text.trim();
  const problem = patternProblem(pattern, 'API name', /^[A-Za-z0-9 _.-]{1,128}$/);
  return problem ? no(problem) : ok(pattern);
}

export function readStagePattern(text: string): Read<string> {
  const pattern = text.trim();
  const problem = patternProblem(pattern, 'stage name', /^[A-Za-z0-9_-]{1,128}$/);
  return problem ? no(problem) : ok(pattern);
}

export function readStages(text: string): Read<number[]> {
  const items = listOf(text.replaceAll('%', ''));
  const weights = items.map(Number);
  const bad = items.findIndex((_, i) => !Number.isFinite(weights[i]) || weights[i] <= 0 || weights[i] > 100);
  if (bad !== -1 || weights.length === 0)
    return no(
      `"${items[bad] ?? text.trim()}" is not a traffic percentage: each stage is above 0 and at most 100.`,
    );
  if (weights.some((weight, i) => i > 0 && weight <= weights[i - 1]))
    return no('The stages must grow from one to the next, e.g. 10, 25, 50, 100.');
  if (weights[weights.length - 1] !== 100)
    return no('The last stage must be 100: the canary ends with all traffic on the new version.');
  return ok(weights);
}

export function readHold(text: string): Read<string> {
  const hold = text.trim();
  const ms = parseDuration(hold);
  if (ms === undefined || ms <= 0) return no(`"${hold}" is not a duration: write e.g. 15m, 30m or 1h.`);
  return ok(hold);
}

export function readRoles(text: string): Read<string[]> {
  const roles = listOf(text).map((role) => role.toLowerCase());
  if (roles.length === 0) return no('Name at least one role that approves PROD, e.g. tech-lead.');
  const bad = roles.find((role) => !ID.test(role));
  if (bad !== undefined)
    return no(`"${bad}" is not a role id: lowercase letters, digits and dashes, e.g. tech-lead.`);
  const twice = roles.find((role, i) => roles.indexOf(role) !== i);
  if (twice !== undefined) return no(`"${twice}" is named twice.`);
  return ok(roles);
}

export function readTicketPattern(text: string): Read<string> {
  const pattern = text.trim();
  if (pattern === '') return no('Give a regular expression the change ticket must match, e.g. ^CHG-\\d+$.');
  // The same check the runbook's validation makes: a pattern init accepts, validate accepts.
  const problem = regexPatternProblem(pattern);
  if (problem) return no(`"${pattern}" ${problem}.`);
  return ok(pattern);
}

export function readTicketExample(pattern: string): (text: string) => Read<string> {
  return (text) => {
    const ticket = text.trim();
    if (!new RegExp(`^(?:${pattern})$`).test(ticket))
      return no(`"${ticket}" does not match the ticket pattern ${pattern}.`);
    return ok(ticket);
  };
}

/** The example ticket offered for a pattern: CHG-2041 when it fits, else one made to match (if simple). */
export function suggestedTicket(pattern: string): string | undefined {
  const plain = 'CHG-2041';
  if (new RegExp(`^(?:${pattern})$`).test(plain)) return plain;
  return ticketMatching(pattern);
}

/** "tech-lead" -> "Tech Lead". */
export function titleOfId(id: string): string {
  return id
    .split('-')
    .filter((word) => word !== '')
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join(' ');
}

/** Example account ids for the defaults: valid, plainly not anyone's real account. */
const EXAMPLE_ACCOUNTS = ['111111111111', '222222222222', '333333333333', '444444444444', '555555555555'];

export function defaultAccount(index: number): string {
  return (
    EXAMPLE_ACCOUNTS[index] ??
    String(index + 1)
      .repeat(12)
      .slice(0, 12)
  );
}

export const DEFAULTS = {
  title: 'My app promotion',
  environments: 'dev, sit, prod',
  region: 'eu-west-1',
  lambdas: '${env}-myapp-api',
  alias: 'live',
  stage: '${env}',
  stages: '10, 25, 50, 100',
  hold: '15m',
  roles: 'tech-lead',
  ticketPattern: '^[A-Z][A-Z0-9]+-\\d+$',
} as const;
