// Shared helpers of the layer tests: temporary folders, release copies, tool runs.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ROOT } from '../helpers/cli';

export const RELEASE = path.join(ROOT, 'examples/release');
export const CORPUS = path.join(ROOT, 'test/corpus/zip_reader');

const made: string[] = [];
export function tmpDir(prefix = 'np-layer-'): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(d);
  return d;
}
export function cleanup(): void {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** Copies a tree, files in the given order, with the given mtime (seconds). */
export function copyTree(src: string, dst: string, opts: { reverse?: boolean; mtime?: number } = {}): void {
  const files: string[] = [];
  const walk = (rel: string) => {
    for (const n of fs.readdirSync(path.join(src, rel))) {
      const r = path.join(rel, n);
      if (fs.statSync(path.join(src, r)).isDirectory()) walk(r);
      else files.push(r);
    }
  };
  walk('');
  if (opts.reverse) files.reverse();
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(dst, f)), { recursive: true });
    fs.copyFileSync(path.join(src, f), path.join(dst, f));
    if (opts.mtime !== undefined) fs.utimesSync(path.join(dst, f), opts.mtime, opts.mtime);
  }
}

export function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 60_000, ...opts });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Every file and folder under dir, relative, sorted. */
export function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const n of fs.readdirSync(path.join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${n}` : n;
      const st = fs.lstatSync(path.join(dir, r));
      out.push(st.isDirectory() ? `${r}/` : r);
      if (st.isDirectory()) walk(r);
    }
  };
  walk('');
  return out;
}
