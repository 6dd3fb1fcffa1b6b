import { Box, Text, useStdout } from 'ink';
import {
  type ReactNode,
  useCallback,
  useEffect,
  useMemo,
  useReducer,
  useRef,
  useSyncExternalStore,
} from 'react';
import { Banner, bannerRows } from './components/Banner.js';
import { Frame, mainArea } from './components/Frame.js';
import { Header } from './components/Header.js';
import { HelpOverlay } from './components/HelpOverlay.js';
import { KeyBar } from './components/KeyBar.js';
import { PhaseRail, railWidth } from './components/PhaseRail.js';
import { StatusBar } from './components/StatusBar.js';
import { answeredByAwsStandin } from './core/session/aws-standin-warning.js';
import { environmentOf, sessionTime } from './core/session/selectors.js';
import type { SessionView } from './engine/session-view.js';
import { activeBindings, helpSections, type KeyContext, keyBarItems } from './keys.js';
import { Approval } from './screens/Approval.js';
import { Canary } from './screens/Canary.js';
import { Checklist } from './screens/Checklist.js';
import { headerEnvironment, pollPeriodOf, railPhases, statusBarProps } from './screens/chrome.js';
import { GoNoGo } from './screens/GoNoGo.js';
import { Monitor } from './screens/Monitor.js';
import { JournalOverlay, NotificationsOverlay } from './screens/Overlays.js';
import { passedSubject } from './screens/passed-subject.js';
import { Rollback } from './screens/Rollback.js';
import { dialogFor } from './screens/SessionDialog.js';
import { Summary } from './screens/Summary.js';
import {
  canaryDefinitionOf,
  type ExitHow,
  sessionKeyContext,
  sessionKeypress,
} from './screens/session-keys.js';
import { shownStageDecision } from './screens/stage-decision-form.js';
import type { ScreenProps } from './screens/types.js';
import { INITIAL_UI, selectedIndex, type UiAction, type UiState, uiReducer } from './screens/ui-state.js';
import {
  isTooSmall,
  type Theme,
  ThemeProvider,
  TooSmall,
  themeFor,
  useTerminalSize,
} from './terminal/index.js';
import { useClockTick } from './terminal/use-clock-tick.js';
import { useKeypress } from './terminal/use-keypress.js';
import { useReportFiles } from './use-report-files.js';

export type { ExitHow };

export interface AppProps {
  /** The session: the engine itself in tests, a client of the engine's process in the CLI. */
  conductor: SessionView;
  rehearsal?: { scenario: string; speed: number };
  /**
   * The person leaves the screen. 'detach': traffic is shifted and they chose to leave it so; the
   * caller keeps the process as a headless guard (conductor.becomeGuard()). 'quit': nothing is
   * shifted (or the session is over); the caller records conductor.detach() and stops.
   */
  onExit: (how: ExitHow) => void;
  /** Colours by meaning; default from the environment (NO_COLOR turns colour off). */
  theme?: Theme;
  /** Told the key context of each frame, the one its key bar and help are drawn from (tests read it). */
  onKeyContext?: (ctx: KeyContext) => void;
}

/** Re-render on every notify (state, waiting or live output changed), not only on a new state object. */
function useConductorVersion(conductor: SessionView): number {
  const version = useRef(0);
  const subscribe = useCallback(
    (onChange: () => void) =>
      conductor.subscribe(() => {
        version.current++;
        onChange();
      }),
    [conductor],
  );
  return useSyncExternalStore(subscribe, () => version.current);
}

/**
 * The UI state and its reducer. The key handler reads the state the last key left, not the last
 * render's: keys of one chunk (`jjj`, `xxx`) arrive before React renders, each acting on the one
 * before's. The mirror applies the same pure reducer to the same actions, so it never differs.
 */
function useUi(): [UiState, () => UiState, (action: UiAction) => void] {
  const [ui, dispatchUi] = useReducer(uiReducer, INITIAL_UI);
  const latest = useRef(ui);
  const dispatch = useCallback((action: UiAction) => {
    latest.current = uiReducer(latest.current, action);
    dispatchUi(action);
  }, []);
  const read = useCallback(() => latest.current, []);
  return [ui, read, dispatch];
}

export function App(props: AppProps) {
  const theme = useMemo(() => props.theme ?? themeFor(process.env), [props.theme]);
  return (
    <ThemeProvider theme={theme}>
      <Session {...props} />
    </ThemeProvider>
  );
}

function Session({ conductor, rehearsal, onExit, onKeyContext }: AppProps) {
  const version = useConductorVersion(conductor);
  // The engine appends to liveOutput in place: a memoised pane needs a new array to see new lines.
  // biome-ignore lint/correctness/useExhaustiveDependencies: version is what says the lines changed
  const liveOutput = useMemo(() => conductor.liveOutput.slice(), [conductor, version]);
  // Countdowns and the clock move without events: redrawn when the session clock's second turns.
  const clockSpeed = (rehearsal ?? conductor.state.meta.rehearsal)?.speed ?? 1;
  const readClock = useCallback(() => conductor.now(), [conductor]);
  useClockTick(readClock, clockSpeed);
  const size = useTerminalSize();
  const { stdout } = useStdout();
  const [ui, latestUi, dispatch] = useUi();
  const files = useReportFiles(conductor);

  const state = conductor.state;
  const now = sessionTime(state, conductor.now());
  const { runbook, promotion } = conductor;

  // A dialog whose subject has passed (the rollback started, the decision is gone) closes itself
  // and says why, so nobody types a reason into a question that no longer exists.
  const passed =
    ui.overlay === 'form' && ui.form && !ui.submitting ? passedSubject(ui.form, state) : undefined;
  useEffect(() => {
    if (passed) dispatch({ type: 'subject-passed', why: passed });
  }, [passed, dispatch]);
  const waiting = conductor.waiting;
  const selected = selectedIndex(ui, state);
  const ctx = sessionKeyContext(conductor, ui);
  const screen = ctx.screen;
  useEffect(() => {
    onKeyContext?.(ctx);
  });

  // Every key goes through the key table's handlers (screens/session-keys.ts); x, the abort path,
  // reaches conductor.abort() there before any state update.
  const onKey = useMemo(
    () => sessionKeypress({ conductor, ui: latestUi, dispatch, onExit, write: (text) => stdout.write(text) }),
    [conductor, latestUi, dispatch, onExit, stdout],
  );
  useKeypress(onKey);

  if (isTooSmall(size)) return <TooSmall size={size} />;

  // The rail costs 25 columns up to 120 (more on a wide terminal): below 100 the screens need them
  // more (charts need 120).
  const wideEnoughForRail = size.columns >= (screen === 'canary' || screen === 'monitor' ? 120 : 100);
  const phases = railPhases(state);
  // As wide as the longest phase title, up to a share of a wide terminal (24 at 120 columns).
  const rail = wideEnoughForRail ? railWidth(phases, size.columns) : 0;
  const area = mainArea(size.rows, size.columns, rail);
  // A halted session says why on every screen (the canary screen says it in its own panel).
  const halted =
    screen !== 'canary' && (state.status === 'halted' || waiting?.kind === 'halted')
      ? ((waiting?.kind === 'halted' ? waiting.message : state.summary) ?? 'the session is halted')
      : // The rollback screen says its own retries, on the revert's row.
        waiting?.kind === 'retrying' && screen !== 'rollback'
        ? waiting.message
        : undefined;
  // The halt's reason wraps, never cut: the screen below gives up the rows it takes.
  const haltedBanner = halted
    ? waiting?.kind === 'retrying'
      ? ({ kind: 'warn', text: `AWS: ${halted}` } as const)
      : ({ kind: 'danger', text: `Halted: ${halted}` } as const)
    : undefined;
  const flashRows =
    (ui.flash ? 1 : 0) + (haltedBanner ? bannerRows(haltedBanner.kind, haltedBanner.text, area.width) : 0);
  const dialog = dialogFor(
    ui.form ? { ...ui, form: shownStageDecision(ui.form, state, canaryDefinitionOf(conductor)) } : ui,
    conductor,
    area.width,
    activeBindings(ctx).some((b) => b.id === 'abort'),
  );
  const dialogRows = dialog ? dialog.rows : 0;
  const screenProps: ScreenProps = {
    state,
    runbook,
    promotion,
    now,
    waiting,
    width: area.width,
    height: Math.max(3, area.height - flashRows - dialogRows),
    readOnly: conductor.readOnly,
    chartTarget: ui.chartTarget,
  };

  let main: ReactNode;
  if (ui.overlay === 'help') {
    main = (
      <HelpOverlay
        sections={helpSections({ ...ctx, overlay: undefined })}
        width={area.width}
        height={area.height}
        scrollOffset={ui.scroll}
      />
    );
  } else if (ui.overlay === 'notifications') {
    main = (
      <NotificationsOverlay
        state={state}
        selected={ui.noteIndex}
        width={area.width}
        height={area.height - flashRows}
        copied={ui.flash}
      />
    );
  } else if (ui.overlay === 'journal') {
    main = <JournalOverlay state={state} scroll={ui.scroll} width={area.width} height={area.height} />;
  } else {
    main = (
      <Box flexDirection="column" width={area.width} height={area.height} overflow="hidden">
        {haltedBanner ? <Banner kind={haltedBanner.kind} text={haltedBanner.text} wrap /> : null}
        {ui.flash ? (
          <Text wrap="truncate" bold>
            › {ui.flash}
          </Text>
        ) : null}
        {renderScreen(screen, screenProps, {
          selected,
          logOffset: ui.logOffset,
          liveOutput,
          files,
          dir: conductor.dir,
        })}
        {dialog?.element}
      </Box>
    );
  }

  const from = environmentOf(runbook, state.meta.from || promotion.from);
  const to = environmentOf(runbook, state.meta.to || promotion.to);
  return (
    <Frame
      rows={size.rows}
      columns={size.columns}
      header={
        <Header
          runbook={state.meta.runbookTitle || runbook.runbook.title}
          version={state.meta.version}
          from={from?.title ?? promotion.from}
          to={to?.title ?? promotion.to}
          environment={headerEnvironment(runbook, promotion, state)}
          sessionId={state.meta.sessionId}
          rehearsal={rehearsal ?? state.meta.rehearsal}
          autopilot={state.autopilot}
          awsStandin={answeredByAwsStandin(state.warnings)}
          now={now}
          width={size.columns}
        />
      }
      rail={wideEnoughForRail ? <PhaseRail phases={phases} width={rail} height={area.height} /> : undefined}
      railWidth={rail}
      main={main}
      keybar={<KeyBar items={keyBarItems(ctx)} width={size.columns} />}
      status={
        <StatusBar
          {...statusBarProps(state, now, {
            lastPollAt: conductor.lastPollAt,
            lastSavedAt: conductor.lastSavedAt,
            pollPeriodMs: pollPeriodOf(state, promotion),
          })}
        />
      }
    />
  );
}

function renderScreen(
  screen: KeyContext['screen'],
  props: ScreenProps,
  extra: {
    selected: number;
    logOffset: number;
    liveOutput: readonly string[];
    files?: readonly string[];
    dir: string;
  },
): ReactNode {
  switch (screen) {
    case 'checklist':
      return (
        <Checklist
          {...props}
          selected={extra.selected}
          logOffset={extra.logOffset}
          liveOutput={extra.liveOutput}
        />
      );
    case 'approval':
      return <Approval {...props} />;
    case 'gonogo':
      return <GoNoGo {...props} />;
    case 'canary':
      return <Canary {...props} />;
    case 'monitor':
      return <Monitor {...props} />;
    case 'rollback':
      return <Rollback {...props} files={extra.files} />;
    case 'summary':
      return <Summary {...props} files={extra.files} dir={extra.dir} />;
    default:
      return null;
  }
}
