/**
 * net-profiler report: see what the profiler captured. The trace tree for the terminal
 * ({@link printTraceTrees}), a self-contained HTML report of a dump ({@link writeReport})
 * and the same page served live while a dump grows ({@link serveReport}). The page is
 * built from `web/` into `assets/report/report.html` (`docs/report.md`).
 * @packageDocumentation
 */
export type { ReportErrorCode } from './errors';
export { buildTraceTrees, formatTraceTree, printTraceTrees, treeSpan } from './tree';
export type { TraceTree, TreeFilter, TreeFormatOptions, TreeNode, TreePrintResult, TreeSpan } from './tree';
export { buildReportData, emptyReportData } from './build';
export type { ReportDataOptions } from './build';
export { ATTR_TYPES, REPORT_DATA_VERSION } from './model';
export type { MetricSeriesSet, ReportData, ReportDiagnostic, ReportSummary, SpanColumns } from './model';
export { renderPage, reportTemplate, REPORT_TEMPLATE, REPORT_MAX_BYTES } from './page';
export type { PageOptions } from './page';
export { defaultReportPath, writeReport } from './write';
export type { ReportResult } from './write';
export { parseUiAddress, serveReport } from './live';
export type { LiveReport, LiveReportOptions } from './live';
