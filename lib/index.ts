/**
 * net-profiler: the Node.js SDK of net_profiler_rust. Each capability has its own entry
 * point (`net-profiler/settings`, `net-profiler/layer`, `net-profiler/lambda`,
 * `net-profiler/dump`, `net-profiler/receive`, `net-profiler/send`,
 * `net-profiler/report`, `net-profiler/run`); this module re-exports them, with the
 * failure contract and the product's constants.
 * @packageDocumentation
 */
export * from './errors';
export * from './constants';
export { crc32c } from './native';
export * as settings from './settings';
export * as layer from './layer';
export * as lambda from './lambda';
export * as dump from './dump';
export * as receive from './receive';
export * as send from './send';
export * as report from './report';
export * as run from './run';
export { runCli } from './cli/main';
