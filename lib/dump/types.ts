/**
 * The data the dump reader gives back: spans, metric points, log records, frames,
 * diagnostics and the summary (docs/dump.md).
 * @packageDocumentation
 */

/**
 * The input format names, `auto` first. The native reader owns this table
 * (native/dump/format.cc, exported as `dumpFormats`); test/dump/formats.test.ts proves
 * this copy equal to it.
 */
export const DUMP_FORMATS = ['auto', 'nptb', 'otlp-jsonl', 'collector-proto', 'otlp-proto'] as const;

/** An input format of docs/dump.md; `auto` detects it from the first bytes. */
export type DumpFormat = (typeof DUMP_FORMATS)[number];

/** The OpenTelemetry signals. */
export const SIGNALS = ['traces', 'metrics', 'logs'] as const;

/** An OpenTelemetry signal. */
export type Signal = (typeof SIGNALS)[number];

/**
 * An attribute value as plain JSON (docs/dump.md): string, boolean, a number for a double or
 * a safe int64 (|v| ≤ 2^53 − 1), a decimal string for a larger int64, `"NaN"` /
 * `"Infinity"` / `"-Infinity"` for those doubles, base64 for bytes, an array, an
 * object for a key-value list, `null` for an empty value.
 */
export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };

/** Attributes by key. */
export type Attributes = Record<string, AttributeValue>;

/** The instrumentation scope of a span, point or record. */
export interface Scope {
  /** Scope (library) name. */
  name: string;
  /** Scope version. */
  version: string;
}

/** A span event. */
export interface SpanEvent {
  /** Event name, such as `exception`. */
  name: string;
  /** Unix nanoseconds as a decimal string (exact). */
  timeUnixNano: string;
  /** Event attributes. */
  attributes: Attributes;
  /** Attributes the producer dropped. */
  droppedAttributesCount: number;
}

/** A span link. */
export interface SpanLink {
  /** Linked trace id, lowercase hex. */
  traceId: string;
  /** Linked span id, lowercase hex. */
  spanId: string;
  /** W3C trace state. */
  traceState: string;
  /** W3C trace flags. */
  flags: number;
  /** Link attributes. */
  attributes: Attributes;
  /** Attributes the producer dropped. */
  droppedAttributesCount: number;
}

/** A span, as `dump spans --json` prints it. */
export interface Span {
  /** Trace id, 32 lowercase hex digits. */
  traceId: string;
  /** Span id, 16 lowercase hex digits. */
  spanId: string;
  /** Parent span id, or `""` for a root span. */
  parentSpanId: string;
  /** W3C trace state. */
  traceState: string;
  /** W3C trace flags (and the OTLP span flags bits). */
  flags: number;
  /** Span name. */
  name: string;
  /** OTLP SpanKind: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  /** Start, Unix nanoseconds as a decimal string (exact). */
  startTimeUnixNano: string;
  /** End, Unix nanoseconds as a decimal string (exact). */
  endTimeUnixNano: string;
  /** Span attributes. */
  attributes: Attributes;
  /** Attributes the producer dropped. */
  droppedAttributesCount: number;
  /** OTLP status: code 0 unset, 1 ok, 2 error. */
  status: { code: number; message: string };
  /** Events, in order. */
  events: SpanEvent[];
  /** Events the producer dropped. */
  droppedEventsCount: number;
  /** Links, in order. */
  links: SpanLink[];
  /** Links the producer dropped. */
  droppedLinksCount: number;
  /** Resource attributes (for example `service.name`). */
  resource: Attributes;
  /** Instrumentation scope. */
  scope: Scope;
  /**
   * Sequence number of the frame that held the span (.nptb), or the index of the
   * line or message (other formats). Only with `withFrame: true`.
   */
  frame?: number;
}

/** The kind of a metric. */
export type MetricType = 'gauge' | 'sum' | 'histogram' | 'exponentialHistogram' | 'summary';

/**
 * One metric data point with its metric. The point's own fields follow the OTLP/JSON
 * names (`timeUnixNano`, `asDouble`, `asInt`, `count`, `sum`, `bucketCounts`,
 * `explicitBounds`, `scale`, `zeroCount`, `positive`, `negative`, `quantileValues`,
 * `min`, `max`, `exemplars`, `flags`); as in OTLP/JSON an unset field is absent and
 * 64-bit integers are decimal strings. Attributes are plain.
 */
export interface MetricPoint {
  /** Metric name. */
  name: string;
  /** Metric description. */
  description: string;
  /** Metric unit. */
  unit: string;
  /** Which OTLP data kind the point belongs to. */
  type: MetricType;
  /** 1 delta, 2 cumulative (sum, histogram, exponential histogram). */
  aggregationTemporality?: number;
  /** Sums only. */
  isMonotonic?: boolean;
  /** Point attributes. */
  attributes?: Attributes;
  /** Resource attributes. */
  resource: Attributes;
  /** Instrumentation scope. */
  scope: Scope;
  /** The other OTLP data point fields. */
  [field: string]: unknown;
}

/** A log record. */
export interface LogRecord {
  /** Event time, Unix nanoseconds (decimal string; "0" when unset). */
  timeUnixNano: string;
  /** Observed time, Unix nanoseconds (decimal string). */
  observedTimeUnixNano: string;
  /** OTLP SeverityNumber (0 unspecified … 24 fatal4). */
  severityNumber: number;
  /** Severity text. */
  severityText: string;
  /** Body as a plain value. */
  body: AttributeValue;
  /** Record attributes. */
  attributes: Attributes;
  /** Attributes the producer dropped. */
  droppedAttributesCount: number;
  /** W3C trace flags. */
  flags: number;
  /** Trace id (lowercase hex) or `""`. */
  traceId: string;
  /** Span id (lowercase hex) or `""`. */
  spanId: string;
  /** Event name, or `""`. */
  eventName: string;
  /** Resource attributes. */
  resource: Attributes;
  /** Instrumentation scope. */
  scope: Scope;
}

/** One good frame of a dump (or one line or message of the other formats). */
export interface FrameInfo {
  /** Byte offset of the frame in the (inflated) input. */
  offset: number;
  /** Sequence number (decimal string: a u64). */
  sequence: string;
  /** Frame kind. */
  kind: 'metadata' | 'traces' | 'metrics' | 'logs' | 'dropped';
  /** Payload stored gzip-compressed. */
  compressed: boolean;
  /** Payload length as stored. */
  storedLength: number;
  /** Payload length after inflating. */
  payloadLength: number;
  /** Spans in the frame. */
  spans: number;
  /** Metric points in the frame. */
  metricPoints: number;
  /** Log records in the frame. */
  logRecords: number;
  /** The metadata object (metadata frames). */
  metadata?: Record<string, unknown>;
  /** The counters (dropped frames). */
  dropped?: { spans: number; metricPoints: number; logRecords: number };
}

/** Diagnostic codes of docs/dump.md. */
export type DiagnosticCode =
  | 'corrupt-header'
  | 'truncated'
  | 'corrupt-payload'
  | 'malformed-payload'
  | 'sequence-gap'
  | 'unknown-kind'
  | 'dropped';

/** Damage, loss or a report found while reading, with where it is. */
export interface Diagnostic {
  /** Stable code. */
  code: DiagnosticCode;
  /** Byte offset of the frame (or line/message) it concerns. */
  offset: number;
  /** For people. */
  message: string;
  /** `sequence-gap`: how many frames are missing. */
  missing?: number;
  /** `dropped`: spans the profiler dropped. */
  spans?: number;
  /** `dropped`: metric points the profiler dropped. */
  metricPoints?: number;
  /** `dropped`: log records the profiler dropped. */
  logRecords?: number;
}

/** What `dump summary` prints. */
export interface DumpSummary {
  /** The detected (or named) input format. */
  format: Exclude<DumpFormat, 'auto'>;
  /** Input was gzip-compressed as a whole. */
  gzip: boolean;
  /** A ring snapshot (.nptb flag bit 0). */
  ring: boolean;
  /** Good frames (or lines / messages) read. */
  frames: number;
  /** Spans. */
  spans: number;
  /** Distinct trace ids. */
  traces: number;
  /** Metric data points. */
  metricPoints: number;
  /** Log records. */
  logRecords: number;
  /** What the profiler reported dropping (sum of the dropped frames). */
  dropped: { spans: number; metricPoints: number; logRecords: number };
  /** The first metadata frame's object, or null. */
  metadata: Record<string, unknown> | null;
  /** Lowest/first sequence number read (.nptb), or null. */
  firstSequence: number | null;
  /** Last sequence number read (.nptb), or null. */
  lastSequence: number | null;
  /** Earliest span start / point / record time (Unix ns, decimal string), or null. */
  startTimeUnixNano: string | null;
  /** Latest span end / point / record time (Unix ns, decimal string), or null. */
  endTimeUnixNano: string | null;
  /** Distinct `service.name` resource values, sorted. */
  services: string[];
  /** Every diagnostic, in the order found. */
  diagnostics: Diagnostic[];
}

/** Options of every reading function. */
export interface ReadOptions {
  /** Input format; default `auto` (detected from the first bytes). */
  format?: DumpFormat;
  /** The signal of a Collector proto file or raw request, when it does not say. */
  signal?: Signal;
  /** Throw the first diagnostic (except `dropped`) as an error. */
  strict?: boolean;
  /** Bytes handed to the native reader per call (default 8 MiB; 2 MiB for span iteration). */
  chunkSize?: number;
  /** Called with each diagnostic as it is found (lenient mode). */
  onDiagnostic?: (d: Diagnostic) => void;
  /** Called as input is read: bytes so far and the file size when known. */
  onProgress?: (bytesRead: number, totalBytes?: number) => void;
  /** Name of the input in error messages (default: the path, or `<buffer>` / `<stdin>`). */
  name?: string;
}
