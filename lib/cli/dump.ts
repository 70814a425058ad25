/**
 * The `dump` command group (`cli.md`).
 * @packageDocumentation
 */
import type { GroupSpec } from './framework';

/** `net-profiler dump …` */
export const dumpGroup: GroupSpec = {
  name: 'dump',
  summary: "decode trace dumps and OpenTelemetry files, check Lambda traces, convert",
  commands: [],
};
