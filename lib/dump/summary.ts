/**
 * `dump summary`: counts, time range, services and diagnostics, computed entirely in
 * native code. A file is read by the native core itself on Node's thread pool, a .nptb
 * file in two ranges walked at once on two threads and merged (docs/dump.md, "The
 * split summary"), publishing its progress; a gzip file, a stream, or a caller that
 * names its own chunk size goes through the streaming reader.
 * @packageDocumentation
 */
import * as fs from 'fs';
import * as os from 'os';
import { fileError } from '../errors';
import { dumpNative } from './native';
import { checkReadOptions, DumpSource, mapNativeError, runPass } from './reader';
import type { Diagnostic, DumpSummary, ReadOptions } from './types';

/**
 * Threads the native summary of a file uses: 2 where the machine has two cores or more,
 * else 1; the environment variable `NP_DUMP_THREADS` (1 or 2) overrides it (benchmarks
 * compare the two). @internal
 */
export function summaryThreads(): number {
  const env = Number(process.env.NP_DUMP_THREADS);
  if (env === 1 || env === 2) return env;
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return cores >= 2 ? 2 : 1;
}

/** Summarises a dump or another OpenTelemetry file. */
export async function summarize(source: DumpSource, options: ReadOptions = {}): Promise<DumpSummary> {
  checkReadOptions(options);
  if (typeof source === 'string' && options.chunkSize === undefined) {
    const whole = await summarizeFile(source, options);
    if (whole) return whole;
  }
  const diagnostics: Diagnostic[] = [];
  const pass = runPass(source, { ...options, onDiagnostic: (d) => { diagnostics.push(d); options.onDiagnostic?.(d); } }, { mode: 'summary' });
  for await (const _ of pass.batches) void _;
  return finishSummary(pass.info.summary ?? '{}', pass.info.gzip, diagnostics);
}

/** The native core reads the file itself; undefined for a gzip file (streamed instead). */
async function summarizeFile(file: string, options: ReadOptions): Promise<DumpSummary | undefined> {
  const name = options.name ?? file;
  let total: number;
  try {
    const st = await fs.promises.stat(file);
    if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (!st.isFile()) return undefined; // a FIFO or a device: streamed
    total = st.size;
  } catch (err) {
    throw fileError(err, name);
  }
  const n = dumpNative();
  let r;
  // progress: the walk publishes the bytes it has read in `walked`, looked at 10 times a second
  const walked = new Float64Array(1);
  const onProgress = options.onProgress;
  const timer = onProgress ? setInterval(() => onProgress(Math.min(walked[0]!, total), total), 100) : undefined;
  try {
    r = await n.dumpSummarizeFile(file, { format: options.format ?? 'auto', signal: options.signal ?? '', strict: Boolean(options.strict) }, { threads: summaryThreads() }, walked);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === 'gzip-input') return undefined;
    if (typeof code === 'string' && code.startsWith('fs-')) throw fileError(Object.assign(new Error((e as Error).message), { code: code.slice(3).toUpperCase() }), name);
    throw mapNativeError(e, name);
  } finally {
    if (timer) clearInterval(timer);
  }
  onProgress?.(total, total);
  const diagnostics = r.diagnostics as Diagnostic[];
  for (const d of diagnostics) options.onDiagnostic?.(d);
  return finishSummary(r.summary, false, diagnostics);
}

/** @internal */
export function finishSummary(json: string, gzip: boolean, diagnostics: Diagnostic[]): DumpSummary {
  const s = JSON.parse(json) as Omit<DumpSummary, 'gzip' | 'diagnostics'>;
  return {
    format: s.format,
    gzip,
    ring: s.ring,
    frames: s.frames,
    spans: s.spans,
    traces: s.traces,
    metricPoints: s.metricPoints,
    logRecords: s.logRecords,
    dropped: s.dropped,
    metadata: s.metadata,
    firstSequence: s.firstSequence,
    lastSequence: s.lastSequence,
    startTimeUnixNano: s.startTimeUnixNano,
    endTimeUnixNano: s.endTimeUnixNano,
    services: s.services,
    diagnostics,
  };
}
