/**
 * net-profiler/send: replay a dump to an OTLP endpoint (an OpenTelemetry Collector,
 * Dynatrace, another `receive`) with the OTLP retry rules, and ping the endpoint of a
 * settings file. See docs/local.md.
 *
 * @example
 * ```ts
 * import { sendDump, pingSettings } from 'net-profiler/send';
 * const ping = await pingSettings('settings.yaml');
 * if (ping.ok) console.log(await sendDump('local.nptb', { settings: 'settings.yaml' }));
 * ```
 * @packageDocumentation
 */
export { sendDump } from './send';
export type { SendOptions, SendResult, SendError, PlannedBatch } from './send';
export { pingSettings } from './ping';
export type { PingOptions, PingResult } from './ping';
export { resolveTarget, maskIn, DYNATRACE_MAX_REQUEST_BYTES } from './target';
export type { Target, TargetOptions, SendProtocol } from './target';
export { RETRYABLE_HTTP, RETRYABLE_GRPC, isRetryable, retryDelay } from './retry';
export type { RetryOptions } from './retry';
export type { SendErrorCode } from './errors';
