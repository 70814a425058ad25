/**
 * Errors the SDK throws for things a user can fix. Each carries a stable string
 * `code` (scripts match on it), a message for people, and where it applies the file,
 * line and column, and the fix. The CLI prints them without a stack trace.
 * @packageDocumentation
 */

/** What kind of failure an error is; decides the CLI's exit code. */
export type ErrorKind =
  /** The input failed a check or the operation was refused; nothing was changed (exit 1). */
  | 'refused'
  /** Something outside failed: a file that cannot be read, an AWS call (exit 3). */
  | 'outside'
  /** Wrong use of an API or the command line (exit 2). */
  | 'usage';

/** Options of {@link NetProfilerError}. */
export interface NetProfilerErrorOptions {
  /** What kind of failure this is; default `refused`. */
  kind?: ErrorKind;
  /** The file concerned, as the user named it. */
  file?: string;
  /** 1-based line in `file`. */
  line?: number;
  /** 1-based column in `file`. */
  column?: number;
  /** How to fix it, in one sentence. */
  fix?: string;
  /** The underlying error. */
  cause?: unknown;
}

/** An error a user can act on: stable `code`, clear message, optional location and fix. */
export class NetProfilerError extends Error {
  /** Stable machine-readable code, for example `bad-magic` or `unsafe-entry`. */
  readonly code: string;
  /** What kind of failure this is (decides the CLI exit code). */
  readonly kind: ErrorKind;
  /** The file concerned, if any. */
  readonly file?: string;
  /** 1-based line, if known. */
  readonly line?: number;
  /** 1-based column, if known. */
  readonly column?: number;
  /** How to fix it, if there is a known fix. */
  readonly fix?: string;

  constructor(code: string, message: string, options: NetProfilerErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'NetProfilerError';
    this.code = code;
    this.kind = options.kind ?? 'refused';
    if (options.file !== undefined) this.file = options.file;
    if (options.line !== undefined) this.line = options.line;
    if (options.column !== undefined) this.column = options.column;
    if (options.fix !== undefined) this.fix = options.fix;
  }
}

/**
 * Wraps a Node.js system error (ENOENT, EACCES, …) from reading or writing `file`
 * as an `outside` {@link NetProfilerError} with a message that names the file.
 */
export function fileError(err: unknown, file: string, doing: 'read' | 'write' | 'create' = 'read'): NetProfilerError {
  const e = err as NodeJS.ErrnoException;
  const why =
    e?.code === 'ENOENT'
      ? 'no such file or directory'
      : e?.code === 'EACCES' || e?.code === 'EPERM'
        ? 'permission denied'
        : e?.code === 'EISDIR'
          ? 'is a directory'
          : e?.code === 'ENOTDIR'
            ? 'a parent is not a directory'
            : (e?.message ?? String(err));
  return new NetProfilerError(e?.code ? `fs-${e.code.toLowerCase()}` : 'fs-error', `cannot ${doing} ${file}: ${why}`, {
    kind: 'outside',
    file,
    cause: err,
  });
}
