/**
 * `rebuildLayer`: after a user edited `PACKAGE_DIR/layer/…`, checks the edited tree like
 * a build and rewrites the layer ZIP and `SHA256SUMS` of the package folder, both or
 * neither (docs/layer.md, "Rebuilding").
 * @packageDocumentation
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { INPUT_CAPS, LAMBDA_LIMITS } from '../constants';
import { badArgument, fileError, NetProfilerError } from '../errors';
import { OutputSet } from '../files';
import { checkLayerContents, LayerView, LayerViewEntry } from './contents';
import { ZipRefusedError } from './errors';
import { LAYER_PATHS, layerMode, layerNames, PACKAGE_FILES, sha256, sha256sums, dirsOf } from './layout';
import { LayerProblem, refusal, splitProblems } from './problems';
import type { BuildMessage, LayerWritten } from './problems';
import { readInput, walkTree } from './release';
import { checkLevel, CheckedZip, rawSources, readCheckedZip, writeZipTo, ZipSource } from './zip';

/** Options of {@link rebuildLayer}. */
export interface RebuildLayerOptions {
  /** Deflate level for changed entries, 0..12; default 6. */
  level?: number;
  /** Entry time, UNIX seconds; default `SOURCE_DATE_EPOCH`, else 1980-01-01. */
  sourceDateEpoch?: number;
  /** Progress of the compression. */
  onProgress?: (done: number, total: number) => void;
}

/** The `rebuild --json` document. */
export interface RebuildLayerResult extends LayerWritten {
  /** Entries whose compressed bytes were copied from the previous layer ZIP. */
  copied: number;
  /** Entries compressed anew (new or changed files). */
  changed: string[];
}

/** The cap of a file of the layer folder, by its path in the layer. */
function capOf(name: string): [number, string] {
  if (name === LAYER_PATHS.manifest) return [INPUT_CAPS.jsonBytes, 'manifest'];
  if (name === LAYER_PATHS.settings) return [INPUT_CAPS.settingsBytes, 'settings file'];
  return [LAMBDA_LIMITS.unzippedBytes, 'file of a layer'];
}

/** The previous layer ZIP, when it can be reused; a warning when it cannot. */
async function previousZip(layerZip: string, warnings: BuildMessage[]): Promise<CheckedZip | undefined> {
  if (!fs.existsSync(layerZip)) return undefined;
  try {
    return await readCheckedZip(layerZip);
  } catch (err) {
    if (!(err instanceof ZipRefusedError) && !(err instanceof NetProfilerError && err.code === 'input-too-large')) throw err;
    warnings.push({ code: 'previous-zip-unreadable', file: layerZip, message: `previous layer ZIP not reused: ${err.message}` });
    return undefined;
  }
}

/**
 * After a user edited `PACKAGE_DIR/layer/…`: checks the layer (settings included),
 * rebuilds the layer ZIP from `layer/` (entries whose bytes did not change are copied
 * from the previous ZIP as they are) and rewrites `SHA256SUMS`.
 * @throws IssuesError `rebuild-refused` with every error and warning found (nothing
 *   written); NetProfilerError `fs-*` naming a file or folder that cannot be read or
 *   written; `bad-argument` for a misused option
 */
export async function rebuildLayer(packageDir: string, options: RebuildLayerOptions = {}): Promise<RebuildLayerResult> {
  if (typeof packageDir !== 'string' || packageDir === '') throw badArgument('packageDir', 'packageDir must be the path of an unpacked layer package folder');
  const level = checkLevel(options.level);
  const layerDir = path.join(packageDir, 'layer');
  try {
    if (!fs.statSync(layerDir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
  } catch (err) {
    throw fileError(err, layerDir);
  }
  const problems: LayerProblem[] = [];
  const tree = walkTree(layerDir, problems, "the package's layer/ folder");
  const byRel = new Map(tree.files.map((f) => [f.rel, f]));
  const read = (name: string, probs: LayerProblem[]) => readInput(byRel.get(name)!.abs, path.join(layerDir, name), ...capOf(name), probs);
  const view: LayerView = {
    entries: new Map<string, LayerViewEntry>([
      ...tree.dirs.map((d): [string, LayerViewEntry] => [`${d}/`, { dir: true, mode: 0o755, size: 0 }]),
      ...tree.files.map((f): [string, LayerViewEntry] => [f.rel, { dir: false, mode: layerMode(f.rel), size: f.size }]),
    ]),
    read: async (names, probs) => names.map((n) => read(n, probs)),
    show: (name) => path.join(layerDir, name),
  };
  const unzipped = tree.files.reduce((n, f) => n + f.size, 0);
  const facts = await checkLayerContents(view, problems, unzipped);
  const { errors, warnings } = splitProblems(problems);
  if (errors.length || !facts.version || !facts.arch || !facts.runtimes) throw refusal('rebuild-refused', 'rebuild', errors, warnings);
  const names = layerNames(facts.version, facts.arch);
  const layerZip = path.join(packageDir, names.layerZip);
  const sumsFile = path.join(packageDir, PACKAGE_FILES.sums);
  const prevZip = await previousZip(layerZip, warnings);
  const raws: ReturnType<typeof rawSources> = prevZip ? rawSources(prevZip) : new Map();
  const sources: ZipSource[] = tree.dirs.map((d) => ({ name: `${d}/`, mode: 0o755, dir: true }));
  const changed: string[] = [];
  const sums = new Map<string, string>();
  let copied = 0;
  const readProblems: LayerProblem[] = [];
  for (const f of tree.files) {
    const data = read(f.rel, readProblems);
    if (!data) continue;
    sums.set(`layer/${f.rel}`, sha256(data));
    const prev = raws.get(f.rel);
    if (prev && !prev.entry.dir && prev.entry.size === data.length && prev.entry.crc32 === zlib.crc32(data)) {
      sources.push({ name: f.rel, mode: layerMode(f.rel), raw: prev.raw });
      copied++;
    } else {
      sources.push({ name: f.rel, mode: layerMode(f.rel), data });
      changed.push(f.rel);
    }
  }
  if (readProblems.length) throw refusal('rebuild-refused', 'rebuild', splitProblems(readProblems).errors, warnings);
  const named = new Set(sources.map((s) => s.name));
  for (const d of dirsOf(tree.files.map((f) => f.rel))) if (!named.has(d)) sources.push({ name: d, mode: 0o755, dir: true });
  const out = new OutputSet();
  try {
    const tmpLayer = out.stage(layerZip);
    const tmpSums = out.stage(sumsFile);
    const written = await writeZipTo(tmpLayer, layerZip, sources, {
      level,
      ...(options.sourceDateEpoch !== undefined ? { sourceDateEpoch: options.sourceDateEpoch } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    sums.set(names.layerZip, written.sha256);
    for (const extra of [PACKAGE_FILES.environment, PACKAGE_FILES.deploy]) {
      const p = path.join(packageDir, extra);
      if (!fs.existsSync(p)) continue;
      const probs: LayerProblem[] = [];
      const data = readInput(p, p, INPUT_CAPS.settingsBytes, 'package file', probs);
      if (!data) throw refusal('rebuild-refused', 'rebuild', splitProblems(probs).errors, warnings);
      sums.set(extra, sha256(data));
    }
    try {
      fs.writeFileSync(tmpSums, sha256sums(sums), { flag: 'wx', mode: 0o644 });
    } catch (err) {
      throw fileError(err, sumsFile, 'write');
    }
    out.commit();
    return {
      ok: true,
      layerZip,
      sha256: written.sha256,
      version: facts.version,
      arch: facts.arch,
      runtimes: facts.runtimes,
      entries: written.entries,
      unzippedBytes: written.unzippedBytes,
      copied,
      changed,
      warnings,
    };
  } catch (err) {
    out.abort();
    throw err;
  }
}
