/**
 * The OTLP functions of the native addon (src/otlp.cc), as the receiver and the replay
 * client see them.
 * @packageDocumentation
 * @internal
 */
import { loadNative } from '../native';

/** An OpenTelemetry signal. */
export type OtlpSignal = 'traces' | 'metrics' | 'logs';

/** Items of a request. @internal */
export interface ItemCounts {
  spans: number;
  metricPoints: number;
  logRecords: number;
}

/** One replay batch. @internal */
export interface NativeBatch extends ItemCounts {
  request: Buffer;
  old: number;
  oversize: boolean;
}

/** @internal */
export interface OtlpNative {
  otlpDecodeBody(body: Uint8Array, signal: OtlpSignal, json: boolean): (ItemCounts & { payload?: Buffer; error?: undefined }) | { error: string };
  otlpFrames(kinds: number[], sequences: number[], payloads: Uint8Array[]): Buffer;
  otlpFileHeader(createdUnixNanos: bigint, pid: number): Buffer;
  otlpRebatch(requests: Uint8Array, signal: OtlpSignal, cap: number, oldBefore: bigint): NativeBatch[] | null;
  otlpResponse(signal: OtlpSignal, rejected: number, message: string, json: boolean): Buffer;
  otlpDecodeResponse(body: Uint8Array, signal: OtlpSignal, json: boolean): { rejected: number; message: string } | null;
  otlpStatus(code: number, message: string, json: boolean): Buffer;
  otlpDecodeStatus(body: Uint8Array, json: boolean): { code: number; message: string } | null;
  readonly otlpLimits: { maxFramePayload: number };
}

/** @internal */
export function otlpNative(): OtlpNative {
  return loadNative<OtlpNative>();
}

/** The frame kind of a signal (docs/dump.md). @internal */
export const FRAME_KIND: Readonly<Record<OtlpSignal, number>> = { traces: 1, metrics: 2, logs: 3 };
