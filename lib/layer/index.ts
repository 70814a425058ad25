/**
 * net-profiler/layer: build the profiler's Lambda layer and its download package,
 * rebuild it after editing, inspect any layer ZIP, unpack ZIPs safely, and read a ZIP's
 * directory from its tail bytes (for ranged downloads). See docs/layer.md.
 * @packageDocumentation
 */
export {
  buildLayer,
  rebuildLayer,
  inspectLayer,
  unpackZip,
  layerNames,
  layerMode,
  wrapperScript,
  LAYER_PATHS,
} from './layer';
export type {
  BuildLayerOptions,
  BuildLayerResult,
  BuildLayerRefusal,
  BuildMessage,
  RebuildLayerOptions,
  RebuildLayerResult,
  InspectLayerResult,
  InspectEntry,
  InspectFinding,
  UnpackResult,
} from './layer';
export { readZipDirectoryFromTail, writeZip, readCheckedZip, entryTime, ZipRefusedError } from './zip';
export type { ZipLimits, ZipDirectoryEntry, ZipSource, WriteZipOptions, WriteZipResult, CheckedZip } from './zip';
export { RUNTIMES, TFM, ELF_MACHINE, LAMBDA_UNZIPPED_LIMIT, walkTree } from './release';
export type { LayerArch, LayerRuntime, LayerProblem, ReleaseManifest, Tree, TreeFile } from './release';
