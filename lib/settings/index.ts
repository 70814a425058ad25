/**
 * net-profiler/settings
 * @packageDocumentation
 */
export {};
