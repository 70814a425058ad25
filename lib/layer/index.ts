/**
 * net-profiler/layer
 * @packageDocumentation
 */
export {};
