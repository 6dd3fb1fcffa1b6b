export { Banner, type BannerKind, type BannerProps } from './Banner.js';
export { CommandLog, type CommandLogProps, visibleWindow } from './CommandLog.js';
export {
  type ConfirmChoice,
  ConfirmDialog,
  type ConfirmDialogProps,
  detachQuestion,
} from './ConfirmDialog.js';
export { Countdown, type CountdownProps } from './Countdown.js';
export { Frame, type FrameProps, HEADER_ROWS, mainArea, RAIL_COLUMNS } from './Frame.js';
export { formatAge, formatClock, padTo, sanitizeLine, truncate } from './format.js';
export { Header, type HeaderEnvironment, type HeaderProps } from './Header.js';
export { HelpOverlay, type HelpOverlayProps } from './HelpOverlay.js';
export { fitKeyBar, KeyBar, type KeyBarProps } from './KeyBar.js';
export { type ChartThreshold, MetricChart, type MetricChartProps } from './MetricChart.js';
export { PhaseRail, type PhaseRailProps, type PhaseState, type RailPhase, railWindow } from './PhaseRail.js';
export { StageStrip, type StageStripProps, type StripStage } from './StageStrip.js';
export { StatusBar, type StatusBarProps } from './StatusBar.js';
export { type Cell, type CellTone, columnWidths, Table, type TableColumn, type TableProps } from './Table.js';
export { TrafficSplit, type TrafficSplitProps } from './TrafficSplit.js';
export {
  type Verdict,
  VerdictBadge,
  type VerdictBadgeProps,
  verdictColor,
  verdictText,
} from './VerdictBadge.js';
