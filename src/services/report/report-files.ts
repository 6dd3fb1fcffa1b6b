/** The files a session's end writes into its folder (services/report/write-reports.ts). */
export const REPORT_FILES = {
  approvalRecord: 'approval-record.txt',
  markdown: 'report.md',
  json: 'report.json',
} as const;
