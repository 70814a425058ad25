/**
 * The data a report page holds, embedded compactly: one string table and number
 * columns (one entry per span, per event, per link, per log record), never one object
 * per span with its keys repeated. The page (web/) reads exactly this shape; its
 * version is {@link REPORT_DATA_VERSION} (`docs/report.md`).
 * @packageDocumentation
 */

import type { Diagnostic, DumpSummary } from '../dump/types';

/** A reader diagnostic as the page shows it: the dump's {@link Diagnostic}, its code any string. */
export interface ReportDiagnostic extends Omit<Diagnostic, 'code'> {
  /** Stable code, such as `corrupt-payload`. */
  code: string;
}

/** The dump summary as the page shows it: the dump's {@link DumpSummary} without diagnostics, its format any string. */
export interface ReportSummary extends Omit<DumpSummary, 'format' | 'diagnostics'> {
  /** Detected format. */
  format: string;
}

/** Version of the embedded data shape; the page refuses another. */
export const REPORT_DATA_VERSION = 1;

/**
 * Type codes of an attribute triple `[key, type, value]` in {@link ReportData.attrs}:
 * the value is a string index for string, array (JSON text), kvlist (JSON text); the
 * number itself for int and double; 0/1 for bool; 0 for empty.
 */
export const ATTR_TYPES = ['string', 'bool', 'int', 'double', 'array', 'kvlist', 'empty'] as const;

/** The spans, in tree order: per trace (by start), parents before children, siblings by start. */
export interface SpanColumns {
  /** Span count. */
  n: number;
  /** Trace index per span. */
  trace: number[];
  /** The span ids, 16 hex digits each, concatenated. */
  id: string;
  /** Index of the parent span; -1 for a root; -2 when the parent is not in the file. */
  parent: number[];
  /** Depth in the tree (0 for roots and orphans). */
  depth: number[];
  /** Name (string index). */
  name: number[];
  /** OTLP kind number. */
  kind: number[];
  /** Start, nanoseconds after the trace's base. */
  start: number[];
  /** Duration, nanoseconds. */
  dur: number[];
  /** OTLP status code. */
  status: number[];
  /** Status message (string index). */
  statusMsg: number[];
  /** First attribute triple (index into attrs / 3). */
  attr: number[];
  /** Number of attribute triples. */
  attrN: number[];
  /** Resource index. */
  res: number[];
  /** Scope index. */
  scope: number[];
  /** W3C trace flags. */
  flags: number[];
  /** Trace state (string index). */
  traceState: number[];
  /** Orphans: span index → the missing parent's id (hex). */
  orphanParent: Record<string, string>;
  /** Spans with dropped counts: span index → [attributes, events, links]. */
  dropped: Record<string, [number, number, number]>;
}

/** Every field of a report page's data. */
export interface ReportData {
  /** {@link REPORT_DATA_VERSION}. */
  v: number;
  /** Page title. */
  title: string;
  /** The input's name. */
  file: string;
  /** When the report was made (ISO time). */
  generated: string;
  /** The dump summary without its diagnostics. */
  summary: ReportSummary;
  /** Every diagnostic of the reader. */
  diagnostics: ReportDiagnostic[];
  /** Served live: why the file could not be read this time (the page says so), else absent. */
  notice?: string;
  /** The string table; index 0 is `""`. */
  strings: string[];
  /** The earliest time in the file, Unix nanoseconds (decimal), or "0". */
  base: string;
  /** Traces, by start. */
  traces: {
    /** Trace ids, 32 hex digits each, concatenated. */
    id: string;
    /** The trace's base (its earliest span start), Unix nanoseconds (decimal). */
    base: string[];
    /** The base in milliseconds after {@link ReportData.base}. */
    at: number[];
    /** First span (index) of the trace; its spans are contiguous. */
    first: number[];
    /** Span count. */
    count: number[];
    /** End of the trace's last span, nanoseconds after its base. */
    end: number[];
  };
  /** The spans. */
  spans: SpanColumns;
  /** The invocation rows: root spans (a trace without a root: its first span). */
  invocations: {
    /** Span index of the row. */
    span: number[];
    /** 1 when some span of the trace has status error. */
    error: number[];
    /** 1 when `faas.coldstart` is true on the span. */
    cold: number[];
  };
  /** Attribute triples `[key string, type code, value]`, flattened. */
  attrs: number[];
  /** Resources: [first triple, count] pairs, flattened. */
  resources: number[];
  /** Scopes: [name string, version string] pairs, flattened. */
  scopes: number[];
  /** Events: [span, name string, time ns after the trace base, first triple, count], flattened. */
  events: number[];
  /** Links: [span, trace id string, span id string, trace state string, flags, first triple, count], flattened. */
  links: number[];
  /** The Lambda check's problems: [code string, trace (-1), span (-1), message string, attribute string], flattened. */
  problems: number[];
  /** Invocations the Lambda check counted. */
  lambdaInvocations: number;
  /** Metrics, one entry per metric name. */
  metrics: MetricSeriesSet[];
  /** Log records as columns. */
  logs: {
    /** Count. */
    n: number;
    /** Time in ms after {@link ReportData.base} (observed time when unset). */
    at: number[];
    /** Severity number. */
    sev: number[];
    /** Severity text (string index). */
    sevText: number[];
    /** Body (string index; JSON text for structured bodies). */
    body: number[];
    /** Span index of the record's span when it is in the file, else -1. */
    span: number[];
    /** Trace id (string index). */
    traceId: number[];
    /** Span id (string index). */
    spanId: number[];
    /** First attribute triple. */
    attr: number[];
    /** Attribute triples. */
    attrN: number[];
  };
}

/** One metric name's time series, for a small chart. */
export interface MetricSeriesSet {
  /** Metric name. */
  name: string;
  /** Unit. */
  unit: string;
  /** Description. */
  description: string;
  /** OTLP data kind. */
  type: string;
  /** What the y value is (`value`, `mean`, `count`). */
  y: string;
  /** Points in the file for this name. */
  points: number;
  /** Series by attribute set (at most 8 drawn). */
  series: Array<{ label: string; t: number[]; v: number[] }>;
  /** Series left out (beyond 8). */
  hiddenSeries: number;
}
