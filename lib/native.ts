/**
 * Loads the native addon: the prebuilt binary for this platform from `prebuilds/`, or a
 * local build from `build/Release`. Each capability declares the functions it uses with
 * its own interface and calls {@link loadNative} once.
 * @packageDocumentation
 */
import * as fs from 'fs';
import * as path from 'path';
import { NetProfilerError } from './errors';

/** Functions every build of the addon has. */
export interface NativeBase {
  /** Hash of the native sources the binary was built from (see scripts/source-hash.js). */
  readonly sourceHash: string;
  /** The N-API version the addon was built for. */
  readonly abi: number;
  /** CRC-32C (Castagnoli) of `data`, continuing from `initial` (default 0). */
  crc32c(data: Uint8Array, initial?: number): number;
  /** Which CRC-32C implementation this CPU uses: `sse4.2`, `armv8-crc` or `portable`. */
  readonly crc32cImplementation: string;
}

let cached: unknown;

/** The package root (where binding.gyp and prebuilds/ are). */
export const packageRoot: string = path.resolve(__dirname, '..');

/**
 * Returns the addon, typed as `T` (a capability's own view of it).
 * @throws NetProfilerError `native-addon-missing` naming the platform, arch and Node
 *   version looked for, and how to build from source.
 */
export function loadNative<T extends object = NativeBase>(): T & NativeBase {
  if (cached === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      cached = loadAddon();
    } catch (err) {
      const libc = detectLibc();
      throw new NetProfilerError(
        'native-addon-missing',
        `net-profiler has no native addon for ${process.platform}-${process.arch} (${libc}, Node ${process.version}, ` +
          `N-API ${process.versions.napi}); looked in ${path.join(packageRoot, 'prebuilds')} and ${path.join(packageRoot, 'build/Release')}: ` +
          `${(err as Error).message.split('\n')[0]}`,
        {
          kind: 'outside',
          fix:
            'build it from source: `npm install --build-from-source net-profiler` ' +
            '(needs python3, make, a C++17 compiler and a static libdeflate: `apt-get install libdeflate-dev` or `apk add libdeflate-dev libdeflate-static`)',
          cause: err,
        },
      );
    }
  }
  return cached as T & NativeBase;
}

/**
 * The committed prebuild for this platform by its exact path (what node-gyp-build would
 * pick, without its directory scan: part of every command's start), unless a local build
 * in build/ exists, which node-gyp-build prefers.
 */
function loadAddon(): unknown {
  const prebuilt = path.join(packageRoot, 'prebuilds', `${process.platform}-${process.arch}`, 'net-profiler.node');
  if (!fs.existsSync(path.join(packageRoot, 'build')) && fs.existsSync(prebuilt)) return require(prebuilt);
  const load = require('node-gyp-build') as (dir: string) => unknown;
  return load(packageRoot);
}

function detectLibc(): string {
  const report = process.report.getReport() as { header?: { glibcVersionRuntime?: string } };
  return report.header?.glibcVersionRuntime ? `glibc ${report.header.glibcVersionRuntime}` : 'musl or another libc';
}

/**
 * CRC-32C (Castagnoli) of `data`, hardware-accelerated where the CPU supports it.
 * @param data - the bytes to checksum
 * @param initial - a previous CRC to continue from (default 0)
 * @returns the CRC as an unsigned 32-bit number
 */
export function crc32c(data: Uint8Array, initial = 0): number {
  if (!(data instanceof Uint8Array)) throw new TypeError('crc32c: data must be a Buffer or Uint8Array');
  return loadNative().crc32c(data, initial);
}
