/**
 * The declarations the commands of the `dump` group share (docs/dump.md): the one FILE
 * argument and the flags that say how to read it.
 * @packageDocumentation
 */
import { DUMP_FORMATS, SIGNALS } from '../dump';
import type { FlagSpec } from './framework';

/** The one positional argument of a `dump` command: the input file, or `-` for stdin. */
export const fileArg = [{ name: 'FILE' }] as const;

/** How a `dump` command reads its input: format, signal, strictness. */
export const dumpInputFlags = {
  format: { type: 'string', value: 'F', choices: DUMP_FORMATS, description: 'input format (default auto)' },
  signal: { type: 'string', value: 'S', choices: SIGNALS, description: 'signal of a Collector proto file or raw request' },
  strict: { type: 'boolean', description: 'the first diagnostic (damage or loss) is an error: exit 1' },
} as const satisfies Record<string, FlagSpec>;
