/**
 * `buildLayer`: checks a profiler release and writes the layer ZIP and the layer
 * package ZIP (docs/layer.md, "Release inputs", "The layer ZIP", "The layer package").
 * Every error of the release is found in one pass; a refused build throws and writes
 * nothing; the two ZIPs are written all or none.
 * @packageDocumentation
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { ARCHES, INPUT_CAPS, isArch, isRuntime, LAMBDA_LIMITS, RUNTIME_AGENT_FOLDER, RUNTIMES } from '../constants';
import { badArgument, fileError, quoteValue } from '../errors';
import { OutputSet } from '../files';
import { deployScript, dirsOf, FUNCTION_ENVIRONMENT, LAYER_PATHS, layerManifest, layerNames, PACKAGE_FILES, sha256, sha256sums, wrapperScript } from './layout';
import { LayerProblem, refusal, splitProblems } from './problems';
import type { BuildMessage, LayerWritten } from './problems';
import { checkAssemblies, checkManifest, checkNativeLibrary, checkSettingsFile, LAMBDA_UNZIPPED_LIMIT, LayerArch, LayerRuntime, readInput, readManifestBytes, ReleaseManifest, walkTree } from './release';
import { checkLevel, rawSources, readCheckedZip, writeZipTo, ZipSource } from './zip';

/** Options of {@link buildLayer}. */
export interface BuildLayerOptions {
  /** The profiler release folder (docs/layer.md, "Release inputs"). */
  release: string;
  /** The layer's architecture. */
  arch: LayerArch;
  /** Runtimes to target; default both. */
  runtimes?: LayerRuntime[];
  /** A settings file to use instead of the release's default one. */
  settings?: string;
  /** Output folder (created if needed, one level at a time); default the current folder. */
  outDir?: string;
  /** Deflate level 0..12 (0 stores); default 6. */
  level?: number;
  /** Entry time, UNIX seconds; default `SOURCE_DATE_EPOCH`, else 1980-01-01. */
  sourceDateEpoch?: number;
  /** Progress of the compression (bytes done, bytes in all). */
  onProgress?: (done: number, total: number) => void;
}

/** The `build --json` document of a build that succeeded. */
export interface BuildLayerResult extends LayerWritten {
  /** The layer package ZIP written. */
  packageZip: string;
}

/** The layer's file tree to write: name → where its bytes come from and its mode. */
type LayerFiles = Map<string, ZipSource>;

function checkArch(arch: unknown): LayerArch {
  if (!isArch(arch)) throw badArgument('arch', `arch ${quoteValue(arch)} is not a layer architecture`, ARCHES);
  return arch;
}

function checkRuntimes(runtimes: unknown): LayerRuntime[] {
  if (runtimes !== undefined && !Array.isArray(runtimes)) throw badArgument('runtime', 'runtimes must be a list of runtimes', RUNTIMES);
  const list: unknown[] = runtimes && runtimes.length ? runtimes : [...RUNTIMES];
  for (const r of list) if (!isRuntime(r)) throw badArgument('runtime', `runtime ${quoteValue(r)} is not a runtime the layer serves`, RUNTIMES);
  return RUNTIMES.filter((r) => list.includes(r));
}

function checkPath(value: unknown, argument: string, required: boolean): string | undefined {
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || value === '') throw badArgument(argument, `${argument} must be a path`);
  return value;
}

function withDirs(files: LayerFiles): ZipSource[] {
  const out = [...files.values()];
  for (const d of dirsOf(files.keys())) out.push({ name: d, mode: 0o755, dir: true });
  return out;
}

interface CheckedRelease {
  manifest?: ReleaseManifest;
  files: LayerFiles;
  problems: LayerProblem[];
}

/** Every check of the release, all at once; reads only the files the layer needs. */
function checkRelease(release: string, arch: LayerArch, runtimes: LayerRuntime[], settings: string | undefined): CheckedRelease {
  const problems: LayerProblem[] = [];
  const tree = walkTree(release, problems, 'the release');
  const has = new Map(tree.files.map((f) => [f.rel, f]));
  const shown = (rel: string) => path.join(release, rel);
  const files: LayerFiles = new Map();
  // manifest: the fields that check are used below even when others do not
  let manifest: ReleaseManifest | undefined;
  let startupHook: string | undefined;
  const mf = has.get('manifest.json');
  if (!mf) problems.push({ code: 'manifest-missing', severity: 'error', file: shown('manifest.json'), message: 'the release has no manifest.json', fix: 'add manifest.json with version, clsid and startupHook' });
  else {
    const bytes = readManifestBytes(mf.abs, shown(mf.rel), problems);
    if (bytes) ({ manifest, startupHook } = checkManifest(bytes, shown(mf.rel), problems));
  }
  // native library
  const nativeRel = `native/linux-${arch}/libnet_profiler.so`;
  const nf = has.get(nativeRel);
  if (!nf) {
    problems.push({ code: 'native-missing', severity: 'error', file: shown(nativeRel), message: `the release has no native profiler for linux-${arch}` });
  } else {
    const bytes = readInput(nf.abs, shown(nativeRel), LAMBDA_LIMITS.unzippedBytes, 'native library', problems);
    if (bytes) checkNativeLibrary(bytes, shown(nativeRel), arch, problems);
    files.set(LAYER_PATHS.native, { name: LAYER_PATHS.native, mode: 0o755, file: nf.abs, sizeHint: nf.size });
  }
  // agents
  const assemblies: { file: string; abs: string; size: number }[] = [];
  for (const r of runtimes) {
    const dir = `agent/${RUNTIME_AGENT_FOLDER[r]}`;
    if (!tree.dirs.includes(dir)) {
      problems.push({ code: 'agent-missing', severity: 'error', file: shown(dir), message: `no agent folder for ${r}`, fix: `add ${dir}/ or leave ${r} out with --runtime` });
      continue;
    }
    if (startupHook !== undefined && !has.has(`${dir}/${startupHook}`)) {
      problems.push({ code: 'startup-hook-missing', severity: 'error', file: shown(`${dir}/${startupHook}`), message: `the agent for ${r} has no startup hook assembly ${startupHook}`, fix: `add ${startupHook} to ${dir}/ or name the right file in manifest.json` });
    }
    for (const f of tree.files.filter((x) => x.rel.startsWith(dir + '/'))) {
      const name = `profiler/${f.rel}`;
      files.set(name, { name, mode: 0o644, file: f.abs, sizeHint: f.size });
      if (f.rel.toLowerCase().endsWith('.dll')) assemblies.push({ file: shown(f.rel), abs: f.abs, size: f.size });
    }
  }
  // PE/CLI headers, in batches of bounded memory (the CLI metadata may sit anywhere)
  for (let i = 0; i < assemblies.length; ) {
    const batch: { file: string; bytes: Uint8Array }[] = [];
    let bytes = 0;
    while (i < assemblies.length && (batch.length === 0 || bytes + assemblies[i]!.size <= 64 << 20)) {
      const a = assemblies[i++]!;
      bytes += a.size;
      const data = readInput(a.abs, a.file, LAMBDA_LIMITS.unzippedBytes, 'file of a layer', problems);
      if (data) batch.push({ file: a.file, bytes: data });
    }
    checkAssemblies(batch, problems);
  }
  // settings
  const settingsFile = settings ?? shown('settings/lambda/settings.yaml');
  const defaultSettings = has.get('settings/lambda/settings.yaml');
  if (settings === undefined && !defaultSettings) {
    problems.push({ code: 'settings-missing', severity: 'error', file: settingsFile, message: 'the release has no default settings', fix: 'add settings/lambda/settings.yaml or pass --settings FILE' });
  } else {
    const bytes = readInput(settings ?? defaultSettings!.abs, settingsFile, INPUT_CAPS.settingsBytes, 'settings file', problems);
    if (bytes) {
      checkSettingsFile(bytes, settingsFile, runtimes, problems);
      files.set(LAYER_PATHS.settings, { name: LAYER_PATHS.settings, mode: 0o644, data: bytes });
    }
  }
  const unzipped = [...files.values()].reduce((n, f) => n + (f.sizeHint ?? f.data?.length ?? 0), 0);
  if (unzipped > LAMBDA_UNZIPPED_LIMIT) {
    problems.push({ code: 'layer-too-large', severity: 'error', file: release, message: `the layer would unzip to ${unzipped} bytes, over Lambda's ${LAMBDA_UNZIPPED_LIMIT} for a function and its layers` });
  }
  return { ...(manifest ? { manifest } : {}), files, problems };
}

/**
 * Checks a release and, when it passes, writes the layer ZIP and the layer package ZIP
 * into `outDir`, both or neither.
 * @returns the `build --json` document
 * @throws IssuesError `build-refused` with every error and warning of the release when
 *   it does not pass (nothing written); NetProfilerError `bad-argument` for a misused
 *   option (`arch`, `runtime`, `level`, …); `fs-*` (kind `outside`) naming a file that
 *   cannot be read or written, `--out` included
 */
export async function buildLayer(options: BuildLayerOptions): Promise<BuildLayerResult> {
  if (typeof options !== 'object' || options === null) throw badArgument('options', 'buildLayer needs an options object with release and arch');
  const arch = checkArch(options.arch);
  const runtimes = checkRuntimes(options.runtimes);
  const level = checkLevel(options.level);
  const release = checkPath(options.release, 'release', true)!;
  const settings = checkPath(options.settings, 'settings', false);
  const outDir = checkPath(options.outDir, 'out', false) ?? '.';
  let st: fs.Stats;
  try {
    st = fs.statSync(release);
  } catch (err) {
    throw fileError(err, release);
  }
  if (!st.isDirectory()) {
    const e: BuildMessage = { code: 'release-not-a-folder', file: release, message: 'a release is a folder with manifest.json, native/, agent/ and settings/', fix: 'give the release folder, not a file in it' };
    throw refusal('build-refused', 'build', [e], []);
  }
  const { manifest, files, problems } = checkRelease(release, arch, runtimes, settings);
  const { errors, warnings } = splitProblems(problems);
  if (errors.length || !manifest) throw refusal('build-refused', 'build', errors, warnings);

  files.set(LAYER_PATHS.manifest, { name: LAYER_PATHS.manifest, mode: 0o644, data: layerManifest(manifest, arch, runtimes) });
  files.set(LAYER_PATHS.wrapper, { name: LAYER_PATHS.wrapper, mode: 0o755, data: wrapperScript(manifest, arch) });

  const names = layerNames(manifest.version, arch);
  const layerZip = path.join(outDir, names.layerZip);
  const packageZip = path.join(outDir, names.packageZip);
  const out = new OutputSet();
  try {
    out.dir(outDir, 'out');
    const tmpLayer = out.stage(layerZip);
    const tmpPackage = out.stage(packageZip);
    const time = options.sourceDateEpoch !== undefined ? { sourceDateEpoch: options.sourceDateEpoch } : {};
    const fileSums = new Map<string, string>();
    const written = await writeZipTo(tmpLayer, layerZip, withDirs(files), { level, ...time, ...(options.onProgress ? { onProgress: options.onProgress } : {}), sha256s: fileSums });
    await writePackage(tmpLayer, tmpPackage, packageZip, names, fileSums, time);
    out.commit();
    return {
      ok: true,
      layerZip,
      packageZip,
      sha256: written.sha256,
      version: manifest.version,
      arch,
      runtimes,
      entries: written.entries,
      unzippedBytes: written.unzippedBytes,
      warnings,
    };
  } catch (err) {
    out.abort();
    throw err;
  }
}

/** Writes the package ZIP around a layer ZIP, copying the layer's compressed entries as they are. */
async function writePackage(
  layerZipFile: string,
  target: string,
  shown: string,
  names: ReturnType<typeof layerNames>,
  fileSums: Map<string, string>,
  time: { sourceDateEpoch?: number },
): Promise<void> {
  const layer = await readCheckedZip(layerZipFile);
  const base = names.base;
  const sources: ZipSource[] = [{ name: `${base}/`, mode: 0o755, dir: true }];
  const sums = new Map<string, string>();
  // the layer ZIP itself, stored (it is compressed already)
  sources.push({ name: `${base}/${names.layerZip}`, mode: 0o644, raw: { data: layer.bytes, crc32: zlib.crc32(layer.bytes), size: layer.bytes.length, method: 0 } });
  sums.set(names.layerZip, sha256(layer.bytes));
  sources.push({ name: `${base}/layer/`, mode: 0o755, dir: true });
  for (const [name, { entry, raw }] of rawSources(layer)) {
    if (entry.dir) {
      sources.push({ name: `${base}/layer/${name}`, mode: entry.mode, dir: true });
      continue;
    }
    sources.push({ name: `${base}/layer/${name}`, mode: entry.mode, raw });
    const h = fileSums.get(name);
    if (h === undefined) throw new Error(`internal: no SHA-256 for layer entry ${name}`); // every file source was hashed as it was compressed
    sums.set(`layer/${name}`, h);
  }
  const deploy = deployScript();
  sources.push({ name: `${base}/${PACKAGE_FILES.environment}`, mode: 0o644, data: FUNCTION_ENVIRONMENT });
  sources.push({ name: `${base}/${PACKAGE_FILES.deploy}`, mode: 0o755, data: deploy });
  sums.set(PACKAGE_FILES.environment, sha256(FUNCTION_ENVIRONMENT));
  sums.set(PACKAGE_FILES.deploy, sha256(deploy));
  sources.push({ name: `${base}/${PACKAGE_FILES.sums}`, mode: 0o644, data: sha256sums(sums) });
  await writeZipTo(target, shown, sources, time);
}
