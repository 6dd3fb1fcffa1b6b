export {
  localUtcOffsetMinutes,
  ReportInputError,
  readSessionForReport,
  type SessionReportInputs,
} from './session-report.js';
export {
  REPORT_FILES,
  type WriteReportsOptions,
  writePrivateFile,
  writeSessionReports,
} from './write-reports.js';
