/**
 * `dump report`: one self-contained HTML file for a dump.
 * @packageDocumentation
 */
import { writeFileAtomic } from '../files';
import { buildReportData } from './build';
import type { ReportDataOptions } from './build';
import { renderPage } from './page';

/** What {@link writeReport} wrote (`dump report --json`). */
export interface ReportResult {
  /** The HTML file. */
  out: string;
  /** Invocation rows in the page. */
  invocations: number;
  /** Spans in the page. */
  spans: number;
  /** Bytes written. */
  bytes: number;
}

/** The HTML file a dump's report goes to by default: the path with `.html` in place of its extension. */
export function defaultReportPath(file: string): string {
  const m = /^(.*?)(\.nptb\.gz|\.jsonl\.gz|\.json\.gz|\.pb\.gz|\.[^./\\]+)?$/.exec(file);
  return `${m?.[1] || file}.html`;
}

/**
 * Writes the report of a dump (a path or bytes) to `out` as one HTML file that needs no
 * network: every script, style and datum is inside it. The file is written whole or
 * not at all (temp file and rename).
 */
export async function writeReport(source: string | Uint8Array, out: string, options: ReportDataOptions = {}): Promise<ReportResult> {
  const data = await buildReportData(source, options);
  const html = renderPage(data, { title: data.title });
  const bytes = Buffer.byteLength(html, 'utf8');
  writeFileAtomic(out, html);
  return { out, invocations: data.invocations.span.length, spans: data.spans.n, bytes };
}
