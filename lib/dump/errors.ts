/**
 * The failure codes of the dump capability (docs/dump.md, "Failures").
 * @packageDocumentation
 */
import type { CommonErrorCode } from '../errors';
import type { DiagnosticCode } from './types';

/**
 * The codes of an input that cannot be read at all (the CLI exits 1 and prints
 * `{"error": {"code", "message"}}`).
 */
export type UnreadableCode =
  /** The file does not start with the .nptb magic, or its header is not one. */
  | 'bad-magic'
  /** A .nptb of a higher major version. */
  | 'unsupported-version'
  /** Not any known format, including bytes that decode as nothing under a named format or signal. */
  | 'unknown-format'
  /** A raw protobuf input that is no OTLP export request of any signal. */
  | 'not-otlp'
  /** The input holds no bytes. */
  | 'empty'
  /** A gzip input whose stream is damaged. */
  | 'gzip-failed';

/** Every code a dump function throws. */
export type DumpErrorCode =
  | UnreadableCode
  /** A raw request that qualifies as none or several signals: name it (usage, exit 2). */
  | 'signal-unknown'
  /** `decodeBuffer` was given gzip bytes: inflate them first (usage). */
  | 'gzip-input'
  /** `dump spans --trace ID`: no span of that trace in the input. */
  | 'trace-not-found'
  /** A ring snapshot read from a stream could not be kept in a temporary file. */
  | 'spool-failed'
  /** Strict mode: the first diagnostic, as an error. */
  | Exclude<DiagnosticCode, 'dropped'>
  /** The native core ran out of memory. */
  | 'out-of-memory'
  /** A bug in the native core or its use. */
  | 'internal'
  | CommonErrorCode;

/** The codes of {@link UnreadableCode}, as a list (for checks). */
export const UNREADABLE_CODES: readonly UnreadableCode[] = ['bad-magic', 'unsupported-version', 'unknown-format', 'not-otlp', 'empty', 'gzip-failed'];
