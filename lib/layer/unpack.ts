/**
 * `unpackZip`: safe extraction of any ZIP (docs/layer.md, "Reading ZIPs" and
 * "Unpacking"): every rule is checked on the whole archive before anything is written,
 * the files go to a temporary sibling folder renamed into place at the end, so a
 * refused or failed unpack leaves the target as it was.
 * @packageDocumentation
 */
import * as fs from 'fs';
import * as path from 'path';
import { badArgument, fileError, NetProfilerError } from '../errors';
import { ensureDir, removeCreatedDirs } from '../files';
import { LayerErrorCode, ZipRefusedError } from './errors';
import { extractEntries, readCheckedZip, ZipLimits } from './zip';

/** What {@link unpackZip} wrote. */
export interface UnpackResult {
  /** The folder written. */
  dir: string;
  /** Files written. */
  files: number;
  /** Folders written. */
  dirs: number;
  /** Bytes written. */
  bytes: number;
}

/** The segments of an entry name that make a path ('.' and empty ones dropped). */
function segments(name: string): string[] {
  return name.split('/').filter((s) => s !== '' && s !== '.');
}

/** Checks the target: missing (created by the rename) or an empty folder. */
function checkTarget(dir: string): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw fileError(err, dir);
  }
  let empty = false;
  if (st.isDirectory()) {
    try {
      empty = fs.readdirSync(dir).length === 0;
    } catch (err) {
      throw fileError(err, dir);
    }
  }
  if (!empty) throw new NetProfilerError<LayerErrorCode>('target-not-empty', `${dir} exists and is not an empty folder`, { file: dir, fix: 'unpack into a new folder' });
}

/**
 * Extracts a ZIP safely into `dir` (which must not exist, or be an empty folder).
 * @throws ZipRefusedError naming the entry (nothing written); NetProfilerError
 *   `target-not-empty`; `fs-*` naming the file or folder that cannot be read or written;
 *   `input-too-large` for a ZIP over the ZIP input cap
 */
export async function unpackZip(zipPath: string, dir: string, limits?: ZipLimits): Promise<UnpackResult> {
  if (typeof zipPath !== 'string' || zipPath === '') throw badArgument('zip', 'the ZIP to unpack must be a path');
  if (typeof dir !== 'string' || dir === '') throw badArgument('dir', 'the folder to unpack into must be a path');
  checkTarget(dir);
  const zip = await readCheckedZip(zipPath, limits);
  const entries = zip.directory.entries;
  const names = entries.map((en) => en.name.toString('utf8'));
  // Folders (explicit and implied); a file whose path is also a folder of another entry
  // ("a" and "a/b") cannot be written: refused as a ZIP fault, before anything is written.
  const dirs = new Set<string>();
  names.forEach((n, i) => {
    const parts = segments(n);
    for (let k = 1; k < parts.length + (entries[i]!.dir ? 1 : 0); k++) dirs.add(parts.slice(0, k).join('/'));
  });
  names.forEach((n, i) => {
    if (!entries[i]!.dir && dirs.has(segments(n).join('/'))) {
      throw new ZipRefusedError('path-conflict', n, `entry ${JSON.stringify(n)}: is a file, but other entries need a folder of that name`, zipPath);
    }
  });
  const parent = path.dirname(path.resolve(dir));
  const createdParents = ensureDir(parent);
  const tmp = path.join(parent, `.${path.basename(dir)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
  const root = path.resolve(tmp);
  const target = (name: string) => {
    const p = path.resolve(root, ...segments(name));
    if (p !== root && !p.startsWith(root + path.sep)) {
      throw new ZipRefusedError('unsafe-name', name, `entry ${JSON.stringify(name)}: resolves outside the target`, zipPath);
    }
    return p;
  };
  const result: UnpackResult = { dir, files: 0, dirs: 0, bytes: 0 };
  let current = dir;
  try {
    fs.mkdirSync(tmp, { mode: 0o755 });
    // sorted, a folder comes before what is in it: each is made one level at a time
    for (const d of [...dirs].sort()) {
      current = path.join(dir, d);
      fs.mkdirSync(target(d), { mode: 0o755 });
      result.dirs++;
    }
    const files = entries.map((en, i) => ({ en, name: names[i]! })).filter((x) => !x.en.dir);
    let k = 0;
    while (k < files.length) {
      const batch: typeof files = [];
      let bytes = 0;
      while (k < files.length && (batch.length === 0 || bytes + files[k]!.en.size <= 64 << 20)) {
        bytes += files[k]!.en.size;
        batch.push(files[k++]!);
      }
      const data = await extractEntries(zip, batch.map((b) => b.en), zipPath);
      batch.forEach((b, i) => {
        current = path.join(dir, ...segments(b.name));
        const p = target(b.name);
        const mode = b.en.mode & 0o777 || 0o644;
        fs.writeFileSync(p, data[i]!, { flag: 'wx', mode });
        fs.chmodSync(p, mode);
        result.files++;
        result.bytes += data[i]!.length;
      });
    }
    current = dir;
    // rename(2) replaces an empty folder in one step: the target never goes missing
    fs.renameSync(tmp, dir);
    return result;
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    removeCreatedDirs(createdParents);
    if (err instanceof NetProfilerError) throw err;
    throw fileError(err, current, 'write');
  }
}
