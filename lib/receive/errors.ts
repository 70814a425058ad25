/**
 * The failure codes of the receiver.
 * @packageDocumentation
 */
import type { CommonErrorCode } from '../errors';

/**
 * Every code a receiver function throws:
 * - `out-exists`: the dump file named by `out` exists (it is never overwritten);
 * - `listen-failed`: an address could not be listened on (in use, not local);
 * - `grpc-missing`: `@grpc/grpc-js` cannot be loaded;
 * - `write-failed`: the dump could not be written (disk full, removed folder).
 */
export type ReceiveErrorCode = CommonErrorCode | 'out-exists' | 'listen-failed' | 'grpc-missing' | 'write-failed';
