/**
 * net-profiler/lambda
 * @packageDocumentation
 */
export {};
