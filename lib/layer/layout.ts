/**
 * The layout of the layer ZIP and of the layer package (docs/layer.md, "The layer ZIP"
 * and "The layer package"): where each piece sits, its mode, the file names, the
 * startup wrapper filled in from the manifest, and the `SHA256SUMS` file.
 * @packageDocumentation
 */
import { createHash } from 'crypto';
import * as path from 'path';
import { INPUT_CAPS, RUNTIME_AGENT_FOLDER } from '../constants';
import { readFileCappedSync } from '../files';
import { packageRoot } from '../native';
import type { LayerArch, LayerRuntime, ReleaseManifest } from './release';

/** Where the pieces sit inside the layer (root = /opt). */
export const LAYER_PATHS = {
  wrapper: 'profiler_wrapper',
  manifest: 'profiler/manifest.json',
  native: 'profiler/native/libnet_profiler.so',
  settings: 'profiler/settings/lambda/settings.yaml',
  agent: (r: LayerRuntime) => `profiler/agent/${RUNTIME_AGENT_FOLDER[r]}`,
} as const;

/** The files of the package folder besides the layer ZIP and `layer/`. */
export const PACKAGE_FILES = {
  environment: 'function-environment.json',
  deploy: 'deploy-layer.sh',
  sums: 'SHA256SUMS',
} as const;

/** Standard mode of a layer path (docs/layer.md, "The layer ZIP"). */
export function layerMode(name: string): number {
  if (name.endsWith('/')) return 0o755;
  if (name === LAYER_PATHS.wrapper || name === LAYER_PATHS.native) return 0o755;
  return 0o644;
}

/** Layer file names of a version and arch. */
export function layerNames(version: string, arch: LayerArch): { base: string; layerZip: string; packageZip: string } {
  const base = `profiler-lambda-layer-${version}-linux-${arch}`;
  return { base, layerZip: `${base}.zip`, packageZip: `${base}-package.zip` };
}

/** Reads one of the package's own assets (`assets/…`). */
function asset(name: string): Buffer {
  return readFileCappedSync(path.join(packageRoot, 'assets', name), INPUT_CAPS.settingsBytes, 'asset');
}

/** The startup wrapper with the manifest's values filled in. */
export function wrapperScript(manifest: ReleaseManifest, arch: LayerArch): Buffer {
  // The values were checked (semver, GUID, file name): none can hold a quote.
  return Buffer.from(
    asset('profiler_wrapper')
      .toString('utf8')
      .replace('@NP_VERSION@', manifest.version)
      .replace('@NP_ARCH@', arch)
      .replace('@NP_CLSID@', manifest.clsid)
      .replace('@NP_STARTUP_HOOK@', manifest.startupHook),
  );
}

/** `deploy-layer.sh` as the package holds it (the asset as it is). */
export function deployScript(): Buffer {
  return asset('deploy-layer.sh');
}

/** The layer's `profiler/manifest.json`: the release manifest plus arch and runtimes. */
export function layerManifest(manifest: ReleaseManifest, arch: LayerArch, runtimes: LayerRuntime[]): Buffer {
  return Buffer.from(JSON.stringify({ ...manifest, arch, runtimes }, null, 2) + '\n');
}

/** `function-environment.json` of the package. */
export const FUNCTION_ENVIRONMENT: Buffer = Buffer.from(JSON.stringify({ Variables: { AWS_LAMBDA_EXEC_WRAPPER: '/opt/profiler_wrapper' } }, null, 2) + '\n');

/** Every folder (`a/`, `a/b/`) the given entry names imply. */
export function dirsOf(names: Iterable<string>): string[] {
  const dirs = new Set<string>();
  for (const n of names) {
    const parts = n.replace(/\/$/, '').split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/') + '/');
  }
  return [...dirs];
}

/** SHA-256 of bytes, hex. */
export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** `sha256sum` lines for files (path → hex), sorted by path bytewise. */
export function sha256sums(sums: Map<string, string>): Buffer {
  const lines = [...sums.entries()].sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b))).map(([p, h]) => `${h}  ${p}\n`);
  return Buffer.from(lines.join(''));
}
