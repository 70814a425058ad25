/**
 * Checks of a profiler release tree and of a layer's contents (docs/layer.md, "Release
 * inputs" and "The layer ZIP"): manifest fields, ELF header of the native library, PE/CLI
 * headers of the assemblies, settings, and the walk of a folder with its symbolic links.
 * The product's constants (runtimes, agent folders, ELF machines, Lambda's limits) come
 * from lib/constants.ts.
 * @packageDocumentation
 */
import * as fs from 'fs';
import * as path from 'path';
import { Arch, ELF_MACHINE, INPUT_CAPS, LAMBDA_LIMITS, Runtime } from '../constants';
import { fileError, NetProfilerError } from '../errors';
import { readFileCappedSync } from '../files';
import { layerNative } from './native';
import type { LayerProblem } from './problems';
import { checkLayerSettings } from './settings-check';

/** Layer architecture, as in file names: the product's {@link Arch}. */
export type LayerArch = Arch;
/** Lambda .NET runtime: the product's {@link Runtime}. */
export type LayerRuntime = Runtime;

/** Lambda's limit for a function and its layers, unzipped (`LAMBDA_LIMITS.unzippedBytes`). */
export const LAMBDA_UNZIPPED_LIMIT: number = LAMBDA_LIMITS.unzippedBytes;

/** The release manifest (`manifest.json`). */
export interface ReleaseManifest {
  /** Profiler version (semver). */
  version: string;
  /** CLSID of the CLR profiler, braced GUID. */
  clsid: string;
  /** File name of the startup hook assembly. */
  startupHook: string;
  /** Other fields, kept as they are. */
  [key: string]: unknown;
}

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
const GUID = /^\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}$/;
const HOOK = /^[A-Za-z0-9][A-Za-z0-9._-]*\.dll$/;

/** A manifest value in a message: JSON, cut to a short prefix (a manifest may hold anything). */
function quoteJson(v: unknown): string {
  const s = v === undefined ? 'undefined' : JSON.stringify(v);
  return s.length <= 60 ? s : `${s.slice(0, 60)}… (${s.length} characters)`;
}

/** What {@link checkManifest} found: the manifest when all of it checks, else the fields that do. */
export interface ManifestCheck {
  /** The manifest, when every field checks. */
  manifest?: ReleaseManifest;
  /** The manifest as parsed (an object), even when some fields do not check. */
  fields?: Record<string, unknown>;
  /** The startup hook's file name, when that field checks (other checks may still use it). */
  startupHook?: string;
}

/**
 * Reads an input of the release or layer with its cap enforced while reading; a file
 * over the cap is a problem of the release (`input-too-large`, reported with the
 * others), not a failure of the check.
 * @param what - what the file is (`manifest`, `settings file`, `native library`, …)
 * @throws NetProfilerError `fs-*` naming `shown` when it cannot be read
 */
export function readInput(abs: string, shown: string, cap: number, what: string, problems: LayerProblem[]): Buffer | undefined {
  try {
    return readFileCappedSync(abs, cap, what);
  } catch (err) {
    if (err instanceof NetProfilerError && err.code === 'input-too-large') {
      problems.push({ code: 'input-too-large', severity: 'error', file: shown, message: `larger than ${cap} bytes, the most a ${what} may hold`, fix: `give a ${what} of at most ${cap} bytes` });
      return undefined;
    }
    throw fileError(err, shown, 'read');
  }
}

/** {@link readInput} for a manifest (the JSON input cap). */
export function readManifestBytes(abs: string, shown: string, problems: LayerProblem[]): Buffer | undefined {
  return readInput(abs, shown, INPUT_CAPS.jsonBytes, 'manifest', problems);
}

/** Checks the manifest's fields, reporting every fault at once. */
export function checkManifest(bytes: Uint8Array, file: string, problems: LayerProblem[]): ManifestCheck {
  let m: unknown;
  try {
    m = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    problems.push({ code: 'manifest-invalid', severity: 'error', file, message: `not valid JSON: ${(err as Error).message}` });
    return {};
  }
  if (typeof m !== 'object' || m === null || Array.isArray(m)) {
    problems.push({ code: 'manifest-invalid', severity: 'error', file, message: 'must be a JSON object with version, clsid and startupHook' });
    return {};
  }
  const o = m as Record<string, unknown>;
  let ok = true;
  if (typeof o.version !== 'string' || !SEMVER.test(o.version)) {
    problems.push({ code: 'bad-version', severity: 'error', file, message: `version ${quoteJson(o.version)} is not a semantic version`, fix: 'use a version such as "1.4.0"' });
    ok = false;
  }
  if (typeof o.clsid !== 'string' || !GUID.test(o.clsid)) {
    problems.push({ code: 'bad-clsid', severity: 'error', file, message: `clsid ${quoteJson(o.clsid)} is not a braced GUID`, fix: 'use the form "{9E2B38F2-7355-4C61-A54F-434B7AC266C0}"' });
    ok = false;
  }
  const hookOk = typeof o.startupHook === 'string' && HOOK.test(o.startupHook);
  if (!hookOk) {
    problems.push({ code: 'bad-startup-hook', severity: 'error', file, message: `startupHook ${quoteJson(o.startupHook)} is not a .dll file name`, fix: 'name the startup hook assembly, such as "NetProfiler.Agent.StartupHook.dll"' });
    ok = false;
  }
  return { fields: o, ...(hookOk ? { startupHook: o.startupHook as string } : {}), ...(ok ? { manifest: o as ReleaseManifest } : {}) };
}

/**
 * Checks the native library's ELF header against the layer's arch (`undefined`: the arch
 * is not known, every check but the machine).
 */
export function checkNativeLibrary(bytes: Uint8Array, file: string, arch: LayerArch | undefined, problems: LayerProblem[]): void {
  const [info] = layerNative().releaseInspect([bytes]);
  const elf = info!.elf;
  const err = (code: string, message: string): void => {
    problems.push({ code, severity: 'error', file, message, fix: arch ? `use the linux-${arch} build of libnet_profiler.so` : 'use the linux-arm64 or linux-x64 build of libnet_profiler.so' });
  };
  if (!elf.elf) return err('native-not-elf', 'the native profiler is not an ELF file');
  if (elf.elfClass !== 2) return err('native-not-64bit', `the native profiler is a ${elf.elfClass === 1 ? '32-bit' : 'unknown-class'} ELF file, not 64-bit`);
  if (elf.endian !== 1) return err('native-not-little-endian', 'the native profiler is not little-endian');
  if (elf.type !== 3) return err('native-not-shared-object', `the native profiler is not a shared object (ELF type ${elf.type}, want ET_DYN = 3)`);
  if (arch !== undefined && elf.machine !== ELF_MACHINE[arch]) {
    const builtFor = (Object.keys(ELF_MACHINE) as LayerArch[]).find((a) => ELF_MACHINE[a] === elf.machine);
    return err('native-wrong-machine', `the native profiler is built for ${builtFor ?? 'another machine'} (ELF machine ${elf.machine}), but the layer is ${arch}`);
  }
}

/** Warns about each `.dll` that is not a PE file with a CLI header. */
export function checkAssemblies(files: { file: string; bytes: Uint8Array }[], problems: LayerProblem[]): void {
  if (files.length === 0) return;
  const infos = layerNative().releaseInspect(files.map((f) => f.bytes));
  infos.forEach((info, i) => {
    if (!info.pe.cli) {
      problems.push({
        code: 'not-cli-assembly',
        severity: 'warning',
        file: files[i]!.file,
        message: `not a .NET assembly: ${info.pe.pe ? 'PE file without a CLI header' : 'not a PE file'} (${info.pe.reason})`,
      });
    }
  });
}

/** Adds the settings checker's findings as problems of `file`. */
export function checkSettingsFile(bytes: Uint8Array, file: string, runtimes: readonly LayerRuntime[], problems: LayerProblem[]): void {
  for (const d of checkLayerSettings(bytes, file, runtimes)) {
    problems.push({
      code: d.code,
      severity: d.severity,
      file,
      message: d.message,
      line: d.line,
      column: d.column,
      path: d.path,
      ...(d.fix ? { fix: d.fix } : {}),
    });
  }
}

/** A regular file found in a tree (symbolic links inside the tree followed). */
export interface TreeFile {
  /** Path relative to the tree's root, `/`-separated. */
  rel: string;
  /** Absolute path to read. */
  abs: string;
  /** Size in bytes. */
  size: number;
}

/** A walk of a folder: its files and sub-folders, sorted; links out of it reported. */
export interface Tree {
  /** The regular files, sorted by path. */
  files: TreeFile[];
  /** The folders (relative, `/`-separated, without a trailing `/`), parents first. */
  dirs: string[];
}

/** A file-system call whose failure names the file. */
function fsDo<T>(shown: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw fileError(err, shown, 'read');
  }
}

/**
 * Walks `root`, following symbolic links that stay inside it and reporting those that
 * point outside it (or nowhere) as errors.
 * @param what - what the root is, for messages (`the release`, `the package's layer/ folder`)
 * @throws NetProfilerError `fs-*` naming the file or folder that cannot be read
 */
export function walkTree(root: string, problems: LayerProblem[], what = 'the release'): Tree {
  const tree: Tree = { files: [], dirs: [] };
  const realWithin = fsDo(root, () => fs.realpathSync(root));
  const seen = new Set<string>([realWithin]);
  const visit = (abs: string, rel: string, shownPath: string) => {
    for (const name of fsDo(shownPath, () => fs.readdirSync(abs)).sort()) {
      const a = path.join(abs, name);
      const r = rel ? `${rel}/${name}` : name;
      const s = path.join(shownPath, name);
      let st = fsDo(s, () => fs.lstatSync(a));
      if (st.isSymbolicLink()) {
        let real: string;
        try {
          real = fs.realpathSync(a);
        } catch {
          problems.push({ code: 'symlink-broken', severity: 'error', file: s, message: `symbolic link to ${fsDo(s, () => fs.readlinkSync(a))} points nowhere`, fix: 'remove the link or make it point at a file inside the folder' });
          continue;
        }
        if (real !== realWithin && !real.startsWith(realWithin + path.sep)) {
          problems.push({
            code: 'symlink-outside',
            severity: 'error',
            file: s,
            message: `symbolic link points outside ${what}, to ${real}`,
            fix: `copy the file into ${what} instead of linking to it`,
          });
          continue;
        }
        st = fsDo(s, () => fs.statSync(a));
      }
      if (st.isDirectory()) {
        const real = fsDo(s, () => fs.realpathSync(a));
        if (seen.has(real)) continue; // a link loop inside the tree
        seen.add(real);
        tree.dirs.push(r);
        visit(a, r, s);
      } else if (st.isFile()) {
        tree.files.push({ rel: r, abs: a, size: st.size });
      } else {
        problems.push({ code: 'not-a-file', severity: 'error', file: s, message: 'neither a regular file nor a folder (a FIFO, socket or device)', fix: 'remove it or replace it by a regular file' });
      }
    }
  };
  visit(root, '', root);
  return tree;
}
