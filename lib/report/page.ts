/**
 * The report page: the built template (assets/report/report.html, made from web/ by
 * `npm run build:report`) with the data, title and mode filled in.
 * @packageDocumentation
 */
import * as path from 'path';
import { NetProfilerError } from '../errors';
import { readFileCappedSync } from '../files';
import type { ReportErrorCode } from './errors';
import type { ReportData } from './model';

/** Where the built template ships in the package. */
export const REPORT_TEMPLATE = path.join(__dirname, '..', '..', 'assets', 'report', 'report.html');

/** Largest page written (V8's longest string is about 512 MiB; a browser needs room beside it). */
export const REPORT_MAX_BYTES = 400 * 1024 * 1024;

let cached: string | undefined;

/** The template text (read once). */
export function reportTemplate(): string {
  if (cached !== undefined) return cached;
  let text: string;
  try {
    text = readFileCappedSync(REPORT_TEMPLATE, 4 << 20, 'report template').toString('utf8');
  } catch (e) {
    throw new NetProfilerError<ReportErrorCode>('report-template-missing', `the report page template ${REPORT_TEMPLATE} cannot be read`, {
      file: REPORT_TEMPLATE,
      fix: 'reinstall net-profiler; in a source checkout run `npm run build:report`',
      cause: e,
    });
  }
  if (text.split('__NP_DATA__').length !== 2)
    throw new NetProfilerError<ReportErrorCode>('report-template-missing', `the report page template ${REPORT_TEMPLATE} is not a built template`, {
      file: REPORT_TEMPLATE,
      fix: 'run `npm run build:report`',
    });
  return (cached = text);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * JSON for a `<script type="application/json">` element: `<` is written `\u003c`, so no
 * value can close the element or open a comment; U+2028/2029 are escaped too.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** How the page is filled. */
export interface PageOptions {
  /** Served live: the page fetches `data.json` and listens to `events` (same origin). */
  live?: boolean;
  /** The page title. */
  title: string;
}

/** The page as a string, with the data embedded (or, live, left for the page to fetch). */
export function renderPage(data: ReportData | null, options: PageOptions): string {
  const [head, tail] = reportTemplate().split('__NP_DATA__') as [string, string];
  const fill = (s: string) =>
    s
      .split('__NP_LIVE__').join(options.live ? '1' : '0')
      .split('__NP_CONNECT__').join(options.live ? "'self'" : "'none'")
      .split('__NP_TITLE__').join(escapeHtml(options.title.slice(0, 300)));
  const json = data ? scriptJson(data) : 'null';
  const size = head.length + json.length + tail.length;
  if (size > REPORT_MAX_BYTES)
    throw new NetProfilerError<ReportErrorCode>('report-too-large', `the report would be ${Math.round(size / 1048576)} MiB, more than a browser page holds (${REPORT_MAX_BYTES / 1048576} MiB)`, {
      fix: 'look at one trace with `dump spans FILE --tree --trace ID`, or convert the dump for Perfetto with `dump convert FILE --to chrome`',
    });
  return fill(head) + json + fill(tail);
}
