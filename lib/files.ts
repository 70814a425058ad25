/**
 * File input and output with the rules of docs/architecture.md ("Inputs and outputs"):
 * every input is read with a size cap enforced while reading (so `/dev/zero` or a FIFO
 * cannot take the memory); every output folder is created one level at a time with a
 * bounded walk (Node's recursive `mkdir` loops on `/proc`); every output file is written
 * to a temporary file beside it and renamed into place (a symbolic link is kept and its
 * target replaced); a command that writes several files stages them all in an
 * {@link OutputSet} and writes all or none. Every failure is an `fs-*` or
 * `input-too-large` {@link NetProfilerError} that names the file.
 * @packageDocumentation
 */
import * as fs from 'fs';
import * as path from 'path';
import { fileError, NetProfilerError } from './errors';

const CHUNK = 64 * 1024;

function tooLarge(file: string, cap: number, what: string): NetProfilerError<'input-too-large'> {
  return new NetProfilerError('input-too-large', `${file} is larger than ${cap} bytes, the most a ${what} may hold`, {
    kind: 'refused',
    file,
    fix: `give a ${what} of at most ${cap} bytes`,
  });
}

/**
 * Reads a whole file, refusing it as soon as more than `cap` bytes have been read.
 * @param file - the path, as the user named it (used in messages)
 * @param cap - the most bytes accepted
 * @param what - what the file is, for the message (`settings file`, `ZIP`, …)
 * @throws NetProfilerError `input-too-large` or `fs-*`
 */
export async function readFileCapped(file: string, cap: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    const st = await fs.promises.stat(file);
    if (st.isDirectory()) throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
    if (st.isFile() && st.size > cap) throw tooLarge(file, cap, what);
    for await (const chunk of fs.createReadStream(file, { highWaterMark: CHUNK })) {
      total += (chunk as Buffer).length;
      if (total > cap) throw tooLarge(file, cap, what);
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    throw fileError(err, file, 'read');
  }
  return Buffer.concat(chunks, total);
}

/** The synchronous form of {@link readFileCapped}. */
export function readFileCappedSync(file: string, cap: number, what: string): Buffer {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    throw fileError(err, file, 'read');
  }
  try {
    const st = fs.fstatSync(fd);
    if (st.isDirectory()) throw fileError(Object.assign(new Error('EISDIR'), { code: 'EISDIR' }), file, 'read');
    if (st.isFile() && st.size > cap) throw tooLarge(file, cap, what);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(CHUNK, cap + 1 - total));
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      total += n;
      if (total > cap) throw tooLarge(file, cap, what);
      chunks.push(n === buf.length ? buf : buf.subarray(0, n));
    }
    return Buffer.concat(chunks, total);
  } catch (err) {
    throw fileError(err, file, 'read');
  } finally {
    fs.closeSync(fd);
  }
}

/** The most folder levels {@link ensureDir} creates or walks. */
const MAX_DEPTH = 255;

/**
 * Makes sure `dir` is a folder, creating the missing levels one at a time (never Node's
 * recursive `mkdir`, which loops on paths such as `/proc/x`).
 * @param dir - the folder
 * @param flag - the flag or parameter that named it, for the message (`--out`)
 * @returns the levels it created, outermost first (so a failed command can remove them)
 * @throws NetProfilerError `fs-enotdir` when a level exists and is not a folder, or `fs-*`
 */
export function ensureDir(dir: string, flag?: string): string[] {
  const abs = path.resolve(dir);
  const levels: string[] = [];
  for (let p = abs; ; p = path.dirname(p)) {
    levels.unshift(p);
    if (levels.length > MAX_DEPTH) throw new NetProfilerError('fs-enametoolong', `cannot create ${dir}: more than ${MAX_DEPTH} folder levels`, { kind: 'outside', file: dir, fix: 'choose a shorter path' });
    if (path.dirname(p) === p) break;
  }
  const created: string[] = [];
  for (const level of levels) {
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(level);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw fileError(err, level === abs ? dir : level, 'create');
    }
    if (st) {
      if (!st.isDirectory()) {
        const name = level === abs ? dir : level;
        throw new NetProfilerError('fs-enotdir', `cannot create ${dir}: ${name} exists and is not a folder`, {
          kind: 'outside',
          file: name,
          ...(flag ? { argument: flag } : {}),
          fix: flag ? `--${flag} is a folder: give a folder (it is created if missing), not a file` : 'give a folder, not a file',
        });
      }
      continue;
    }
    try {
      fs.mkdirSync(level);
      created.push(level);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && fs.statSync(level).isDirectory()) continue;
      throw fileError(err, level === abs ? dir : level, 'create');
    }
  }
  return created;
}

/** Removes folders that {@link ensureDir} created, innermost first, if they are empty. */
export function removeCreatedDirs(created: string[]): void {
  for (const d of [...created].reverse()) {
    try {
      fs.rmdirSync(d);
    } catch {
      return;
    }
  }
}

/** Where a write to `file` really goes: the target of a symbolic link (kept as a link). */
function writeTarget(file: string): string {
  try {
    if (fs.lstatSync(file).isSymbolicLink()) return fs.realpathSync(file);
  } catch {
    // a dangling link or a missing file: write where the name points
  }
  return file;
}

function tempBeside(target: string): string {
  const rnd = Math.random().toString(36).slice(2, 10);
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${rnd}.tmp`);
}

function refuseDirectory(file: string, target: string): void {
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(target);
  } catch {
    return;
  }
  if (st.isDirectory()) throw fileError(Object.assign(new Error('EISDIR'), { code: 'EISDIR' }), file, 'write');
}

/**
 * Writes `data` to `file` atomically: a temporary file beside it, then a rename. A
 * symbolic link is kept and its target replaced; the target's mode is kept unless `mode`
 * is given. Nothing is left behind on failure.
 * @throws NetProfilerError `fs-*` naming `file`
 */
export function writeFileAtomic(file: string, data: string | Uint8Array, options: { mode?: number } = {}): void {
  const target = writeTarget(file);
  refuseDirectory(file, target);
  let mode = options.mode;
  if (mode === undefined) {
    try {
      mode = fs.statSync(target).mode & 0o7777;
    } catch {
      mode = 0o644;
    }
  }
  const tmp = tempBeside(target);
  try {
    fs.writeFileSync(tmp, data, { flag: 'wx', mode });
    fs.chmodSync(tmp, mode);
    fs.renameSync(tmp, target);
  } catch (err) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      // not created
    }
    throw fileError(err, file, 'write');
  }
}

/**
 * Several output files written all or none. {@link OutputSet.stage} checks a destination
 * and gives the temporary path to write it to (beside it, so the final rename cannot
 * cross devices); {@link OutputSet.commit} renames them all into place;
 * {@link OutputSet.abort} removes every temporary file and the folders the set created.
 *
 * ```ts
 * const out = new OutputSet();
 * try {
 *   out.dir('build', 'out');
 *   await writeZip(out.stage('build/a.zip'));
 *   await writeZip(out.stage('build/b.zip'));
 *   out.commit();
 * } catch (err) { out.abort(); throw err; }
 * ```
 */
export class OutputSet {
  private readonly staged: Array<{ file: string; target: string; tmp: string }> = [];
  private readonly created: string[] = [];
  private done = false;

  constructor() {
    pending.add(this);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      // A process that ends mid-command (a closed pipe, a signal handled by exit) leaves no temporary files.
      process.once('exit', () => {
        for (const set of pending) set.abort();
      });
    }
  }

  /** Makes sure `dir` exists (see {@link ensureDir}); folders created are removed by {@link abort}. */
  dir(dir: string, flag?: string): void {
    this.created.push(...ensureDir(dir, flag));
  }

  /**
   * Checks that `file` can be written (not a folder) and returns the temporary path to
   * write it to. Call before any writing, for every file, so a bad destination refuses
   * the whole set before anything is written.
   */
  stage(file: string): string {
    const target = writeTarget(file);
    refuseDirectory(file, target);
    const tmp = tempBeside(target);
    this.staged.push({ file, target, tmp });
    return tmp;
  }

  /** Renames every staged file into place. */
  commit(): void {
    for (const s of this.staged) {
      try {
        fs.renameSync(s.tmp, s.target);
      } catch (err) {
        this.abort();
        throw fileError(err, s.file, 'write');
      }
    }
    this.done = true;
    pending.delete(this);
  }

  /** Removes every temporary file (and any file already renamed by a failed commit) and the folders created. */
  abort(): void {
    if (this.done) return;
    for (const s of this.staged) {
      for (const p of [s.tmp]) {
        try {
          fs.unlinkSync(p);
        } catch {
          // not written
        }
      }
    }
    removeCreatedDirs(this.created);
    this.done = true;
    pending.delete(this);
  }
}

const pending = new Set<OutputSet>();
let exitHookInstalled = false;
