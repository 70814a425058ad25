/**
 * The one writer of the CLI's failure output (docs/cli.md, "Failures"). Every command
 * fails by throwing; this turns the error into its exit code and its output:
 *
 * | error | exit | `--json` document on stdout |
 * |---|---|---|
 * | `bad-argument` (kind `usage`) | 2 | `{"ok": false, "error": {"code", "message", "argument", "usage"}}` |
 * | {@link RefusalError} | 1 | `{"ok": false, "refusal": {"code", "message", "fix"}}` |
 * | {@link IssuesError} | 1 | `{"ok": false, "errors": […], "warnings": […]}` |
 * | any other {@link NetProfilerError} | by kind: 1, 2, 3 | `{"ok": false, "error": {"code", "message", "file", "line", "column", "fix"}}` |
 * | a Node.js system error | 3 | as above, code `fs-<errno>` |
 * | anything else (a bug) | 70 | `{"ok": false, "error": {"code": "internal-error", …}}` |
 *
 * Without `--json` the same facts go to stderr, one line each, with the usage line for
 * usage errors. Never a stack trace, unless `NET_PROFILER_DEBUG=1`.
 * @packageDocumentation
 */
import { fileError, IssuesError, isSystemError, NetProfilerError, RefusalError } from '../errors';
import { Exit, formatFindings, PROG, printJson } from './framework';

/** Where failure output goes, and how. */
export interface FailureOutput {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Print the JSON document on stdout (the command was given `--json` or `--jsonl`). */
  json: boolean;
  /** The usage line of the command that failed (without the program name). */
  usage?: string;
  /** The environment (for `NET_PROFILER_DEBUG`). */
  env?: NodeJS.ProcessEnv;
  /** The flags of the command that failed: an SDK `bad-argument` about one is said as `--flag: …`. */
  flags?: readonly string[];
}

function exitOf(e: NetProfilerError): number {
  return e.kind === 'usage' ? Exit.usage : e.kind === 'outside' ? Exit.outside : Exit.failed;
}

/** Writes `err` as the CLI's failure output and returns the exit code. */
export function writeFailure(out: FailureOutput, err: unknown): number {
  let e: unknown = err;
  if (!(e instanceof NetProfilerError) && isSystemError(e)) {
    const se = e as NodeJS.ErrnoException;
    e = fileError(se, se.path ?? '(unknown file)', 'read');
  }
  if (!(e instanceof NetProfilerError)) {
    const message = (e as Error)?.message ?? String(e);
    if (out.json) printJson(out, { ok: false, error: { code: 'internal-error', message } });
    out.stderr.write(`${PROG}: internal error (a bug in net-profiler, please report it): ${message}\n`);
    if (out.env?.NET_PROFILER_DEBUG === '1') out.stderr.write(`${(e as Error)?.stack ?? ''}\n`);
    return 70;
  }
  const code = exitOf(e);
  if (e.code === 'bad-argument' && e.argument && out.flags?.includes(e.argument) && !e.message.includes(`--${e.argument}`)) {
    e = new NetProfilerError(e.code, `--${e.argument}: ${e.message}`, { kind: e.kind, argument: e.argument, ...(e.fix ? { fix: e.fix } : {}) });
  }
  if (!(e instanceof NetProfilerError)) return code;
  if (e instanceof RefusalError) {
    if (out.json) printJson(out, { ok: false, refusal: { code: e.code, message: e.message, ...(e.fix ? { fix: e.fix } : {}) } });
    else {
      out.stderr.write(`${PROG}: refused ${e.code}: ${e.message}\n`);
      if (e.fix) out.stderr.write(`    fix: ${e.fix}\n`);
      out.stderr.write('Nothing was changed.\n');
    }
    return code;
  }
  if (e instanceof IssuesError) {
    if (out.json) printJson(out, { ok: false, errors: e.errors, ...(e.warnings ? { warnings: e.warnings } : {}) });
    else {
      for (const [list, severity] of [
        [e.errors, 'error'],
        [e.warnings ?? [], 'warning'],
      ] as const) {
        for (const i of list) {
          const where = i.file ?? e.file ?? '';
          const line = typeof i.line === 'number' ? i.line : undefined;
          const column = typeof i.column === 'number' ? i.column : undefined;
          out.stderr.write(
            formatFindings(where, [{ severity, code: i.code, message: i.message, ...(line !== undefined ? { line } : {}), ...(column !== undefined ? { column } : {}), ...(i.fix ? { fix: i.fix } : {}) }], false),
          );
        }
      }
      if (e.errors.length !== 1 || e.errors[0]!.message !== e.message) out.stderr.write(`${PROG}: ${e.message}\n`);
    }
    return code;
  }
  if (out.json) {
    printJson(out, {
      ok: false,
      error: {
        code: e.code,
        message: e.message,
        ...(e.file !== undefined ? { file: e.file } : {}),
        ...(e.line !== undefined ? { line: e.line } : {}),
        ...(e.column !== undefined ? { column: e.column } : {}),
        ...(e.argument !== undefined ? { argument: e.argument } : {}),
        ...(e.fix !== undefined ? { fix: e.fix } : {}),
        ...(e.kind === 'usage' && out.usage ? { usage: `${PROG} ${out.usage}` } : {}),
      },
    });
    return code;
  }
  if (e.kind === 'usage') {
    out.stderr.write(`${PROG}: ${e.code === 'bad-argument' ? '' : `error ${e.code}: `}${e.message}\n`);
    if (e.fix) out.stderr.write(`    fix: ${e.fix}\n`);
    if (out.usage) out.stderr.write(`usage: ${PROG} ${out.usage}\n`);
    return code;
  }
  const where = e.file ? `${e.file}${e.line ? `:${e.line}:${e.column ?? 1}` : ''}: ` : '';
  out.stderr.write(`${PROG}: ${where}error ${e.code}: ${e.message}\n`);
  if (e.fix) out.stderr.write(`    fix: ${e.fix}\n`);
  return code;
}
