/**
 * `inspectLayer`: lists any ZIP that can be read safely and reports what makes it not a
 * valid layer as findings (docs/layer.md, "Inspecting"). It checks, so it returns its
 * findings and throws only when it cannot read the ZIP at all.
 * @packageDocumentation
 */
import { INPUT_CAPS } from '../constants';
import { checkLayerContents, LayerView } from './contents';
import { LAYER_PATHS } from './layout';
import type { LayerProblem } from './problems';
import type { LayerArch, LayerRuntime } from './release';
import { CheckedZip, extractEntries, readCheckedZip, ZipLimits } from './zip';
import type { NativeZipEntry } from './native';

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
 * The layer ZIP inside a layer package (`BASE/BASE.zip` beside `BASE/layer/…`), when
 * `names` are a package's entries rather than a layer's.
 */
export function packagedLayerZip(names: Iterable<string>): string | undefined {
  const all = new Set(names);
  if (all.has(LAYER_PATHS.wrapper) || all.has(LAYER_PATHS.manifest)) return undefined;
  for (const n of all) {
    const m = /^([^/]+)\/\1\.zip$/.exec(n);
    if (m && [...all].some((x) => x.startsWith(`${m[1]}/layer/`))) return n;
  }
  return undefined;
}

function viewOf(zip: CheckedZip, file: string): LayerView {
  const byName = new Map<string, NativeZipEntry>();
  for (const en of zip.directory.entries) byName.set(en.name.toString('utf8'), en);
  return {
    entries: new Map([...byName].map(([n, en]) => [n, { dir: en.dir, mode: en.mode, size: en.size }])),
    read: async (names, problems) => {
      // A manifest or settings file is held to its input cap like any other input.
      const caps = new Map<string, number>([[LAYER_PATHS.manifest, INPUT_CAPS.jsonBytes], [LAYER_PATHS.settings, INPUT_CAPS.settingsBytes]]);
      const ok = names.filter((n) => {
        const cap = caps.get(n);
        if (cap === undefined || byName.get(n)!.size <= cap) return true;
        problems.push({ code: 'input-too-large', severity: 'error', file: n, message: `unzips to ${byName.get(n)!.size} bytes, over the ${cap} a ${n === LAYER_PATHS.manifest ? 'manifest' : 'settings file'} may hold` });
        return false;
      });
      const data = await extractEntries(zip, ok.map((n) => byName.get(n)!), file);
      return names.map((n) => (ok.includes(n) ? data[ok.indexOf(n)] : undefined));
    },
    show: (name) => name,
  };
}

/**
 * Reads a layer ZIP (checked as hostile input, whole, with the ZIP input cap) and
 * reports its entries, its manifest and what makes it not a valid layer (findings; the
 * settings checked for the runtimes the manifest names; the unzipped size against
 * Lambda's 250 MB). A layer package given instead of the layer ZIP is said to be one,
 * naming the layer ZIP inside it.
 * @throws ZipRefusedError (exit 1 in the CLI) when the ZIP cannot be read safely,
 *   naming the entry; NetProfilerError `fs-…` or `input-too-large` when the file cannot
 *   be read
 */
export async function inspectLayer(zipPath: string, limits?: ZipLimits): Promise<InspectLayerResult> {
  const zip = await readCheckedZip(zipPath, limits);
  const names = zip.directory.entries.map((en) => en.name.toString('utf8'));
  const problems: LayerProblem[] = [];
  const inner = packagedLayerZip(names);
  let facts: { version?: string; arch?: LayerArch; runtimes?: LayerRuntime[] } = {};
  if (inner !== undefined) {
    problems.push({
      code: 'layer-package',
      severity: 'error',
      file: '',
      message: `this is a layer package (what a user downloads), not a layer ZIP; the layer ZIP is its entry ${inner}`,
      fix: `unpack the package (net-profiler layer unpack ${zipPath} DIR) and use DIR/${inner}`,
    });
  } else {
    facts = await checkLayerContents(viewOf(zip, zipPath), problems, zip.directory.unzippedBytes);
  }
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
    entries: zip.directory.entries.map((en, i) => ({
      path: names[i]!,
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
