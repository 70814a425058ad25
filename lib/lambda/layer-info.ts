/**
 * What `lambda` needs to know about a layer ZIP on disk: its manifest (version, arch,
 * runtimes) and its unzipped size. Everything goes through {@link readLayerInfo} so the
 * reader behind it is one line to change.
 * @packageDocumentation
 */
import * as fs from 'fs';
import * as path from 'path';
import { ARCHES, type Arch, isArch, isRuntime, RUNTIMES, type Runtime } from '../constants';
import { fileError, NetProfilerError } from '../errors';
import { inspectLayer, readZipDirectoryFromTail } from '../layer';
import { lambdaError, type LambdaErrorCode } from './errors';

/** The facts about a layer ZIP that publishing and attaching need. */
export interface LayerInfo {
  /** The profiler release version from `profiler/manifest.json`. */
  version: string;
  /** The architecture the layer was built for. */
  arch: Arch;
  /** The runtimes it was built for. */
  runtimes: Runtime[];
  /** Sum of the entries' uncompressed sizes. */
  unzippedBytes: number;
  /** Size of the ZIP file in bytes. */
  zipBytes: number;
}

/** A ZIP's central directory read from the bytes at its end. */
export interface ZipDirectory {
  /** The entries' paths and sizes. */
  entries: { path: string; size: number; compressedSize: number }[];
  /** Sum of the uncompressed sizes. */
  unzippedBytes: number;
}

/**
 * Reads the layer ZIP at `zipPath` and returns its manifest facts. The one place that
 * reads layer ZIPs: it uses `inspectLayer` of `net-profiler/layer` (the hostile-ZIP
 * rules apply, and the layer must be valid).
 * @throws NetProfilerError `invalid-layer` (refused) when it is not a valid profiler
 *   layer, a ZIP refusal for a ZIP that cannot be read safely, or an `fs-…` error
 *   (outside) when the file cannot be read.
 */
export async function readLayerInfo(zipPath: string): Promise<LayerInfo> {
  let zipBytes: number;
  try {
    const st = await fs.promises.stat(zipPath);
    // A folder is refused here; a device or a pipe goes to the ZIP reader, which caps what it reads.
    if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    zipBytes = st.size;
  } catch (err) {
    throw fileError(err, zipPath);
  }
  const r = await inspectLayer(zipPath);
  const inner = packagedLayer(r.entries.map((e) => e.path));
  if (inner) {
    throw invalid(
      zipPath,
      `is the layer package (what a user downloads, with deploy-layer.sh and the layer unpacked), not the layer ZIP`,
      `publish the layer ZIP: ${inner} inside this package, which \`layer build\` also wrote beside it as ${path.join(path.dirname(zipPath), path.basename(inner))}`,
    );
  }
  const errors = r.findings.filter((f) => f.severity === 'error');
  if (!r.layer.valid || errors.length > 0) {
    const list = errors.slice(0, 3).map((f) => `${f.code}${f.path ? ` (${f.path})` : ''}: ${f.message}`).join('; ');
    throw invalid(zipPath, `is not a valid net_profiler_rust layer: ${list}${errors.length > 3 ? `; and ${errors.length - 3} more` : ''}`);
  }
  return layerInfoFromManifest(r.layer, zipPath, { unzippedBytes: r.layer.unzippedBytes, zipBytes });
}

/** Checks a layer manifest's facts and returns them. */
export function layerInfoFromManifest(
  manifest: unknown,
  zipPath: string,
  sizes: { unzippedBytes: number; zipBytes: number },
): LayerInfo {
  const m = manifest as { version?: unknown; arch?: unknown; runtimes?: unknown };
  if (typeof m !== 'object' || m === null) throw invalid(zipPath, 'profiler/manifest.json is not an object');
  if (!isArch(m.arch)) {
    throw invalid(zipPath, `profiler/manifest.json has arch ${JSON.stringify(m.arch).slice(0, 40)}; expected one of ${ARCHES.join(', ')}`);
  }
  const runtimes = m.runtimes;
  if (!Array.isArray(runtimes) || runtimes.length === 0 || !runtimes.every(isRuntime)) {
    throw invalid(zipPath, `profiler/manifest.json has runtimes ${JSON.stringify(runtimes).slice(0, 80)}; expected a list of ${RUNTIMES.join(', ')}`);
  }
  if (typeof m.version !== 'string' || m.version === '') throw invalid(zipPath, 'profiler/manifest.json has no version');
  return {
    version: m.version,
    arch: m.arch,
    runtimes: [...new Set(runtimes as Runtime[])],
    unzippedBytes: sizes.unzippedBytes,
    zipBytes: sizes.zipBytes,
  };
}

function invalid(zipPath: string, why: string, fix?: string): NetProfilerError<LambdaErrorCode> {
  return lambdaError('invalid-layer', `${zipPath} ${why}`, {
    file: zipPath,
    fix: fix ?? 'build the layer with `net-profiler layer build` (or `layer rebuild` after editing layer/)',
  });
}

/**
 * The path of the layer ZIP inside a layer package (`NAME/NAME.zip` beside
 * `NAME/deploy-layer.sh`), or undefined when `entries` are not a package's.
 */
export function packagedLayer(entries: string[]): string | undefined {
  const names = new Set(entries);
  for (const e of entries) {
    const m = /^([^/]+)\/\1\.zip$/.exec(e);
    if (m && (names.has(`${m[1]}/deploy-layer.sh`) || names.has(`${m[1]}/function-environment.json`))) return e;
  }
  return undefined;
}

/**
 * Reads a ZIP's central directory from the last bytes of the file (`tail`, which ends
 * at the end of a file of `fileSize` bytes): `readZipDirectoryFromTail` of
 * `net-profiler/layer`, without its size caps (the sizes are what is being measured).
 */
export function zipDirectoryFromTail(tail: Uint8Array, fileSize: number): ZipDirectory | { needBytesFrom: number } {
  const r = readZipDirectoryFromTail(tail, fileSize, { maxUnzippedBytes: Number.MAX_SAFE_INTEGER, maxRatio: 1e15 });
  if ('needBytesFrom' in r) return { needBytesFrom: r.needBytesFrom };
  return { entries: r.entries.map(({ path, size, compressedSize }) => ({ path, size, compressedSize })), unzippedBytes: r.unzippedBytes };
}
