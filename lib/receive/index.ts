/**
 * net-profiler/receive: an OTLP receiver (HTTP and gRPC) that writes everything it
 * accepts into a dump (`.nptb`), answering each request only once its frame is in the
 * file. See docs/local.md.
 *
 * @example
 * ```ts
 * import { startReceiver } from 'net-profiler/receive';
 * const r = await startReceiver({ out: 'local.nptb', http: '127.0.0.1:0', grpc: false });
 * r.on('request', (q) => console.log(q.signal, q.spans));
 * // … point an OTLP exporter at http://${r.http} …
 * const stats = await r.stop();
 * ```
 * @packageDocumentation
 */
export { startReceiver, Receiver } from './receiver';
export type { ReceiveOptions, ReceiveStats, AcceptedRequest, RejectedRequest, ReceiverEvents } from './receiver';
export type { Invocation } from './invocations';
export { formatInvocation } from './invocations';
export { parseListenAddress, formatAddress, defaultDumpName } from './address';
export type { ListenAddress } from './address';
export { REJECT_STATUS, authorizationMatches } from './status';
export { HTTP_PATHS, GRPC_METHODS } from './otlp';
export type { RejectReason } from './status';
export type { OtlpSignal } from './native';
export type { ReceiveErrorCode } from './errors';
