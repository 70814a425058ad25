// Tests that need a system tool (qemu, dash, shellcheck, clang, the cross compiler,
// moto, the AWS CLI) ask here. Locally a missing tool skips with a printed reason;
// under CI=true it is a failure (scripts/install-system-deps.sh installs them all).
import { spawnSync } from 'child_process';

export function hasTool(cmd: string, args: string[] = ['--version']): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore', timeout: 30_000 });
  return r.status === 0 || (r.error === undefined && r.status !== null && r.status !== 127);
}

/**
 * True when `cmd` runs. When it does not: under CI=true throws (the suite fails),
 * otherwise prints why the dependent tests are skipped and returns false.
 */
export function needTool(cmd: string, why: string, args: string[] = ['--version']): boolean {
  if (hasTool(cmd, args)) return true;
  const msg = `${cmd} not found: ${why} (install with scripts/install-system-deps.sh)`;
  if (process.env.CI === 'true') throw new Error(`CI=true and ${msg}`);
  // eslint-disable-next-line no-console
  console.warn(`SKIP: ${msg}`);
  return false;
}
