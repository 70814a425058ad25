/**
 * net-profiler/dump
 * @packageDocumentation
 */
export {};
