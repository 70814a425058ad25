// Runs the real `net-profiler` bin (dist/, built by `npm run build`) as a process.
import { spawnSync, SpawnSyncOptions } from 'child_process';
import * as path from 'path';

export const ROOT = path.resolve(__dirname, '../..');
export const BIN = path.join(ROOT, 'bin/net-profiler.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function cli(args: string[], opts: SpawnSyncOptions & { input?: string | Buffer } = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: 120_000,
    ...opts,
    env: { ...process.env, NO_COLOR: '1', ...(opts.env ?? {}) },
  });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}
