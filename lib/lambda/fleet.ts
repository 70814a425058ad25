/**
 * Doing one operation over many functions (docs/lambda.md, "Many functions"): at most
 * `concurrency` functions at a time per region (reads included), each function as safe as
 * one (a refusal or a failure is that function's result, the others go on), Ctrl-C
 * finishing the functions in flight and starting no more, and the summary of the run.
 * @packageDocumentation
 */
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { NetProfilerError, RefusalError } from '../errors';
import { AwsOptions, lambdaClient } from './aws';
import type { SelectedFunction } from './select';

/** Options of {@link runFleet}. */
export interface FleetOptions extends AwsOptions {
  /** Functions changed (and read) at a time per region; default 4. */
  concurrency?: number;
  /** Aborted (Ctrl-C): the functions in flight finish, no other is started. */
  signal?: AbortSignal;
  /** Called as each function finishes, with the counts so far. */
  onResult?: (result: FleetResult, progress: FleetProgress) => void;
}

/** What one function's work gives back to {@link runFleet}. */
export interface FleetOutcome {
  /** The one-function document (its `ok`, `applied` and `function` are replaced by the fleet's). */
  doc: Record<string, unknown>;
  /** Something on the function was changed (or, in a dry run, would be). */
  changed: boolean;
  /** True when the function was changed for real. */
  applied: boolean;
  /** For `status`: the function has a problem (counted as `refused`). */
  problem?: boolean;
}

/** One function's result in a fleet document. */
export interface FleetResult {
  /** The function's ARN (its name when it was never read). */
  function: string;
  /** Its region. */
  region: string;
  /** Ended as asked (changed or already so). */
  ok: boolean;
  /** Something was changed. */
  applied: boolean;
  /** Why it was refused (nothing changed). */
  refusal?: { code: string; message: string };
  /** Why it failed (after retries). */
  error?: { code: string; message: string };
  /** The one-function fields. */
  [field: string]: unknown;
}

/** The counts of a run. */
export interface FleetSummary {
  /** Changed (in a dry run: would change). */
  changed: number;
  /** Already as asked. */
  unchanged: number;
  /** Refused, nothing changed (for `status`: with a problem). */
  refused: number;
  /** Failed for an outside reason, after retries. */
  failed: number;
}

/** Progress of a run. */
export interface FleetProgress extends FleetSummary {
  /** Functions finished. */
  done: number;
  /** Functions selected. */
  total: number;
}

/** The fleet document (`--json`), plus what an interruption left. */
export interface FleetReport {
  /** Every function ended as asked. */
  ok: boolean;
  /** One per function finished, in the selection's order. */
  results: FleetResult[];
  /** The counts. */
  summary: FleetSummary;
  /** Ctrl-C stopped the run. */
  interrupted: boolean;
  /** Functions not started because of the interruption. */
  notStarted: SelectedFunction[];
}

/** The exit code of a fleet run: 0 all as asked, 1 any refused, 3 any failed (3 wins), 130 interrupted. */
export function fleetExitCode(report: FleetReport): number {
  if (report.interrupted) return 130;
  return report.summary.failed > 0 ? 3 : report.summary.refused > 0 ? 1 : 0;
}

/**
 * Runs `work` for every function of `targets`, at most `concurrency` at a time in each
 * region (regions side by side), with one client per region. A thrown
 * {@link RefusalError} is that function's `refusal`, any other error its `error`; the
 * others go on. On `signal`, no new function is started and the run ends when those in
 * flight have finished.
 */
export async function runFleet(
  targets: SelectedFunction[],
  work: (target: SelectedFunction, client: LambdaClient, options: AwsOptions) => Promise<FleetOutcome>,
  options: FleetOptions = {},
): Promise<FleetReport> {
  const concurrency = Math.max(1, Math.min(64, Math.floor(options.concurrency ?? 4)));
  const byRegion = new Map<string, number[]>();
  targets.forEach((t, i) => byRegion.set(t.region, [...(byRegion.get(t.region) ?? []), i]));
  const results: (FleetResult | undefined)[] = new Array(targets.length).fill(undefined);
  const started = new Set<number>();
  const progress: FleetProgress = { done: 0, total: targets.length, changed: 0, unchanged: 0, refused: 0, failed: 0 };
  const { signal, onResult } = options;
  // Only where and how to reach AWS goes to each function's work (never the run's own options).
  const aws: AwsOptions = {};
  for (const k of ['endpointUrl', 'profile', 'maxAttempts', 'retry', 'quietSdk', 'onRetry', 's3Client'] as const) {
    if (options[k] !== undefined) (aws as Record<string, unknown>)[k] = options[k];
  }

  const one = async (i: number, client: LambdaClient, regionOptions: AwsOptions): Promise<void> => {
    const t = targets[i]!;
    let r: FleetResult;
    try {
      const out = await work(t, client, regionOptions);
      const { ok: _ok, applied: _a, function: name, ...fields } = out.doc;
      void _ok;
      void _a;
      const arn = typeof fields.functionArn === 'string' ? fields.functionArn : (t.arn ?? (typeof name === 'string' ? name : t.functionName));
      r = { function: arn, region: t.region, ok: !out.problem, applied: out.applied, ...fields };
      if (out.problem) progress.refused++;
      else if (out.changed) progress.changed++;
      else progress.unchanged++;
    } catch (err) {
      const e = err instanceof NetProfilerError ? err : new NetProfilerError('aws-error', (err as Error)?.message ?? String(err), { kind: 'outside' });
      const what = { code: e.code, message: e.message };
      if (e instanceof RefusalError) {
        r = { function: t.arn ?? t.functionName, region: t.region, ok: false, applied: false, refusal: what };
        progress.refused++;
      } else {
        r = { function: t.arn ?? t.functionName, region: t.region, ok: false, applied: false, error: what };
        progress.failed++;
      }
    }
    results[i] = r;
    progress.done++;
    onResult?.(r, { ...progress });
  };

  await Promise.all(
    [...byRegion].map(async ([region, queue]) => {
      const regionOptions: AwsOptions = { ...aws, region };
      const client = lambdaClient(regionOptions);
      let next = 0;
      const worker = async () => {
        while (next < queue.length && !signal?.aborted) {
          const i = queue[next++]!;
          started.add(i);
          await one(i, client, { ...regionOptions, lambdaClient: client });
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
    }),
  );
  const done = results.filter((r): r is FleetResult => r !== undefined);
  const { done: _d, total: _t, ...summary } = progress;
  void _d;
  void _t;
  return {
    ok: done.every((r) => r.ok) && !signal?.aborted,
    results: done,
    summary,
    interrupted: signal?.aborted === true && started.size < targets.length,
    notStarted: targets.filter((_, i) => !started.has(i)),
  };
}

/** True when a one-function change document changes something (what a dry run would do). */
export function wouldChange(doc: { layersBefore?: unknown; layersAfter?: unknown; variablesAdded?: object; variablesChanged?: object; variablesRemoved?: unknown[] }): boolean {
  return (
    JSON.stringify(doc.layersBefore) !== JSON.stringify(doc.layersAfter) ||
    Object.keys(doc.variablesAdded ?? {}).length > 0 ||
    Object.keys(doc.variablesChanged ?? {}).length > 0 ||
    (doc.variablesRemoved ?? []).length > 0
  );
}

/** The summary table of a run, for people: one row per function, then the counts. */
export function fleetTable(report: FleetReport): string {
  const rows = report.results.map((r) => [
    String(r.function).replace(/^arn:[^:]+:lambda:[^:]+:\d+:function:/, ''),
    r.region,
    r.refusal ? 'refused' : r.error ? 'failed' : r.problems && (r.problems as unknown[]).length ? 'problem' : r.applied ? 'changed' : 'unchanged',
    r.refusal ? `${r.refusal.code}: ${r.refusal.message}` : r.error ? `${r.error.code}: ${r.error.message}` : '',
  ]);
  const head = ['FUNCTION', 'REGION', 'RESULT', 'DETAIL'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(w[i]!))).join('  ').trimEnd();
  const s = report.summary;
  const out = [line(head), ...rows.map(line), '', `${s.changed} changed, ${s.unchanged} unchanged, ${s.refused} refused, ${s.failed} failed`];
  if (report.interrupted) out.push(`interrupted: ${report.notStarted.length} not started; run the same command again to do the rest`);
  return out.join('\n') + '\n';
}
