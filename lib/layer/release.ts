/**
 * Checks of a profiler release tree and of a layer's contents (layer.md "Inputs" and
 * "Output 1"): manifest fields, ELF header of the native library, PE/CLI headers of the
 * assemblies, agent folders, settings, symbolic links.
 * @packageDocumentation
 */
import * as fs from 'fs';
import * as path from 'path';
import { layerNative } from './native';
import { checkLayerSettings } from './settings-check';

/** Layer architecture, as in file names. */
export type LayerArch = 'arm64' | 'x64';
/** Lambda .NET runtime. */
export type LayerRuntime = 'dotnet8' | 'dotnet10';

/** Every runtime, in the order layers list them. */
export const RUNTIMES: readonly LayerRuntime[] = ['dotnet8', 'dotnet10'];
/** Agent folder of each runtime. */
export const TFM: Readonly<Record<LayerRuntime, string>> = { dotnet8: 'net8.0', dotnet10: 'net10.0' };
/** ELF machine of each arch. */
export const ELF_MACHINE: Readonly<Record<LayerArch, number>> = { x64: 62, arm64: 183 };
/** Lambda's limit for a function and its layers, unzipped. */
export const LAMBDA_UNZIPPED_LIMIT = 262_144_000;

/** A problem found in a release or a layer. */
export interface LayerProblem {
  /** Stable code. */
  code: string;
  /** `error` refuses the build; `warning` does not. */
  severity: 'error' | 'warning';
  /** The file concerned (as the user would find it). */
  file: string;
  /** What is wrong. */
  message: string;
  /** 1-based line and column, where known (settings findings). */
  line?: number;
  column?: number;
  /** The settings key path, for settings findings. */
  path?: string;
  /** How to fix it. */
  fix?: string;
}

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

/** Checks the manifest's fields; returns the manifest when it can be used. */
export function checkManifest(bytes: Uint8Array, file: string, problems: LayerProblem[]): ReleaseManifest | undefined {
  let m: unknown;
  try {
    m = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    problems.push({ code: 'manifest-invalid', severity: 'error', file, message: `not valid JSON: ${(err as Error).message}` });
    return undefined;
  }
  if (typeof m !== 'object' || m === null || Array.isArray(m)) {
    problems.push({ code: 'manifest-invalid', severity: 'error', file, message: 'must be a JSON object with version, clsid and startupHook' });
    return undefined;
  }
  const o = m as Record<string, unknown>;
  let ok = true;
  if (typeof o.version !== 'string' || !SEMVER.test(o.version)) {
    problems.push({ code: 'bad-version', severity: 'error', file, message: `version ${JSON.stringify(o.version)} is not a semantic version`, fix: 'use a version such as "1.4.0"' });
    ok = false;
  }
  if (typeof o.clsid !== 'string' || !GUID.test(o.clsid)) {
    problems.push({ code: 'bad-clsid', severity: 'error', file, message: `clsid ${JSON.stringify(o.clsid)} is not a braced GUID`, fix: 'use the form "{9E2B38F2-7355-4C61-A54F-434B7AC266C0}"' });
    ok = false;
  }
  if (typeof o.startupHook !== 'string' || !HOOK.test(o.startupHook)) {
    problems.push({ code: 'bad-startup-hook', severity: 'error', file, message: `startupHook ${JSON.stringify(o.startupHook)} is not a .dll file name`, fix: 'name the startup hook assembly, such as "NetProfiler.Agent.StartupHook.dll"' });
    ok = false;
  }
  return ok ? (o as ReleaseManifest) : undefined;
}

/** Checks the native library's ELF header against the layer's arch. */
export function checkNativeLibrary(bytes: Uint8Array, file: string, arch: LayerArch, problems: LayerProblem[]): void {
  const [info] = layerNative().releaseInspect([bytes]);
  const elf = info!.elf;
  const err = (code: string, message: string): void => {
    problems.push({ code, severity: 'error', file, message, fix: `use the linux-${arch} build of libnet_profiler.so` });
  };
  if (!elf.elf) return err('native-not-elf', 'the native profiler is not an ELF file');
  if (elf.elfClass !== 2) return err('native-not-64bit', `the native profiler is a ${elf.elfClass === 1 ? '32-bit' : 'unknown-class'} ELF file, not 64-bit`);
  if (elf.endian !== 1) return err('native-not-little-endian', 'the native profiler is not little-endian');
  if (elf.type !== 3) return err('native-not-shared-object', `the native profiler is not a shared object (ELF type ${elf.type}, want ET_DYN = 3)`);
  if (elf.machine !== ELF_MACHINE[arch]) {
    const names: Record<number, string> = { 62: 'x86-64 (x64)', 183: 'AArch64 (arm64)', 3: 'i386', 40: 'ARM' };
    return err('native-wrong-machine', `the native profiler is built for ${names[elf.machine] ?? `ELF machine ${elf.machine}`}, but the layer is ${arch}`);
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
  files: TreeFile[];
  dirs: string[];
}

/**
 * Walks `root`, following symbolic links that stay inside `within` (default `root`) and
 * reporting those that point outside it (or nowhere) as errors.
 */
export function walkTree(root: string, problems: LayerProblem[], within: string = root, shown: string = root): Tree {
  const tree: Tree = { files: [], dirs: [] };
  const realWithin = fs.realpathSync(within);
  const seen = new Set<string>([fs.realpathSync(root)]);
  const visit = (abs: string, rel: string, shownPath: string) => {
    for (const name of fs.readdirSync(abs).sort()) {
      const a = path.join(abs, name);
      const r = rel ? `${rel}/${name}` : name;
      const s = path.join(shownPath, name);
      let st = fs.lstatSync(a);
      if (st.isSymbolicLink()) {
        let real: string;
        try {
          real = fs.realpathSync(a);
        } catch {
          problems.push({ code: 'symlink-broken', severity: 'error', file: s, message: `symbolic link to ${fs.readlinkSync(a)} points nowhere` });
          continue;
        }
        if (real !== realWithin && !real.startsWith(realWithin + path.sep)) {
          problems.push({
            code: 'symlink-outside',
            severity: 'error',
            file: s,
            message: `symbolic link points outside the release, to ${real}`,
            fix: 'copy the file into the release instead of linking to it',
          });
          continue;
        }
        st = fs.statSync(a);
      }
      if (st.isDirectory()) {
        const real = fs.realpathSync(a);
        if (seen.has(real)) continue; // a link loop inside the tree
        seen.add(real);
        tree.dirs.push(r);
        visit(a, r, s);
      } else if (st.isFile()) {
        tree.files.push({ rel: r, abs: a, size: st.size });
      } else {
        problems.push({ code: 'not-a-file', severity: 'error', file: s, message: 'neither a regular file nor a folder' });
      }
    }
  };
  visit(root, '', shown);
  return tree;
}
