// biome-ignore-all lint/suspicious/noTemplateCurlyInString: runbook placeholders are written ${name} on purpose
import {
  DEFAULTS,
  defaultAccount,
  type InitAnswers,
  type InitApiGateway,
  type InitEnvironment,
  type Read,
  readAccountId,
  readAlias,
  readApiNamePattern,
  readEnvironmentNames,
  readHold,
  readLambdaPatterns,
  readRegion,
  readRestApiId,
  readRoles,
  readStagePattern,
  readStages,
  readTicketExample,
  readTicketPattern,
  readTitle,
  readYesNo,
  suggestedTicket,
} from './init-answers.js';

/** One question: what is shown, the answer enter accepts, and how a typed answer is read. */
export interface Question<T> {
  prompt: string;
  default: string;
  read: (text: string) => Read<T>;
}

/** Asks until an answer reads; an empty answer is the default. */
export type Ask = <T>(question: Question<T>) => Promise<T>;

/** Answers every question with its default: `conductor init --yes`, the same questions unasked. */
export const acceptDefaults: Ask = async (question) => {
  const read = question.read(question.default);
  if (!read.ok) throw new Error(`the default of "${question.prompt}" does not read: ${read.problem}`);
  return read.value;
};

/** The production question of environment `index` of `count`, knowing which before it are production. */
function productionRule(index: number, count: number, productionBefore: boolean) {
  return (text: string): Read<boolean> => {
    const read = readYesNo(text);
    if (!read.ok) return read;
    if (index === 0 && read.value)
      return {
        ok: false,
        problem:
          'The first environment cannot be production: a release is promoted into production from the one before it.',
      };
    if (index === count - 1 && !productionBefore && !read.value)
      return {
        ok: false,
        problem: 'One environment must be production: the canary runs in the promotion into it.',
      };
    return read;
  };
}

/** The questions, in the order a new team answers them. */
export async function askInitAnswers(ask: Ask): Promise<InitAnswers> {
  const title = await ask({ prompt: 'Runbook title', default: DEFAULTS.title, read: readTitle });
  const names = await ask({
    prompt: 'Environments, in promotion order',
    default: DEFAULTS.environments,
    read: readEnvironmentNames,
  });

  const environments: InitEnvironment[] = [];
  for (const [index, id] of names.entries()) {
    const envTitle = id.toUpperCase();
    const accountId = await ask({
      prompt: `${envTitle}: AWS account id`,
      default: defaultAccount(index),
      read: readAccountId,
    });
    const region = await ask({
      prompt: `${envTitle}: AWS region`,
      // The region before is the likely one: most teams keep every environment in one.
      default: environments[index - 1]?.region ?? DEFAULTS.region,
      read: readRegion,
    });
    const productionBefore = environments.some((env) => env.production);
    const production = await ask({
      prompt: `${envTitle}: production (y/n)`,
      default: index === names.length - 1 && !productionBefore ? 'y' : 'n',
      read: productionRule(index, names.length, productionBefore),
    });
    environments.push({ id, title: envTitle, accountId, region, production });
  }

  const lambdaPatterns = await ask({
    prompt: 'Lambda functions of the canary (${env} is the environment)',
    default: DEFAULTS.lambdas,
    read: readLambdaPatterns,
  });
  const alias = await ask({
    prompt: 'Lambda alias that carries the traffic',
    default: DEFAULTS.alias,
    read: readAlias,
  });

  const apiGateways: Record<string, InitApiGateway> = {};
  for (const env of environments.filter((e) => e.production)) {
    const restApiId = await ask({
      prompt: `${env.title}: API Gateway REST API id (none: Lambda aliases only)`,
      default: 'none',
      read: readRestApiId,
    });
    if (restApiId === undefined) continue;
    const apiNamePattern = await ask({
      prompt: `${env.title}: API Gateway API name`,
      // The API is most often named like the first function.
      default: lambdaPatterns[0],
      read: readApiNamePattern,
    });
    const stagePattern = await ask({
      prompt: `${env.title}: API Gateway stage`,
      default: DEFAULTS.stage,
      read: readStagePattern,
    });
    apiGateways[env.id] = { restApiId, apiNamePattern, stagePattern };
  }

  const stages = await ask({
    prompt: 'Canary stages, percent of traffic',
    default: DEFAULTS.stages,
    read: readStages,
  });
  const hold = await ask({ prompt: 'Hold time of each stage', default: DEFAULTS.hold, read: readHold });
  const approverRoles = await ask({
    prompt: 'Roles that approve a promotion into production',
    default: DEFAULTS.roles,
    read: readRoles,
  });
  const ticketPattern = await ask({
    prompt: 'Change ticket pattern (a regular expression)',
    default: DEFAULTS.ticketPattern,
    read: readTicketPattern,
  });
  const ticketExample = await ask({
    prompt: 'A ticket that matches it (what a rehearsal types)',
    default: suggestedTicket(ticketPattern) ?? '',
    read: readTicketExample(ticketPattern),
  });

  return {
    title,
    environments,
    lambdaPatterns,
    alias,
    apiGateways,
    stages,
    hold,
    approverRoles,
    ticketPattern,
    ticketExample,
  };
}
