/**
 * The `settings` command group (`cli.md`).
 * @packageDocumentation
 */
import type { GroupSpec } from './framework';

/** `net-profiler settings …` */
export const settingsGroup: GroupSpec = {
  name: 'settings',
  summary: "read, check, edit and explain the profiler's settings.yaml",
  commands: [],
};
