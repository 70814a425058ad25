// Shared helpers of the receive and send tests: the commands as processes, a receiver
// process started on free ports, and request bodies made with the real JS SDK.
import { spawn, spawnSync, ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ROOT } from '../helpers/cli';

export const RUN = path.join(__dirname, 'run-command.js');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end. */
export function runCommand(which: 'receive' | 'dump-send' | 'settings-ping', args: string[], env: Record<string, string> = {}): Run {
  const r = spawnSync(process.execPath, [RUN, which, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1', ...env } });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** Runs a command in the background; resolves with its result when it exits. */
export function runCommandAsync(which: 'receive' | 'dump-send' | 'settings-ping', args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [RUN, which, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

export function tmpDir(prefix = 'np-receive-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface ReceiveProcess {
  proc: ChildProcess;
  ready: { http: string; grpc?: string; ui?: string; out: string; pid: number };
  /** The ready file. */
  readyFile: string;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/** Starts `receive` as a process on free ports and waits for its ready file. */
export async function startReceive(dir: string, args: string[] = []): Promise<ReceiveProcess> {
  const readyFile = path.join(dir, `ready-${Date.now()}-${Math.random()}.json`);
  const proc = spawn(process.execPath, [RUN, 'receive', '--http', '127.0.0.1:0', ...(args.includes('--no-grpc') ? [] : ['--grpc', '127.0.0.1:0']), '--ready-file', readyFile, ...args], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1' },
  });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((r) => proc.on('close', (c) => r(c)));
  const t0 = Date.now();
  while (!fs.existsSync(readyFile)) {
    if (proc.exitCode !== null || Date.now() - t0 > 20000) throw new Error(`receive did not start: ${err}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return { proc, readyFile, ready: JSON.parse(fs.readFileSync(readyFile, 'utf8')), stdout: () => out, stderr: () => err, exited };
}
