/**
 * The checks of a layer's contents, the same whether the layer is a ZIP (`inspect`) or
 * the `layer/` folder of a package (`rebuild`): wrapper, manifest with arch and
 * runtimes, native library against the arch, agents and startup hook, settings, modes,
 * size. Every fault is reported in one pass: a bad field of the manifest does not hide
 * the checks that do not need it.
 * @packageDocumentation
 */
import { isArch, isRuntime, RUNTIMES } from '../constants';
import { LAYER_PATHS, layerMode } from './layout';
import type { LayerProblem } from './problems';
import { checkAssemblies, checkManifest, checkNativeLibrary, checkSettingsFile, LAMBDA_UNZIPPED_LIMIT, LayerArch, LayerRuntime, ReleaseManifest } from './release';

/** One entry of a {@link LayerView}. */
export interface LayerViewEntry {
  /** A folder (its name ends with `/`). */
  dir: boolean;
  /** Permission bits. */
  mode: number;
  /** Unzipped size in bytes. */
  size: number;
}

/** A layer's files seen from a ZIP or a folder. */
export interface LayerView {
  /** Entries by name (directories end with `/`). */
  entries: Map<string, LayerViewEntry>;
  /** Reads files by name, in one batch (a file over its cap comes back undefined, reported as a problem). */
  read(names: string[], problems: LayerProblem[]): Promise<(Buffer | undefined)[]>;
  /** How to show an entry's name in a finding. */
  show(name: string): string;
}

/** What a layer's manifest says, as far as it checks. */
export interface ManifestFacts {
  /** The version, when the manifest checks. */
  version?: string;
  /** The layer's architecture, when the manifest names a known one. */
  arch?: LayerArch;
  /** The runtimes, when the manifest lists known ones. */
  runtimes?: LayerRuntime[];
  /** The whole manifest, when every field checks. */
  manifest?: ReleaseManifest;
}

/**
 * Checks a layer's contents, pushing every problem found, and returns what its
 * manifest says.
 * @param unzippedBytes - the sum of the entries' sizes, checked against Lambda's limit
 */
export async function checkLayerContents(view: LayerView, problems: LayerProblem[], unzippedBytes: number): Promise<ManifestFacts> {
  const facts: ManifestFacts = {};
  const e = view.entries;
  const err = (code: string, name: string, message: string, fix?: string) =>
    problems.push({ code, severity: 'error', file: view.show(name), message, ...(fix ? { fix } : {}) });
  if (unzippedBytes > LAMBDA_UNZIPPED_LIMIT) {
    problems.push({ code: 'layer-too-large', severity: 'error', file: view.show(''), message: `the layer unzips to ${unzippedBytes} bytes, over Lambda's ${LAMBDA_UNZIPPED_LIMIT} for a function and its layers` });
  }
  const wrapper = e.get(LAYER_PATHS.wrapper);
  if (!wrapper || wrapper.dir) err('wrapper-missing', LAYER_PATHS.wrapper, 'the layer has no startup wrapper');
  else if (wrapper.mode !== 0o755) err('bad-mode', LAYER_PATHS.wrapper, `mode is ${wrapper.mode.toString(8)}, not 755: Lambda cannot execute the wrapper`);

  // The manifest: every field that checks is used below, whatever the others say.
  let startupHook: string | undefined;
  const mf = e.get(LAYER_PATHS.manifest);
  if (!mf || mf.dir) err('manifest-missing', LAYER_PATHS.manifest, 'the layer has no manifest');
  else {
    const [mbytes] = await view.read([LAYER_PATHS.manifest], problems);
    if (mbytes) {
      const m = checkManifest(mbytes, view.show(LAYER_PATHS.manifest), problems);
      startupHook = m.startupHook;
      if (m.manifest) {
        facts.manifest = m.manifest;
        facts.version = m.manifest.version;
      }
      if (m.fields) {
        const arch = m.fields.arch;
        if (isArch(arch)) facts.arch = arch;
        else err('manifest-bad-arch', LAYER_PATHS.manifest, `arch ${JSON.stringify(arch) ?? 'undefined'} is not arm64 or x64`, 'the layer build writes the arch into the manifest: rebuild the layer with `net-profiler layer build`');
        const rts = m.fields.runtimes;
        if (Array.isArray(rts) && rts.length > 0 && rts.every(isRuntime)) facts.runtimes = rts;
        else err('manifest-bad-runtimes', LAYER_PATHS.manifest, `runtimes ${JSON.stringify(rts) ?? 'undefined'} must be a non-empty list of ${RUNTIMES.join(' and ')}`);
      }
    }
  }

  const toRead: string[] = [];
  const nat = e.get(LAYER_PATHS.native);
  if (!nat || nat.dir) err('native-missing', LAYER_PATHS.native, 'the layer has no native profiler');
  else toRead.push(LAYER_PATHS.native);
  const st = e.get(LAYER_PATHS.settings);
  if (!st || st.dir) err('settings-missing', LAYER_PATHS.settings, 'the layer has no settings');
  else toRead.push(LAYER_PATHS.settings);
  for (const r of facts.runtimes ?? []) {
    const dir = LAYER_PATHS.agent(r);
    if (!e.has(`${dir}/`) && ![...e.keys()].some((k) => k.startsWith(`${dir}/`))) {
      err('agent-missing', `${dir}/`, `no agent folder for ${r}`);
      continue;
    }
    if (startupHook !== undefined && !e.has(`${dir}/${startupHook}`)) err('startup-hook-missing', `${dir}/${startupHook}`, `the agent for ${r} has no startup hook assembly ${startupHook}`);
  }
  const dlls: string[] = [];
  for (const [name, info] of e) {
    if (!info.dir && name.startsWith('profiler/agent/') && name.toLowerCase().endsWith('.dll')) dlls.push(name);
    if (name !== LAYER_PATHS.wrapper && name !== LAYER_PATHS.native && info.mode !== layerMode(name)) {
      problems.push({ code: 'unexpected-mode', severity: 'warning', file: view.show(name), message: `mode is ${info.mode.toString(8)}, the layer's own entries use ${layerMode(name).toString(8)}` });
    }
  }
  const data = await view.read([...toRead, ...dlls], problems);
  const at = (name: string) => data[[...toRead, ...dlls].indexOf(name)];
  const native = at(LAYER_PATHS.native);
  if (native) checkNativeLibrary(native, view.show(LAYER_PATHS.native), facts.arch, problems);
  const settings = at(LAYER_PATHS.settings);
  // Runtimes unknown (a bad manifest): the settings are checked for every runtime.
  if (settings) checkSettingsFile(settings, view.show(LAYER_PATHS.settings), facts.runtimes ?? RUNTIMES, problems);
  const assemblies = dlls.map((d) => ({ file: view.show(d), bytes: at(d) })).filter((a): a is { file: string; bytes: Buffer } => a.bytes !== undefined);
  checkAssemblies(assemblies, problems);
  return facts;
}
