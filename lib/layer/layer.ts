/**
 * Building, rebuilding, inspecting and unpacking the profiler's Lambda layer
 * (layer.md, cli.md group `layer`).
 * @packageDocumentation
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { NetProfilerError, fileError } from '../errors';
import { packageRoot } from '../native';
import type { NativeZipEntry } from './native';
import {
  checkAssemblies,
  checkManifest,
  checkNativeLibrary,
  checkSettingsFile,
  LAMBDA_UNZIPPED_LIMIT,
  LayerArch,
  LayerProblem,
  LayerRuntime,
  ReleaseManifest,
  RUNTIMES,
  TFM,
  walkTree,
} from './release';
import { CheckedZip, extractEntries, rawSources, readCheckedZip, writeZip, ZipLimits, ZipRefusedError, ZipSource } from './zip';

/** Where the pieces sit inside the layer (root = /opt). */
export const LAYER_PATHS = {
  wrapper: 'profiler_wrapper',
  manifest: 'profiler/manifest.json',
  native: 'profiler/native/libnet_profiler.so',
  settings: 'profiler/settings/lambda/settings.yaml',
  agent: (r: LayerRuntime) => `profiler/agent/${TFM[r]}`,
} as const;

/** A warning or error of a build, as `build --json` prints it. */
export interface BuildMessage {
  /** Stable code, such as `native-wrong-machine`. */
  code: string;
  /** The file concerned, as the user named it (under the release or package folder). */
  file: string;
  /** What is wrong. */
  message: string;
  /** 1-based line, where known (settings findings). */
  line?: number;
  /** 1-based column, where known. */
  column?: number;
  /** How to fix it, where there is a known fix. */
  fix?: string;
}

/** Options of {@link buildLayer}. */
export interface BuildLayerOptions {
  /** The profiler release folder (layer.md "Inputs"). */
  release: string;
  /** The layer's architecture. */
  arch: LayerArch;
  /** Runtimes to target; default both. */
  runtimes?: LayerRuntime[];
  /** A settings file to use instead of the release's default one. */
  settings?: string;
  /** Output folder (created if needed); default the current folder. */
  outDir?: string;
  /** Deflate level 0..12 (0 stores); default 6. */
  level?: number;
  /** Entry time, UNIX seconds; default `SOURCE_DATE_EPOCH`, else 1980-01-01. */
  sourceDateEpoch?: number;
  /** Progress of the compression (bytes done, bytes in all). */
  onProgress?: (done: number, total: number) => void;
}

/** The `build --json` document of a build that succeeded. */
export interface BuildLayerResult {
  ok: true;
  /** The layer ZIP written. */
  layerZip: string;
  /** The layer package ZIP written. */
  packageZip: string;
  /** SHA-256 of the layer ZIP, hex. */
  sha256: string;
  /** Profiler version, from the manifest. */
  version: string;
  /** The layer's architecture. */
  arch: LayerArch;
  /** Runtimes built for. */
  runtimes: LayerRuntime[];
  /** Entries in the layer ZIP. */
  entries: number;
  /** Sum of the layer's unzipped sizes. */
  unzippedBytes: number;
  /** Warnings (the build went ahead). */
  warnings: BuildMessage[];
}

/** The `build --json` document of a refused build (nothing was written). */
export interface BuildLayerRefusal {
  ok: false;
  /** Every error found, all at once. */
  errors: BuildMessage[];
  /** Warnings found on the way. */
  warnings: BuildMessage[];
}

function message(p: LayerProblem): BuildMessage {
  return {
    code: p.code,
    file: p.file,
    message: p.message,
    ...(p.line !== undefined ? { line: p.line } : {}),
    ...(p.column !== undefined ? { column: p.column } : {}),
    ...(p.fix ? { fix: p.fix } : {}),
  };
}

function split(problems: LayerProblem[]) {
  return {
    errors: problems.filter((p) => p.severity === 'error').map(message),
    warnings: problems.filter((p) => p.severity === 'warning').map(message),
  };
}

function checkArch(arch: unknown): LayerArch {
  if (arch !== 'arm64' && arch !== 'x64') {
    throw new NetProfilerError('bad-arch', `arch ${JSON.stringify(arch)} is not arm64 or x64`, { kind: 'usage', fix: 'use --arch arm64 or --arch x64' });
  }
  return arch;
}

function checkRuntimes(runtimes: unknown[] | undefined): LayerRuntime[] {
  const list = runtimes && runtimes.length ? runtimes : [...RUNTIMES];
  for (const r of list) {
    if (r !== 'dotnet8' && r !== 'dotnet10') {
      throw new NetProfilerError('bad-runtime', `runtime ${JSON.stringify(r)} is not dotnet8 or dotnet10`, { kind: 'usage', fix: 'use --runtime dotnet8,dotnet10' });
    }
  }
  return RUNTIMES.filter((r) => list.includes(r));
}

/** Layer file names of a version and arch. */
export function layerNames(version: string, arch: LayerArch) {
  const base = `profiler-lambda-layer-${version}-linux-${arch}`;
  return { base, layerZip: `${base}.zip`, packageZip: `${base}-package.zip` };
}

/** The startup wrapper with the manifest's values filled in. */
export function wrapperScript(manifest: ReleaseManifest, arch: LayerArch): Buffer {
  const file = path.join(packageRoot, 'assets/profiler_wrapper');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw fileError(err, file);
  }
  // The values were checked (semver, GUID, file name): none can hold a quote.
  return Buffer.from(
    text
      .replace('@NP_VERSION@', manifest.version)
      .replace('@NP_ARCH@', arch)
      .replace('@NP_CLSID@', manifest.clsid)
      .replace('@NP_STARTUP_HOOK@', manifest.startupHook),
  );
}

function layerManifest(manifest: ReleaseManifest, arch: LayerArch, runtimes: LayerRuntime[]): Buffer {
  return Buffer.from(JSON.stringify({ ...manifest, arch, runtimes }, null, 2) + '\n');
}

function readBytes(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw fileError(err, file);
  }
}

function dirsOf(names: Iterable<string>): string[] {
  const dirs = new Set<string>();
  for (const n of names) {
    const parts = n.replace(/\/$/, '').split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/') + '/');
  }
  return [...dirs];
}

function tmpName(dir: string, name: string): string {
  return path.join(dir, `.${name}.tmp-${process.pid}-${Date.now().toString(36)}`);
}

function removeQuietly(file: string): void {
  try {
    fs.rmSync(file, { force: true, recursive: true });
  } catch {
    // best effort: it is our own temporary file
  }
}

interface TreeFileRef {
  file: string;
  abs: string;
  size: number;
}

/** The layer's file tree to write: name → where its bytes come from and its mode. */
type LayerFiles = Map<string, ZipSource>;

/** Standard mode of a layer path (layer.md "Output 1"). */
export function layerMode(name: string): number {
  if (name.endsWith('/')) return 0o755;
  if (name === LAYER_PATHS.wrapper || name === LAYER_PATHS.native) return 0o755;
  return 0o644;
}

function withDirs(files: LayerFiles): ZipSource[] {
  const out = [...files.values()];
  for (const d of dirsOf(files.keys())) out.push({ name: d, mode: 0o755, dir: true });
  return out;
}

/**
 * Checks a release and, when it passes, writes the layer ZIP and the layer package ZIP
 * into `outDir`. A refused build writes nothing.
 * @returns the `build --json` document (`ok: false` with the errors when refused)
 * @throws NetProfilerError for usage mistakes (`bad-arch`, `bad-runtime`, `bad-level`)
 *   and outside failures (a file that cannot be read or written)
 */
export async function buildLayer(options: BuildLayerOptions): Promise<BuildLayerResult | BuildLayerRefusal> {
  const arch = checkArch(options.arch);
  const runtimes = checkRuntimes(options.runtimes);
  const level = options.level ?? 6;
  if (!Number.isInteger(level) || level < 0 || level > 12) {
    throw new NetProfilerError('bad-level', `level ${level} is not an integer from 0 to 12`, { kind: 'usage' });
  }
  const release = options.release;
  let st: fs.Stats;
  try {
    st = fs.statSync(release);
  } catch (err) {
    throw fileError(err, release);
  }
  if (!st.isDirectory()) {
    return { ok: false, errors: [{ code: 'release-not-a-folder', file: release, message: 'a release is a folder with manifest.json, native/, agent/ and settings/' }], warnings: [] };
  }
  const problems: LayerProblem[] = [];
  const tree = walkTree(release, problems);
  const has = new Map(tree.files.map((f) => [f.rel, f]));
  const shown = (rel: string) => path.join(release, rel);

  const files: LayerFiles = new Map();
  // manifest
  let manifest: ReleaseManifest | undefined;
  const mf = has.get('manifest.json');
  if (!mf) problems.push({ code: 'manifest-missing', severity: 'error', file: shown('manifest.json'), message: 'the release has no manifest.json' });
  else manifest = checkManifest(readBytes(mf.abs), shown(mf.rel), problems);
  // native library
  const nativeRel = `native/linux-${arch}/libnet_profiler.so`;
  const nf = has.get(nativeRel);
  if (!nf) {
    problems.push({ code: 'native-missing', severity: 'error', file: shown(nativeRel), message: `the release has no native profiler for linux-${arch}` });
  } else {
    checkNativeLibrary(readBytes(nf.abs), shown(nativeRel), arch, problems);
    files.set(LAYER_PATHS.native, { name: LAYER_PATHS.native, mode: 0o755, file: nf.abs, sizeHint: nf.size });
  }
  // agents
  const assemblies: TreeFileRef[] = [];
  for (const r of runtimes) {
    const dir = `agent/${TFM[r]}`;
    const inDir = tree.files.filter((f) => f.rel.startsWith(dir + '/'));
    if (!tree.dirs.includes(dir)) {
      problems.push({ code: 'agent-missing', severity: 'error', file: shown(dir), message: `no agent folder for ${r}`, fix: `add ${dir}/ or leave ${r} out with --runtime` });
      continue;
    }
    if (manifest && !has.has(`${dir}/${manifest.startupHook}`)) {
      problems.push({ code: 'startup-hook-missing', severity: 'error', file: shown(`${dir}/${manifest.startupHook}`), message: `the agent for ${r} has no startup hook assembly ${manifest.startupHook}` });
    }
    for (const f of inDir) {
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
      batch.push({ file: a.file, bytes: readBytes(a.abs) });
    }
    checkAssemblies(batch, problems);
  }
  // settings
  const settingsFile = options.settings ?? shown('settings/lambda/settings.yaml');
  let settingsBytes: Buffer | undefined;
  if (options.settings === undefined && !has.has('settings/lambda/settings.yaml')) {
    problems.push({ code: 'settings-missing', severity: 'error', file: settingsFile, message: 'the release has no default settings', fix: 'add settings/lambda/settings.yaml or pass --settings FILE' });
  } else {
    settingsBytes = readBytes(options.settings ?? has.get('settings/lambda/settings.yaml')!.abs);
    checkSettingsFile(settingsBytes, settingsFile, runtimes, problems);
    files.set(LAYER_PATHS.settings, { name: LAYER_PATHS.settings, mode: 0o644, data: settingsBytes });
  }
  const unzipped = [...files.values()].reduce((n, f) => n + (f.sizeHint ?? f.data?.length ?? 0), 0);
  if (unzipped > LAMBDA_UNZIPPED_LIMIT) {
    problems.push({ code: 'layer-too-large', severity: 'error', file: release, message: `the layer would unzip to ${unzipped} bytes, over Lambda's ${LAMBDA_UNZIPPED_LIMIT} for a function and its layers` });
  }
  const { errors, warnings } = split(problems);
  if (errors.length || !manifest) return { ok: false, errors, warnings };

  files.set(LAYER_PATHS.manifest, { name: LAYER_PATHS.manifest, mode: 0o644, data: layerManifest(manifest, arch, runtimes) });
  files.set(LAYER_PATHS.wrapper, { name: LAYER_PATHS.wrapper, mode: 0o755, data: wrapperScript(manifest, arch) });

  const outDir = options.outDir ?? '.';
  try {
    fs.mkdirSync(outDir, { recursive: true });
  } catch (err) {
    throw fileError(err, outDir, 'create');
  }
  const names = layerNames(manifest.version, arch);
  const layerZip = path.join(outDir, names.layerZip);
  const packageZip = path.join(outDir, names.packageZip);
  const tmpLayer = tmpName(outDir, names.layerZip);
  const tmpPackage = tmpName(outDir, names.packageZip);
  try {
    const zipOptions = {
      level,
      ...(options.sourceDateEpoch !== undefined ? { sourceDateEpoch: options.sourceDateEpoch } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    };
    const fileSums = new Map<string, string>();
    const written = await writeZip(tmpLayer, withDirs(files), { ...zipOptions, sha256s: fileSums });
    await writePackage(tmpLayer, tmpPackage, names, fileSums, zipOptions.sourceDateEpoch);
    fs.renameSync(tmpLayer, layerZip);
    fs.renameSync(tmpPackage, packageZip);
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
  } finally {
    removeQuietly(tmpLayer);
    removeQuietly(tmpPackage);
  }
}

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** `sha256sum` lines for files, sorted by path. */
function sha256sums(sums: Map<string, string>): Buffer {
  const lines = [...sums.entries()].sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b))).map(([p, h]) => `${h}  ${p}\n`);
  return Buffer.from(lines.join(''));
}

const FUNCTION_ENVIRONMENT = Buffer.from(JSON.stringify({ Variables: { AWS_LAMBDA_EXEC_WRAPPER: '/opt/profiler_wrapper' } }, null, 2) + '\n');

/** Writes the package ZIP around a layer ZIP, copying the layer's compressed entries as they are. */
async function writePackage(
  layerZipFile: string,
  out: string,
  names: ReturnType<typeof layerNames>,
  fileSums: Map<string, string>,
  sourceDateEpoch?: number,
): Promise<void> {
  const layer = await readCheckedZip(layerZipFile);
  const base = names.base;
  const sources: ZipSource[] = [{ name: `${base}/`, mode: 0o755, dir: true }];
  const sums = new Map<string, string>();
  // the layer ZIP itself, stored (it is compressed already)
  sources.push({ name: `${base}/${names.layerZip}`, mode: 0o644, raw: { data: layer.bytes, crc32: zlib.crc32(layer.bytes), size: layer.bytes.length, method: 0 } });
  sums.set(names.layerZip, sha256(layer.bytes));
  const raws = rawSources(layer);
  sources.push({ name: `${base}/layer/`, mode: 0o755, dir: true });
  for (const [name, { entry, raw }] of raws) {
    sources.push(entry.dir ? { name: `${base}/layer/${name}`, mode: entry.mode, dir: true } : { name: `${base}/layer/${name}`, mode: entry.mode, raw });
  }
  for (const [name, { entry }] of raws) {
    if (entry.dir) continue;
    const h = fileSums.get(name);
    if (h === undefined) throw new Error(`internal: no SHA-256 for layer entry ${name}`);
    sums.set(`layer/${name}`, h);
  }
  const deploy = readBytes(path.join(packageRoot, 'assets/deploy-layer.sh'));
  sources.push({ name: `${base}/function-environment.json`, mode: 0o644, data: FUNCTION_ENVIRONMENT });
  sources.push({ name: `${base}/deploy-layer.sh`, mode: 0o755, data: deploy });
  sums.set('function-environment.json', sha256(FUNCTION_ENVIRONMENT));
  sums.set('deploy-layer.sh', sha256(deploy));
  sources.push({ name: `${base}/SHA256SUMS`, mode: 0o644, data: sha256sums(sums) });
  await writeZip(out, sources, sourceDateEpoch !== undefined ? { sourceDateEpoch } : {});
}

// ------------------------------------------------------------------ layer contents

/** A layer's files seen from a ZIP or a folder. */
interface LayerView {
  /** Entries by name (directories end with `/`). */
  entries: Map<string, { dir: boolean; mode: number; size: number }>;
  /** Reads files by name, in one batch. */
  read(names: string[]): Promise<Buffer[]>;
  /** How to show an entry's name in a finding. */
  show(name: string): string;
}

/** What a layer's manifest says. */
interface LayerFacts {
  version?: string;
  arch?: LayerArch;
  runtimes?: LayerRuntime[];
  manifest?: ReleaseManifest;
}

async function checkLayerContents(view: LayerView, problems: LayerProblem[], unzippedBytes: number): Promise<LayerFacts> {
  const facts: LayerFacts = {};
  const e = view.entries;
  const err = (code: string, name: string, message: string, fix?: string) =>
    problems.push({ code, severity: 'error', file: view.show(name), message, ...(fix ? { fix } : {}) });
  if (unzippedBytes > LAMBDA_UNZIPPED_LIMIT) {
    problems.push({ code: 'layer-too-large', severity: 'error', file: view.show(''), message: `the layer unzips to ${unzippedBytes} bytes, over Lambda's ${LAMBDA_UNZIPPED_LIMIT} for a function and its layers` });
  }
  const wrapper = e.get(LAYER_PATHS.wrapper);
  if (!wrapper || wrapper.dir) err('wrapper-missing', LAYER_PATHS.wrapper, 'the layer has no startup wrapper');
  else if (wrapper.mode !== 0o755) err('bad-mode', LAYER_PATHS.wrapper, `mode is ${wrapper.mode.toString(8)}, not 755: Lambda cannot execute the wrapper`);
  const mf = e.get(LAYER_PATHS.manifest);
  if (!mf || mf.dir) {
    err('manifest-missing', LAYER_PATHS.manifest, 'the layer has no manifest');
    return facts;
  }
  const [mbytes] = await view.read([LAYER_PATHS.manifest]);
  const manifest = checkManifest(mbytes!, view.show(LAYER_PATHS.manifest), problems);
  if (!manifest) return facts;
  facts.manifest = manifest;
  facts.version = manifest.version;
  const arch = manifest.arch;
  if (arch !== 'arm64' && arch !== 'x64') {
    err('bad-arch', LAYER_PATHS.manifest, `arch ${JSON.stringify(arch)} is not arm64 or x64`);
    return facts;
  }
  facts.arch = arch;
  const rts = manifest.runtimes;
  if (!Array.isArray(rts) || rts.length === 0 || !rts.every((r) => r === 'dotnet8' || r === 'dotnet10')) {
    err('bad-runtimes', LAYER_PATHS.manifest, `runtimes ${JSON.stringify(rts)} must be a non-empty list of dotnet8 and dotnet10`);
    return facts;
  }
  const runtimes = rts as LayerRuntime[];
  facts.runtimes = runtimes;
  const nat = e.get(LAYER_PATHS.native);
  const toRead: string[] = [];
  if (!nat || nat.dir) err('native-missing', LAYER_PATHS.native, 'the layer has no native profiler');
  else toRead.push(LAYER_PATHS.native);
  const st = e.get(LAYER_PATHS.settings);
  if (!st || st.dir) err('settings-missing', LAYER_PATHS.settings, 'the layer has no settings');
  else toRead.push(LAYER_PATHS.settings);
  const dlls: string[] = [];
  for (const r of runtimes) {
    const dir = LAYER_PATHS.agent(r);
    if (!e.has(`${dir}/`) && ![...e.keys()].some((k) => k.startsWith(`${dir}/`))) {
      err('agent-missing', `${dir}/`, `no agent folder for ${r}`);
      continue;
    }
    if (!e.has(`${dir}/${manifest.startupHook}`)) err('startup-hook-missing', `${dir}/${manifest.startupHook}`, `the agent for ${r} has no startup hook assembly`);
  }
  for (const [name, info] of e) {
    if (!info.dir && name.startsWith('profiler/agent/') && name.toLowerCase().endsWith('.dll')) dlls.push(name);
    if (name !== LAYER_PATHS.wrapper && name !== LAYER_PATHS.native && info.mode !== layerMode(name)) {
      problems.push({ code: 'unexpected-mode', severity: 'warning', file: view.show(name), message: `mode is ${info.mode.toString(8)}, the layer's own entries use ${layerMode(name).toString(8)}` });
    }
  }
  const data = await view.read([...toRead, ...dlls]);
  let i = 0;
  if (toRead.includes(LAYER_PATHS.native)) checkNativeLibrary(data[i++]!, view.show(LAYER_PATHS.native), arch, problems);
  if (toRead.includes(LAYER_PATHS.settings)) checkSettingsFile(data[i++]!, view.show(LAYER_PATHS.settings), runtimes, problems);
  checkAssemblies(dlls.map((d, k) => ({ file: view.show(d), bytes: data[i + k]! })), problems);
  return facts;
}

/** One entry as `inspect --json` lists it. */
export interface InspectEntry {
  /** Entry name; directories end with `/`. */
  path: string;
  /** Regular file or directory (nothing else is read). */
  type: 'file' | 'directory';
  /** Permission bits (0o755 = 493). */
  mode: number;
  /** Unzipped size in bytes. */
  size: number;
  /** Compressed size in bytes. */
  compressedSize: number;
  /** CRC-32, 8 hex digits. */
  crc32: string;
}

/** A finding of `inspect`. */
export interface InspectFinding {
  /** Stable code. */
  code: string;
  /** `error` makes the layer not valid. */
  severity: 'error' | 'warning';
  /** The entry concerned; for settings findings `ENTRY#Key.Path`. */
  path: string;
  /** What is wrong. */
  message: string;
  /** 1-based line in the entry, where known (settings findings). */
  line?: number;
  /** 1-based column, where known. */
  column?: number;
  /** How to fix it. */
  fix?: string;
}

/** The `inspect --json` document. */
export interface InspectLayerResult {
  /** Every entry, in the ZIP's order. */
  entries: InspectEntry[];
  /** What the layer is. */
  layer: {
    /** True when no finding is an error. */
    valid: boolean;
    /** Version from the manifest, or null. */
    version: string | null;
    /** Arch from the manifest, or null. */
    arch: LayerArch | null;
    /** Runtimes from the manifest (empty when unknown). */
    runtimes: LayerRuntime[];
    /** Sum of the entries' unzipped sizes (Lambda allows 262,144,000 for function plus layers). */
    unzippedBytes: number;
  };
  /** What makes it not a valid layer (errors) or worth a look (warnings). */
  findings: InspectFinding[];
}

/**
 * Reads a layer ZIP (checked as hostile input) and reports its entries, its manifest
 * and what makes it not a valid layer (findings; the settings checked for the runtimes
 * the manifest names; the unzipped size against Lambda's 250 MB).
 * @throws ZipRefusedError (exit 1 in the CLI) when the ZIP cannot be read safely,
 *   naming the entry; NetProfilerError `fs-…` when the file cannot be read
 */
export async function inspectLayer(zipPath: string, limits?: ZipLimits): Promise<InspectLayerResult> {
  const zip = await readCheckedZip(zipPath, limits);
  const byName = new Map<string, NativeZipEntry>();
  for (const en of zip.directory.entries) byName.set(en.name.toString('utf8'), en);
  const view: LayerView = {
    entries: new Map([...byName].map(([n, en]) => [n, { dir: en.dir, mode: en.mode, size: en.size }])),
    read: (names) => extractEntries(zip, names.map((n) => byName.get(n)!)),
    show: (name) => name,
  };
  const problems: LayerProblem[] = [];
  const facts = await checkLayerContents(view, problems, zip.directory.unzippedBytes);
  const findings: InspectFinding[] = problems.map((p) => ({
    code: p.code,
    severity: p.severity,
    path: p.path ? `${p.file}#${p.path}` : p.file,
    message: p.message,
    ...(p.line !== undefined ? { line: p.line } : {}),
    ...(p.column !== undefined ? { column: p.column } : {}),
    ...(p.fix ? { fix: p.fix } : {}),
  }));
  return {
    entries: zip.directory.entries.map((en) => ({
      path: en.name.toString('utf8'),
      type: en.dir ? 'directory' : 'file',
      mode: en.mode,
      size: en.size,
      compressedSize: en.compressedSize,
      crc32: en.crc32.toString(16).padStart(8, '0'),
    })),
    layer: {
      valid: !findings.some((f) => f.severity === 'error'),
      version: facts.version ?? null,
      arch: facts.arch ?? null,
      runtimes: facts.runtimes ?? [],
      unzippedBytes: zip.directory.unzippedBytes,
    },
    findings,
  };
}

// ------------------------------------------------------------------ rebuild

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
export interface RebuildLayerResult {
  ok: true;
  /** The layer ZIP rewritten in the package folder. */
  layerZip: string;
  /** Its SHA-256, hex. */
  sha256: string;
  /** Version, arch and runtimes from the layer's manifest. */
  version: string;
  /** The layer's architecture. */
  arch: LayerArch;
  /** Runtimes of the layer. */
  runtimes: LayerRuntime[];
  /** Entries written. */
  entries: number;
  /** Sum of the unzipped sizes. */
  unzippedBytes: number;
  /** Entries whose compressed bytes were copied from the previous layer ZIP. */
  copied: number;
  /** Entries compressed anew (new or changed files). */
  changed: string[];
  /** Warnings (the rebuild went ahead). */
  warnings: BuildMessage[];
}

/**
 * After a user edited `PACKAGE_DIR/layer/…`: checks the layer (settings included),
 * rebuilds the layer ZIP from `layer/` (entries whose bytes did not change are copied
 * from the previous ZIP as they are) and rewrites `SHA256SUMS`. Refused: nothing written.
 */
export async function rebuildLayer(packageDir: string, options: RebuildLayerOptions = {}): Promise<RebuildLayerResult | BuildLayerRefusal> {
  const layerDir = path.join(packageDir, 'layer');
  try {
    if (!fs.statSync(layerDir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
  } catch (err) {
    throw fileError(err, layerDir);
  }
  const problems: LayerProblem[] = [];
  const tree = walkTree(layerDir, problems);
  const byRel = new Map(tree.files.map((f) => [f.rel, f]));
  const view: LayerView = {
    entries: new Map<string, { dir: boolean; mode: number; size: number }>([
      ...tree.dirs.map((d): [string, { dir: boolean; mode: number; size: number }] => [`${d}/`, { dir: true, mode: 0o755, size: 0 }]),
      ...tree.files.map((f): [string, { dir: boolean; mode: number; size: number }] => [f.rel, { dir: false, mode: layerMode(f.rel), size: f.size }]),
    ]),
    read: async (names) => names.map((n) => readBytes(byRel.get(n)!.abs)),
    show: (name) => path.join(layerDir, name),
  };
  const unzipped = tree.files.reduce((n, f) => n + f.size, 0);
  const facts = await checkLayerContents(view, problems, unzipped);
  const { errors, warnings } = split(problems);
  if (errors.length || !facts.version || !facts.arch || !facts.runtimes) return { ok: false, errors, warnings };
  const names = layerNames(facts.version, facts.arch);
  const layerZip = path.join(packageDir, names.layerZip);
  // Previous layer ZIP: untouched entries keep their compressed bytes.
  let previous: CheckedZip | undefined;
  if (fs.existsSync(layerZip)) {
    try {
      previous = await readCheckedZip(layerZip);
    } catch (err) {
      if (!(err instanceof ZipRefusedError)) throw err;
      warnings.push({ code: 'previous-zip-unreadable', file: layerZip, message: `previous layer ZIP not reused: ${err.message}` });
    }
  }
  const raws = previous ? rawSources(previous) : new Map();
  const sources: ZipSource[] = tree.dirs.map((d) => ({ name: `${d}/`, mode: 0o755, dir: true }));
  const changed: string[] = [];
  const sums = new Map<string, string>();
  let copied = 0;
  for (const f of tree.files) {
    const data = readBytes(f.abs);
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
  for (const d of dirsOf(tree.files.map((f) => f.rel))) if (!sources.some((s) => s.name === d)) sources.push({ name: d, mode: 0o755, dir: true });
  const tmpLayer = tmpName(packageDir, names.layerZip);
  const tmpSums = tmpName(packageDir, 'SHA256SUMS');
  try {
    const written = await writeZip(tmpLayer, sources, {
      level: options.level ?? 6,
      ...(options.sourceDateEpoch !== undefined ? { sourceDateEpoch: options.sourceDateEpoch } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    sums.set(names.layerZip, written.sha256);
    for (const extra of ['function-environment.json', 'deploy-layer.sh']) {
      const p = path.join(packageDir, extra);
      if (fs.existsSync(p)) sums.set(extra, sha256(readBytes(p)));
    }
    try {
      fs.writeFileSync(tmpSums, sha256sums(sums));
    } catch (err) {
      throw fileError(err, path.join(packageDir, 'SHA256SUMS'), 'write');
    }
    fs.renameSync(tmpLayer, layerZip);
    fs.renameSync(tmpSums, path.join(packageDir, 'SHA256SUMS'));
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
  } finally {
    removeQuietly(tmpLayer);
    removeQuietly(tmpSums);
  }
}

// ------------------------------------------------------------------ unpack

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

/**
 * Extracts a ZIP safely into `dir` (which must not exist or be empty). Every rule of
 * layer.md "Reading ZIPs" is checked on the whole archive before anything is written;
 * the files go to a temporary sibling folder that is renamed into place at the end, so
 * a refused or failed unpack leaves `dir` as it was.
 * @throws ZipRefusedError naming the entry; NetProfilerError `target-not-empty`
 */
export async function unpackZip(zipPath: string, dir: string, limits?: ZipLimits): Promise<UnpackResult> {
  let existed = false;
  try {
    const st = fs.statSync(dir);
    if (!st.isDirectory() || fs.readdirSync(dir).length > 0) {
      throw new NetProfilerError('target-not-empty', `${dir} exists and is not an empty folder`, { file: dir, fix: 'unpack into a new folder' });
    }
    existed = true;
  } catch (err) {
    if (err instanceof NetProfilerError) throw err;
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw fileError(err, dir);
  }
  const zip = await readCheckedZip(zipPath, limits);
  const parent = path.dirname(path.resolve(dir));
  try {
    fs.mkdirSync(parent, { recursive: true });
  } catch (err) {
    throw fileError(err, parent, 'create');
  }
  const tmp = tmpName(parent, path.basename(dir));
  const root = path.resolve(tmp);
  const target = (name: string) => {
    const p = path.resolve(root, ...name.split('/').filter((s) => s !== '' && s !== '.'));
    if (p !== root && !p.startsWith(root + path.sep)) {
      throw new ZipRefusedError('unsafe-name', name, `entry ${JSON.stringify(name)}: resolves outside the target`);
    }
    return p;
  };
  const result: UnpackResult = { dir, files: 0, dirs: 0, bytes: 0 };
  try {
    fs.mkdirSync(tmp, { mode: 0o755 });
    const entries = zip.directory.entries;
    const names = entries.map((en) => en.name.toString('utf8'));
    // folders first (explicit and implied), then files in batches of bounded size
    const dirs = new Set<string>();
    names.forEach((n, i) => {
      const parts = n.split('/').filter((s) => s !== '' && s !== '.');
      for (let k = 1; k < parts.length + (entries[i]!.dir ? 1 : 0); k++) dirs.add(parts.slice(0, k).join('/'));
    });
    // A file whose path is also a folder of another entry ("a" and "a/b") cannot be
    // written: refuse it as a ZIP fault, before anything is written.
    names.forEach((n, i) => {
      const norm = n.split('/').filter((s) => s !== '' && s !== '.').join('/');
      if (!entries[i]!.dir && dirs.has(norm)) {
        throw new ZipRefusedError('path-conflict', n, `entry ${JSON.stringify(n)}: is a file, but other entries need a folder of that name`);
      }
    });
    for (const d of [...dirs].sort()) {
      fs.mkdirSync(target(d), { recursive: true, mode: 0o755 });
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
      const data = await extractEntries(zip, batch.map((b) => b.en));
      batch.forEach((b, i) => {
        const p = target(b.name);
        fs.writeFileSync(p, data[i]!, { flag: 'wx', mode: b.en.mode & 0o777 || 0o644 });
        fs.chmodSync(p, b.en.mode & 0o777 || 0o644);
        result.files++;
        result.bytes += data[i]!.length;
      });
    }
    if (existed) fs.rmdirSync(dir);
    fs.renameSync(tmp, dir);
    return result;
  } catch (err) {
    removeQuietly(tmp);
    if (err instanceof NetProfilerError) throw err;
    throw fileError(err, dir, 'write');
  }
}
