/**
 * The `layer` command group (`cli.md`).
 * @packageDocumentation
 */
import type { GroupSpec } from './framework';

/** `net-profiler layer …` */
export const layerGroup: GroupSpec = {
  name: 'layer',
  summary: "build, rebuild, inspect and unpack the Lambda layer",
  commands: [],
};
