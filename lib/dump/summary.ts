/**
 * `dump summary`: counts, time range, services and diagnostics, computed entirely in
 * native code in one streaming pass.
 * @packageDocumentation
 */
import { DumpSource, runPass } from './reader';
import type { Diagnostic, DumpSummary, ReadOptions } from './types';

/** Summarises a dump or another OpenTelemetry file. */
export async function summarize(source: DumpSource, options: ReadOptions = {}): Promise<DumpSummary> {
  const diagnostics: Diagnostic[] = [];
  const pass = runPass(source, { ...options, onDiagnostic: (d) => { diagnostics.push(d); options.onDiagnostic?.(d); } }, { mode: 'summary' });
  for await (const _ of pass.batches) void _;
  return finishSummary(pass.info.summary ?? '{}', pass.info.gzip, diagnostics);
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
