/**
 * net-profiler/layer: build the profiler's Lambda layer and its download package,
 * rebuild it after editing, inspect any layer ZIP, unpack ZIPs safely, and read a ZIP's
 * directory from its tail bytes (for ranged downloads). The contract is docs/layer.md.
 *
 * This file is only the public surface: each function lives in the module of its job.
 * @packageDocumentation
 */
export { buildLayer } from './build';
export type { BuildLayerOptions, BuildLayerResult } from './build';
export { rebuildLayer } from './rebuild';
export type { RebuildLayerOptions, RebuildLayerResult } from './rebuild';
export { inspectLayer } from './inspect';
export type { InspectLayerResult, InspectEntry, InspectFinding } from './inspect';
export { unpackZip } from './unpack';
export type { UnpackResult } from './unpack';
export { layerNames, layerMode, wrapperScript, LAYER_PATHS } from './layout';
export type { BuildMessage, LayerProblem, LayerWritten } from './problems';
export { readZipDirectoryFromTail, writeZip, readCheckedZip, entryTime, DEFAULT_LEVEL } from './zip';
export type { ZipLimits, ZipDirectoryEntry, ZipSource, WriteZipOptions, WriteZipResult, CheckedZip } from './zip';
export { ZipRefusedError } from './errors';
export type { LayerErrorCode, LayerCheckCode, ZipRefusalCode } from './errors';
export { LAMBDA_UNZIPPED_LIMIT, walkTree } from './release';
export type { LayerArch, LayerRuntime, ReleaseManifest, Tree, TreeFile } from './release';
// The product's constants, re-exported under the names this module has always had.
export { RUNTIMES, RUNTIME_AGENT_FOLDER as TFM, ELF_MACHINE } from '../constants';
