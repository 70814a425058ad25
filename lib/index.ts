/**
 * net-profiler: the Node.js SDK of net_profiler_rust. Each capability has its own entry
 * point (`net-profiler/settings`, `net-profiler/layer`, `net-profiler/lambda`,
 * `net-profiler/dump`); this module re-exports them.
 * @packageDocumentation
 */
export * from './errors';
export { crc32c } from './native';
export * as settings from './settings';
export * as layer from './layer';
export * as lambda from './lambda';
export * as dump from './dump';
export { runCli } from './cli/main';
