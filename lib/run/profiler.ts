/**
 * Where the profiler's pieces are, from a release tree, a layer ZIP (unpacked safely
 * to a temporary folder) or an unpacked layer (docs/run.md, docs/layer.md).
 * @packageDocumentation
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Arch, ELF_MACHINE, INPUT_CAPS, Runtime, RUNTIME_AGENT_FOLDER } from '../constants';
import { badArgument, fileError, NetProfilerError, quoteValue } from '../errors';
import { readFileCappedSync } from '../files';
import { unpackZip } from '../layer';
import type { RunErrorCode } from './errors';

/** Where the profiler comes from: exactly one of the three. */
export interface ProfilerSource {
  /** A profiler release tree (`manifest.json`, `native/linux-<arch>/`, `agent/<tfm>/`, `settings/`). */
  release?: string;
  /** A layer ZIP, unpacked to a temporary folder for the run and removed afterwards. */
  layer?: string;
  /** An unpacked layer: the folder holding `profiler/` (or the `profiler/` folder itself). */
  layerDir?: string;
}

/** The profiler's files for one architecture, as the startup wrapper finds them. */
export interface ProfilerTree {
  /** What `NET_PROFILER_HOME` is set to. */
  home: string;
  /** The native profiler (`CORECLR_PROFILER_PATH`). */
  native: string;
  /** The CLSID from the manifest (`CORECLR_PROFILER`). */
  clsid: string;
  /** The startup hook's file name, from the manifest. */
  startupHook: string;
  /** The profiler's version, from the manifest. */
  version: string;
  /** The default settings file. */
  settings: string;
  /** The agent folder of a runtime (`NET_PROFILER_AGENT_PATH`). */
  agentDir(runtime: Runtime): string;
  /** A temporary folder the tree lives in (a ZIP's), removed by the caller. */
  temporary?: string;
}

/** This machine's architecture in the layer's names, or undefined when neither. */
export function machineArch(): Arch | undefined {
  return process.arch === 'x64' ? 'x64' : process.arch === 'arm64' ? 'arm64' : undefined;
}

function fail(code: RunErrorCode, message: string, file: string, fix?: string): NetProfilerError<RunErrorCode> {
  return new NetProfilerError<RunErrorCode>(code, message, { kind: 'refused', file, ...(fix ? { fix } : {}) });
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function readManifest(file: string): { version: string; clsid: string; startupHook: string } {
  if (!fs.existsSync(file)) throw fail('profiler-incomplete', `${file} is missing`, file, 'point at a profiler release or an unpacked layer');
  const text = readFileCappedSync(file, INPUT_CAPS.jsonBytes, 'manifest').toString('utf8');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw fail('bad-manifest', `${file} is not JSON: ${(err as Error).message}`, file);
  }
  const m = (doc ?? {}) as Record<string, unknown>;
  for (const k of ['version', 'clsid', 'startupHook'] as const) {
    if (typeof m[k] !== 'string' || m[k] === '') throw fail('bad-manifest', `${file} has no "${k}" string`, file);
  }
  if (!/^\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}$/.test(m.clsid as string)) {
    throw fail('bad-manifest', `${file}: clsid ${quoteValue(m.clsid)} is not a braced GUID`, file);
  }
  return { version: m.version as string, clsid: m.clsid as string, startupHook: m.startupHook as string };
}

/** Checks the native library exists and is an ELF shared object for `arch`. */
function checkNative(file: string, arch: Arch): void {
  let head: Buffer;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      head = Buffer.alloc(20);
      fs.readSync(fd, head, 0, 20, 0);
    } finally {
      fs.closeSync(fd);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw fail('profiler-incomplete', `the native profiler ${file} is missing`, file);
    throw fileError(err, file);
  }
  const elf = head.readUInt32BE(0) === 0x7f454c46 && head[4] === 2 && head[5] === 1;
  const machine = elf ? head.readUInt16LE(18) : -1;
  if (machine !== ELF_MACHINE[arch]) {
    throw fail('native-wrong-arch', `the native profiler ${file} is not a 64-bit ELF library for ${arch}${elf ? ` (ELF machine ${machine})` : ''}`, file, `use the ${arch} layer or release on this machine`);
  }
}

function layerTree(dir: string, arch: Arch, temporary?: string): ProfilerTree {
  const home = isDir(path.join(dir, 'profiler')) ? path.join(dir, 'profiler') : dir;
  const m = readManifest(path.join(home, 'manifest.json'));
  const tree: ProfilerTree = {
    home,
    native: path.join(home, 'native', 'libnet_profiler.so'),
    clsid: m.clsid,
    startupHook: m.startupHook,
    version: m.version,
    settings: path.join(home, 'settings', 'lambda', 'settings.yaml'),
    agentDir: (r) => path.join(home, 'agent', RUNTIME_AGENT_FOLDER[r]),
    ...(temporary ? { temporary } : {}),
  };
  return tree;
}

function releaseTree(dir: string, arch: Arch): ProfilerTree {
  const m = readManifest(path.join(dir, 'manifest.json'));
  return {
    home: dir,
    native: path.join(dir, 'native', `linux-${arch}`, 'libnet_profiler.so'),
    clsid: m.clsid,
    startupHook: m.startupHook,
    version: m.version,
    settings: path.join(dir, 'settings', 'lambda', 'settings.yaml'),
    agentDir: (r) => path.join(dir, 'agent', RUNTIME_AGENT_FOLDER[r]),
  };
}

/** Checks the pieces the wrapper needs for `runtime` are there (native library, agent, hook). */
export function checkTree(tree: ProfilerTree, runtime: Runtime, arch: Arch): void {
  checkNative(tree.native, arch);
  const agent = tree.agentDir(runtime);
  const hook = path.join(agent, tree.startupHook);
  if (!isDir(agent)) throw fail('profiler-incomplete', `there is no agent for ${runtime}: ${agent} is missing`, agent, `build the layer for ${runtime}, or pass --runtime`);
  if (!fs.existsSync(hook)) throw fail('profiler-incomplete', `the startup hook ${hook} is missing`, hook);
}

/** Which one of the three sources was given; refuses none or several. */
export function sourceKind(source: ProfilerSource): 'release' | 'layer' | 'layerDir' {
  const given = (['release', 'layer', 'layerDir'] as const).filter((k) => source[k] !== undefined);
  const flag = { release: 'release', layer: 'layer', layerDir: 'layer-dir' } as const;
  if (given.length !== 1) {
    throw badArgument(given[1] ? flag[given[1]] : 'release', given.length === 0 ? 'give the profiler with --release DIR, --layer ZIP or --layer-dir DIR' : `--${flag[given[0]!]} and --${flag[given[1]!]} exclude each other`);
  }
  return given[0]!;
}

/**
 * Finds the profiler's files for this machine. A layer ZIP is unpacked (with every
 * check of the layer's ZIP reader) into a new temporary folder, named in `temporary`;
 * the caller removes it.
 */
export async function openProfiler(source: ProfilerSource, arch: Arch): Promise<ProfilerTree> {
  const kind = sourceKind(source);
  if (kind === 'release') {
    const dir = source.release!;
    if (!isDir(dir)) throw fail('profiler-incomplete', `the release ${dir} is not a folder`, dir);
    return releaseTree(dir, arch);
  }
  if (kind === 'layerDir') {
    const dir = source.layerDir!;
    if (!isDir(dir)) throw fail('profiler-incomplete', `the layer folder ${dir} is not a folder`, dir, 'unpack the layer ZIP with `net-profiler layer unpack ZIP DIR` first');
    return layerTree(dir, arch);
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'net-profiler-run-layer-'));
  try {
    const dir = path.join(tmp, 'layer');
    await unpackZip(source.layer!, dir);
    return layerTree(dir, arch, tmp);
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}
