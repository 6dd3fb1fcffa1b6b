import { render } from 'ink-testing-library';
import { expect } from 'vitest';
import type { SessionEvent } from '../../src/core/session/events.js';
import type { Waiting } from '../../src/engine/conductor.js';
import type { KeyContext } from '../../src/keys.js';
import { Home, type HomeSession } from '../../src/screens/Home.js';
import { stripAnsi, tick } from '../components/render-helpers.js';
import { HOUR, MIN, passPhasesBefore } from '../screens/fixtures.js';
import {
  type AppSessionOptions,
  armedEvent,
  ENTER,
  gatesPassed,
  NOW,
  type RecordedAction,
  setup,
  shiftedEvents,
} from './app-session.js';
import { eventually } from './eventually.js';
import {
  canaryWaitingToStart,
  checklistUpTo,
  decisionNeeded,
  failedCommand,
  monitoring,
  noGo,
  ORPHAN_WAITING,
  orphanStillRunning,
  promoted,
  rollingBack,
  twoTargetsSampled,
  withNotifications,
} from './key-context-events.js';

/**
 * The representative contexts of the key test: each drives the real App (or the home screen) into
 * one situation a person meets during a promotion, and says what its key context must be there.
 */
export interface KeyHost {
  frame(): string;
  /** The frame with its colours and inverse video (a selected row is only inverse). */
  rawFrame(): string;
  /** Everything written to the terminal, escape sequences included (OSC 52). */
  output(): string[];
  press(raw: string): Promise<void>;
  /** The key context of the last frame, as the screen itself computed it. */
  context(): KeyContext | undefined;
  /** What was asked of the session (or of the home screen's caller), in order. */
  actions: RecordedAction[];
  exits: string[];
  /** The types of the events the session journaled since the screen was drawn. */
  journaled: string[];
  /** The requests that reached AWS or the work ports ('rollback', 'command', ...). */
  requests: string[];
}

export interface KeyScenario {
  name: string;
  mount(): Promise<KeyHost>;
  /** Facts of the key context this scenario stands for (checked before any key is pressed). */
  expected: Partial<KeyContext>;
}

async function until(check: () => boolean, what: string, host: KeyHost) {
  expect(await eventually(check), `${what}; the frame:\n${host.frame()}`).toBe(true);
}

function appScenario(
  name: string,
  expected: Partial<KeyContext>,
  events: () => SessionEvent[],
  how: { ready: string; keys?: string[]; opened?: string; options?: AppSessionOptions },
): KeyScenario {
  return {
    name,
    expected,
    async mount() {
      const t = setup(events(), how.options);
      const host: KeyHost = {
        frame: t.frame,
        rawFrame: () => t.app.lastFrame() ?? '',
        output: () => t.app.frames,
        press: (raw) => t.press(raw),
        context: t.context,
        actions: t.actions,
        exits: t.exits,
        journaled: t.journaled,
        requests: t.calls,
      };
      await until(() => t.frame().includes(how.ready), `the screen shows "${how.ready}"`, host);
      if (how.keys) {
        await t.press(...how.keys);
        const opened = how.opened ?? how.ready;
        await until(() => t.frame().includes(opened), `after the keys, the screen shows "${opened}"`, host);
      }
      return host;
    },
  };
}

const HOME_SESSIONS: HomeSession[] = ['a', 'b', 'c'].map((id, i) => ({
  id: `2026120${i + 1}-200000-${id}${id}12`,
  title: `bbws v4${i} sit → prod`,
  status: 'active',
  currentStep: 'prod-canary',
  updatedAt: NOW - (i + 1) * HOUR,
  rehearsal: false,
}));

function homeScenario(
  name: string,
  expected: Partial<KeyContext>,
  sessions: HomeSession[],
  keys: string[] = [],
): KeyScenario {
  return {
    name,
    expected,
    async mount() {
      const actions: RecordedAction[] = [];
      const exits: string[] = [];
      let last: KeyContext | undefined;
      const app = render(
        <Home
          sessions={sessions}
          now={NOW}
          edges={['dev-to-sit', 'sit-to-prod']}
          nextEdges={{ 'dev-to-sit': { edge: 'sit-to-prod', label: 'SIT -> PROD' } }}
          defaults={{ version: 'v43', ticket: 'CHG-1234' }}
          onResume={(id) => actions.push({ name: 'resume', args: [id] })}
          onStart={(request) => {
            actions.push({ name: 'start', args: [request] });
            return undefined;
          }}
          onQuit={() => exits.push('quit')}
          onKeyContext={(ctx) => {
            last = ctx;
          }}
          width={100}
          height={24}
        />,
      );
      unmountAfter.push(app.unmount);
      const host: KeyHost = {
        frame: () => stripAnsi(app.lastFrame() ?? ''),
        rawFrame: () => app.lastFrame() ?? '',
        output: () => app.frames,
        press: async (raw) => {
          app.stdin.write(raw);
          await tick();
          await tick();
        },
        context: () => last,
        actions,
        exits,
        journaled: [],
        requests: [],
      };
      await until(() => host.context() !== undefined, 'the home screen is drawn', host);
      for (const key of keys) await host.press(key);
      return host;
    },
  };
}

/** Home screens rendered by a scenario, unmounted by the test after each trial. */
export const unmountAfter: Array<() => void> = [];

const CANARY = { ready: '[10%]' };
const CANARY_START: Waiting = {
  step: 'prod-canary',
  kind: 'canary-start',
  message: 'Start the canary? 10% of PROD traffic moves to v42.',
};
const OUTPUT = Array.from({ length: 50 }, (_, i) => `output line ${i}`);
const SHIFTED_CANARY = { screen: 'canary', trafficShifted: true } as const;

export const KEY_SCENARIOS: KeyScenario[] = [
  homeScenario('home · sessions to resume', { screen: 'home', items: 3 }, HOME_SESSIONS),
  homeScenario('home · no session yet', { screen: 'home', items: 0 }, []),
  homeScenario(
    'home · a version promoted to SIT',
    { screen: 'home', items: 1, nextEdge: 'v44 SIT -> PROD' },
    [
      {
        id: '20261201-200000-dd12',
        title: 'bbws v44 dev → sit',
        status: 'promoted',
        currentStep: '',
        updatedAt: NOW - HOUR,
        rehearsal: true,
        promotionId: 'dev-to-sit',
        version: 'v44',
      },
    ],
  ),
  homeScenario('home · start form', { screen: 'home', overlay: 'form', fields: 6 }, HOME_SESSIONS, ['s']),
  appScenario(
    'checklist · manual item needing evidence',
    { screen: 'checklist', selectedItem: 'manual', trafficShifted: false },
    () => checklistUpTo('infrastructure-readiness'),
    { ready: 'space: mark done' },
  ),
  appScenario(
    'checklist · command running, with output',
    { screen: 'checklist', selectedItem: 'command', running: true },
    () => [
      ...checklistUpTo('backend-tests'),
      { type: 'step.started', at: NOW, step: 'backend-tests', attempt: 1 },
    ],
    {
      ready: 'output line 49',
      options: { liveOutput: OUTPUT },
    },
  ),
  appScenario(
    'checklist · the only command of its phase running, with output',
    { screen: 'checklist', items: 1, running: true },
    () => [
      ...passPhasesBefore('deploy'),
      ...gatesPassed(),
      { type: 'phase.started', at: NOW - MIN, phase: 'deploy' },
      { type: 'step.started', at: NOW - MIN, step: 'terraform-apply-prod', attempt: 1 },
    ],
    { ready: 'output line 49', options: { liveOutput: OUTPUT } },
  ),
  appScenario(
    'checklist · failed command (stuck)',
    { screen: 'checklist', selectedItem: 'failed', stuck: true },
    failedCommand,
    {
      ready: 'r: run it again',
      options: {
        waiting: {
          step: 'backend-tests',
          kind: 'rerun',
          message: 'Backend tests failed. Press r to run it again.',
        },
      },
    },
  ),
  appScenario(
    'checklist · a dangerous step asks',
    { screen: 'checklist', selectedItem: 'command', decisionPending: true },
    () => [...passPhasesBefore('deploy'), ...gatesPassed()],
    {
      ready: 'DANGEROUS',
      options: {
        waiting: {
          step: 'terraform-apply-prod',
          kind: 'dangerous',
          message: 'Apply PROD changes PROD: confirm to run it.',
        },
      },
    },
  ),
  appScenario(
    'checklist · the previous engine’s command still runs',
    { screen: 'checklist', decisionPending: true },
    orphanStillRunning,
    {
      ready: 'enter: stop it instead',
      options: {
        waiting: ORPHAN_WAITING,
      },
    },
  ),
  appScenario(
    'approval · roles waiting',
    { screen: 'approval', approvalPending: true },
    () => passPhasesBefore('approval'),
    { ready: 'Tech Lead and Infrastructure Lead approve', options: { risk: 'high' } },
  ),
  appScenario('go/no-go · NO-GO (stuck)', { screen: 'gonogo', selectedItem: 'failed', stuck: true }, noGo, {
    ready: 'NO-GO',
    options: {
      waiting: { step: 'gonogo-prod', kind: 'gonogo', message: 'NO-GO: Raise coverage to at least 80%.' },
    },
  }),
  appScenario(
    'halted session (stuck)',
    { screen: 'approval', stuck: true },
    () => [
      ...passPhasesBefore('approval'),
      { type: 'session.halted', at: NOW, reason: 'The AWS credentials for PROD have expired.' },
    ],
    { ready: 'Halted:' },
  ),
  appScenario(
    'canary · waiting to start',
    { screen: 'canary', decisionPending: true, trafficShifted: false },
    canaryWaitingToStart,
    {
      ready: 'start the canary',
      options: {
        waiting: CANARY_START,
      },
    },
  ),
  appScenario(
    'canary · traffic shifted, hold running',
    { ...SHIFTED_CANARY, holdActive: true },
    shiftedEvents,
    CANARY,
  ),
  appScenario(
    'canary · two targets charted',
    { ...SHIFTED_CANARY, holdActive: true, chartTargets: 2 },
    twoTargetsSampled,
    { ready: '1/2 API prod' },
  ),
  appScenario('canary · stage decision waits', { ...SHIFTED_CANARY, decisionPending: true }, decisionNeeded, {
    ready: 'needs a decision',
  }),
  appScenario(
    'canary · automatic rollback armed',
    { ...SHIFTED_CANARY, autoRollbackArmed: true },
    () => [...shiftedEvents(), armedEvent()],
    { ready: 'AUTO-ROLLBACK' },
  ),
  appScenario(
    'monitor · watching after the promotion',
    { screen: 'monitor', trafficShifted: true },
    monitoring,
    {
      ready: 'left',
    },
  ),
  appScenario('rollback · running', { screen: 'rollback', rollbackRunning: true }, rollingBack, {
    ready: 'ROLLING BACK',
  }),
  appScenario(
    'summary · promoted',
    { screen: 'summary', trafficShifted: false },
    () => [
      ...promoted(),
      { type: 'session.completed', at: NOW, outcome: 'promoted', summary: 'v42 promoted to PROD.' },
    ],
    { ready: 'PROMOTED' },
  ),
  appScenario('watcher · canary, traffic shifted', { ...SHIFTED_CANARY, readOnly: true }, shiftedEvents, {
    ...CANARY,
    options: { readOnly: true },
  }),
  appScenario(
    'watcher · automatic rollback armed, a stage decision waiting',
    { ...SHIFTED_CANARY, readOnly: true, autoRollbackArmed: true, decisionPending: true },
    () => [...decisionNeeded(), armedEvent()],
    { ready: 'AUTO-ROLLBACK', options: { readOnly: true } },
  ),
  appScenario(
    'watcher · canary waiting to start',
    { screen: 'canary', readOnly: true, decisionPending: true },
    canaryWaitingToStart,
    {
      ready: 'waiting for the conductor to start the canary',
      options: { readOnly: true, waiting: CANARY_START },
    },
  ),
  appScenario('overlay · help', { ...SHIFTED_CANARY, overlay: 'help' }, shiftedEvents, {
    ...CANARY,
    keys: ['?'],
    opened: 'dim: not available here',
  }),
  appScenario(
    'overlay · notifications',
    { ...SHIFTED_CANARY, overlay: 'notifications', items: 3 },
    withNotifications,
    {
      ...CANARY,
      keys: ['N'],
      opened: 'Notifications (3)',
    },
  ),
  appScenario('overlay · journal', { ...SHIFTED_CANARY, overlay: 'journal' }, shiftedEvents, {
    ...CANARY,
    keys: ['l'],
    opened: 'Journal tail',
  }),
  appScenario(
    'question · leave with traffic shifted',
    { ...SHIFTED_CANARY, overlay: 'confirm' },
    shiftedEvents,
    {
      ...CANARY,
      keys: ['q'],
      opened: 'Leave it like that?',
    },
  ),
  appScenario(
    'question · leave while a rollback runs',
    { screen: 'rollback', overlay: 'confirm', rollbackRunning: true },
    rollingBack,
    { ready: 'ROLLING BACK', keys: ['q'], opened: 'Leave it like that?' },
  ),
  appScenario(
    'question · run a dangerous step',
    { screen: 'checklist', overlay: 'confirm' },
    () => [...passPhasesBefore('deploy'), ...gatesPassed()],
    {
      ready: 'DANGEROUS',
      keys: [ENTER],
      opened: 'run it',
      options: {
        waiting: {
          step: 'terraform-apply-prod',
          kind: 'dangerous',
          message: 'Apply PROD: confirm to run it.',
        },
      },
    },
  ),
  appScenario(
    'question · stop the previous engine’s command',
    { screen: 'checklist', overlay: 'confirm' },
    orphanStillRunning,
    {
      ready: 'enter: stop it instead',
      keys: [ENTER],
      opened: 'keep waiting',
      options: {
        waiting: ORPHAN_WAITING,
      },
    },
  ),
  appScenario(
    'form · record an approval (four fields)',
    { screen: 'approval', overlay: 'form', fields: 4 },
    () => passPhasesBefore('approval'),
    {
      ready: 'Tech Lead and Infrastructure Lead approve',
      keys: ['a'],
      opened: 'Record an approval',
      options: { risk: 'high' },
    },
  ),
  appScenario(
    'form · stage decision (a choice and a reason)',
    { ...SHIFTED_CANARY, overlay: 'form', fields: 2 },
    decisionNeeded,
    { ready: 'needs a decision', keys: [ENTER], opened: 'what now?' },
  ),
  appScenario(
    'form · advance early (one text field, traffic shifted)',
    { ...SHIFTED_CANARY, overlay: 'form', fields: 1 },
    shiftedEvents,
    { ...CANARY, keys: ['n'], opened: 'Advance to the next stage now?' },
  ),
];
