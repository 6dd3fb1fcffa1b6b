// biome-ignore-all lint/suspicious/noTemplateCurlyInString: runbook placeholders are written ${name} on purpose
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  interpolate,
  placeholdersIn,
  unresolvedPlaceholders,
} from '../../../src/core/runbook/interpolate.js';
import { parseRunbook } from '../../../src/core/runbook/parse.js';
import {
  closestVariable,
  environmentVariables,
  isKnownVariable,
  phaseEnvironment,
  promotionVariables,
  unresolvedSentence,
  unsetReason,
  VARIABLES,
} from '../../../src/core/runbook/variables.js';

const text = readFileSync(new URL('../../../runbooks/bbws.yaml', import.meta.url).pathname, 'utf8');
const parsed = parseRunbook(text, 'bbws.yaml');
if (!parsed.ok) throw new Error('bbws.yaml must parse');
const runbook = parsed.runbook;

describe('the variable catalogue', () => {
  it('has each name once', () => {
    const names = VARIABLES.map((v) => v.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('knows every name the BBWS runbook uses, and the BBWS runbook uses most of it', () => {
    const withoutComments = text
      .split('\n')
      .filter((line) => !/^\s*#/.test(line))
      .join('\n');
    const used = new Set(placeholdersIn(withoutComments));
    for (const name of used) expect(isKnownVariable(name)).toBe(true);
    expect(used.size).toBeGreaterThanOrEqual(25);
  });

  it('suggests the closest name for a typo, and nothing for a stranger', () => {
    expect(closestVariable('verison')).toBe('version');
    expect(closestVariable('baseURL')).toBe('baseUrl');
    expect(closestVariable('previousversion')).toBe('previousVersion');
    expect(closestVariable('kubernetesNamespace')).toBeUndefined();
  });

  it('fills every template of the runbook when every value is given', () => {
    const values = Object.fromEntries(VARIABLES.map((v) => [v.name, v.example]));
    for (const template of runbook.templates) expect(interpolate(template.text, values)).not.toMatch(/\$\{/);
  });

  it('takes environment values from the phase environment, or the promotion target', () => {
    const sitToProd = runbook.promotions.find((p) => p.id === 'sit-to-prod');
    if (!sitToProd) throw new Error('no sit-to-prod');
    const [preValidation] = sitToProd.phases;
    const canary = sitToProd.phases.find((p) => p.id === 'canary');
    const sit = phaseEnvironment(runbook, sitToProd, preValidation);
    const prod = phaseEnvironment(runbook, sitToProd, canary ?? {});
    if (!sit || !prod) throw new Error('environments must resolve');
    expect(interpolate('${baseUrl}/health as ${profile}', environmentVariables(sit))).toBe(
      'https://sit-api.bbws.co.za/health as bbws-sit',
    );
    expect(environmentVariables(prod)).toMatchObject({
      env: 'prod',
      account: '093646564004',
      region: 'af-south-1',
    });
    expect(promotionVariables(runbook, sitToProd)).toEqual({
      promotion: 'sit-to-prod',
      from: 'SIT',
      to: 'PROD',
      runbook: 'BBWS environment promotion (DEV -> SIT -> PROD)',
    });
  });

  it('finds the placeholders that have no value, each once', () => {
    const sit = runbook.environments.find((e) => e.id === 'sit')!;
    const { profile: _, ...noProfile } = sit;
    const vars = environmentVariables(noProfile);
    expect(
      unresolvedPlaceholders(
        ['--profile=${profile}', '${env}', 'AWS_PROFILE=${profile}', '${releaseNotes}'],
        vars,
      ),
    ).toEqual(['profile', 'releaseNotes']);
    expect(unresolvedPlaceholders(['${env}'], vars)).toEqual([]);
    expect(environmentVariables({ ...sit, profile: '' }).profile).toBeUndefined();
  });

  it('says why a placeholder has no value, in one sentence naming it', () => {
    const sit = runbook.environments.find((e) => e.id === 'sit')!;
    const { profile: _, ...noProfile } = sit;
    expect(unsetReason('profile', sit)).toBeUndefined();
    expect(unsetReason('profile', noProfile)).toBe('environment "sit" sets no profile');
    expect(unsetReason('version', noProfile)).toBeUndefined();
    expect(unresolvedSentence(['profile'], noProfile, 'the command was not started')).toBe(
      '${profile} has no value (environment "sit" sets no profile), so the command was not started.',
    );
    expect(unresolvedSentence(['profile', 'releaseNotes'], noProfile, 'no request was sent')).toBe(
      '${profile} and ${releaseNotes} have no value (environment "sit" sets no profile; the conductor types ${releaseNotes}, and nothing asks for it before a step runs), so no request was sent.',
    );
  });
});
