/**
 * The OTLP names both sides use: HTTP paths and gRPC methods of each signal, the frame
 * kind a signal is stored as, and the loader of `@grpc/grpc-js` (required only by the
 * functions that speak gRPC).
 * @packageDocumentation
 */
import { NetProfilerError } from '../errors';
import type { OtlpSignal } from './native';

/** The HTTP path of each signal. */
export const HTTP_PATHS: Readonly<Record<OtlpSignal, string>> = { traces: '/v1/traces', metrics: '/v1/metrics', logs: '/v1/logs' };

/** The gRPC method of each signal's Export service. */
export const GRPC_METHODS: Readonly<Record<OtlpSignal, string>> = {
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
};

/** The gRPC module's type. @internal */
export type Grpc = typeof import('@grpc/grpc-js');

/**
 * Loads `@grpc/grpc-js`, or throws `grpc-missing` with `fix`.
 * @internal
 */
export function loadGrpc(fix: string): Grpc {
  try {
    return require('@grpc/grpc-js') as Grpc;
  } catch (err) {
    throw new NetProfilerError<'grpc-missing'>('grpc-missing', 'OTLP/gRPC needs the @grpc/grpc-js package, which cannot be loaded', { kind: 'outside', fix, cause: err });
  }
}
