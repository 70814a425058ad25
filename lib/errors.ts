/**
 * The one failure contract of the SDK (docs/architecture.md, "Failures"):
 *
 * - every failure a user can act on is a {@link NetProfilerError} with a stable `code`
 *   from the exported unions below, a `kind` that decides the CLI's exit code, and where
 *   it applies the file, line, column, the argument at fault and the fix;
 * - a misused argument (wrong type, a value not accepted, a missing one) is always
 *   `bad-argument`, kind `usage`, naming the argument and what it accepts;
 * - refusals: a function whose job is to change something (build, set, publish,
 *   instrument, unpack, write) throws when it refuses, and nothing was changed; a
 *   function whose job is to check (check, inspect, status, check-lambda) returns its
 *   findings and throws only when it cannot check at all;
 * - a refusal with several issues is an {@link IssuesError} (`errors`, `warnings`); a
 *   refused Lambda change is a {@link RefusalError}.
 *
 * Secrets never enter a message: quote user values with {@link quoteValue}.
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

/** The codes of file-system failures: `fs-` and the errno in lower case. */
export type FsErrorCode =
  | 'fs-enoent'
  | 'fs-eacces'
  | 'fs-eperm'
  | 'fs-eisdir'
  | 'fs-enotdir'
  | 'fs-eexist'
  | 'fs-enospc'
  | 'fs-edquot'
  | 'fs-erofs'
  | 'fs-eloop'
  | 'fs-emfile'
  | 'fs-enametoolong'
  | 'fs-eio'
  | 'fs-error';

/** Codes every capability may use. */
export type CommonErrorCode =
  /** An argument, option or flag is missing, of the wrong type or not an accepted value. */
  | 'bad-argument'
  /** An input is larger than the cap for its kind ({@link INPUT_CAPS}). */
  | 'input-too-large'
  /** No native addon for this platform. */
  | 'native-addon-missing'
  | FsErrorCode;

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
  /** The argument, option or flag at fault (without dashes), for `bad-argument`. */
  argument?: string;
  /** How to fix it, in one sentence. */
  fix?: string;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * An error a user can act on: stable `code`, clear message, optional location and fix.
 * @typeParam C - the code union of the capability that throws it
 */
export class NetProfilerError<C extends string = string> extends Error {
  /** Stable machine-readable code, for example `bad-magic` or `unsafe-entry`. */
  readonly code: C;
  /** What kind of failure this is (decides the CLI exit code). */
  readonly kind: ErrorKind;
  /** The file concerned, if any. */
  readonly file?: string;
  /** 1-based line, if known. */
  readonly line?: number;
  /** 1-based column, if known. */
  readonly column?: number;
  /** The argument, option or flag at fault (without dashes), if any. */
  readonly argument?: string;
  /** How to fix it, if there is a known fix. */
  readonly fix?: string;

  constructor(code: C, message: string, options: NetProfilerErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'NetProfilerError';
    this.code = code;
    this.kind = options.kind ?? 'refused';
    if (options.file !== undefined) this.file = options.file;
    if (options.line !== undefined) this.line = options.line;
    if (options.column !== undefined) this.column = options.column;
    if (options.argument !== undefined) this.argument = options.argument;
    if (options.fix !== undefined) this.fix = options.fix;
  }
}

/** One issue of an {@link IssuesError}: a code, where, and what is wrong. */
export interface Issue {
  /** Stable code. */
  code: string;
  /** What is wrong. */
  message: string;
  /** The file concerned (build refusals). */
  file?: string;
  /** The ZIP entry concerned (ZIP refusals). */
  entry?: string;
  /** How to fix it. */
  fix?: string;
  /** Other fields a capability documents (line, column, path, …). */
  [field: string]: unknown;
}

/**
 * A refusal with several issues: a refused layer build (every error of the release at
 * once) or a ZIP that cannot be read safely. The CLI prints it as
 * `{"ok": false, "errors": […], "warnings": […]}` (without `warnings` when it has none by
 * nature, as for an unsafe ZIP). Nothing was written.
 */
export class IssuesError<C extends string = string> extends NetProfilerError<C> {
  /** Every error found, in a stable order. */
  readonly errors: Issue[];
  /** Warnings found on the way; undefined for refusals that have none by nature (an unsafe ZIP). */
  readonly warnings?: Issue[];

  constructor(code: C, message: string, errors: Issue[], warnings?: Issue[], options: NetProfilerErrorOptions = {}) {
    super(code, message, options);
    this.name = 'IssuesError';
    this.errors = errors;
    if (warnings !== undefined) this.warnings = warnings;
  }
}

/**
 * A refused Lambda change (one of the refusal codes of docs/lambda.md). The CLI prints it
 * as `{"ok": false, "refusal": {"code", "message", "fix"}}`. Nothing was changed.
 */
export class RefusalError<C extends string = string> extends NetProfilerError<C> {
  constructor(code: C, message: string, options: Omit<NetProfilerErrorOptions, 'kind'> = {}) {
    super(code, message, { ...options, kind: 'refused' });
    this.name = 'RefusalError';
  }
}

/**
 * The one way to report a misused argument: code `bad-argument`, kind `usage` (exit 2).
 * @param argument - the parameter or flag name without dashes, such as `arch`
 * @param message - what is wrong, naming the value with {@link quoteValue}
 * @param accepted - the accepted values, appended to the message when given
 */
export function badArgument(argument: string, message: string, accepted?: readonly string[]): NetProfilerError<'bad-argument'> {
  const text = accepted && accepted.length ? `${message} (accepted: ${accepted.join(', ')})` : message;
  return new NetProfilerError('bad-argument', text, { kind: 'usage', argument });
}

/**
 * A user value as it may appear in a message: JSON-quoted, at most `max` characters of
 * it, with the length said when cut (a 120 KB argument must not give 120 KB of output).
 */
export function quoteValue(value: unknown, max = 40): string {
  const s = typeof value === 'string' ? value : String(value);
  if (s.length <= max) return JSON.stringify(s);
  return `${JSON.stringify(s.slice(0, max))}… (${s.length} characters)`;
}

/** What each system error {@link fileError} knows means, and its fix: one `CODE why | fix` line each. */
const FS_WHY = new Map(
  `ENOENT no such file or directory | check the path
EACCES permission denied | check the permissions of the file and its folders
EPERM operation not permitted | check the permissions of the file and its folders
EISDIR is a directory | give a file, not a folder
ENOTDIR a part of the path is not a directory | check that every folder in the path is a folder
EEXIST already exists | remove it or choose another path
ENOSPC no space left on the device | free some space or choose another place
EDQUOT disk quota exceeded | free some space or choose another place
EROFS the file system is read-only | choose a writable place
ELOOP too many symbolic links | check the symbolic links in the path
EMFILE too many open files | raise the open-file limit (ulimit -n) or close other programs
ENAMETOOLONG the name is too long | choose a shorter path
EIO an input/output error | check the device`
    .split('\n')
    .map((line): [string, [why: string, fix: string]] => {
      const space = line.indexOf(' ');
      const [why, fix] = line.slice(space + 1).split(' | ') as [string, string];
      return [line.slice(0, space), [why, fix]];
    }),
);

/**
 * Wraps a Node.js system error (ENOENT, EACCES, …) from reading or writing `file` as an
 * `outside` {@link NetProfilerError} with code `fs-<errno>`, a message that names the
 * file and the fix.
 */
export function fileError(err: unknown, file: string, doing: 'read' | 'write' | 'create' = 'read'): NetProfilerError<FsErrorCode> {
  if (err instanceof NetProfilerError) return err as NetProfilerError<FsErrorCode>;
  const e = err as NodeJS.ErrnoException;
  const known = e?.code ? FS_WHY.get(e.code) : undefined;
  const code = (known ? `fs-${e.code!.toLowerCase()}` : 'fs-error') as FsErrorCode;
  const why = known ? known[0] : (e?.message ?? String(err)).split('\n')[0];
  return new NetProfilerError(code, `cannot ${doing} ${file}: ${why}`, {
    kind: 'outside',
    file,
    fix: known ? known[1] : 'check the path and the device',
    cause: err,
  });
}

/** True for a Node.js system error (it has an errno code such as ENOENT). */
export function isSystemError(err: unknown): err is NodeJS.ErrnoException {
  const e = err as { code?: unknown; syscall?: unknown } | null;
  return !!e && (typeof e.syscall === 'string' || (typeof e.code === 'string' && /^E[A-Z0-9]+$/.test(e.code)));
}
