/**
 * The `lambda` command group (`cli.md`).
 * @packageDocumentation
 */
import type { GroupSpec } from './framework';

/** `net-profiler lambda …` */
export const lambdaGroup: GroupSpec = {
  name: 'lambda',
  summary: "publish the layer, attach it to a function, take it out again",
  commands: [],
};
