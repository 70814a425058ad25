/**
 * net-profiler/lambda: publish the profiler layer, attach it to a .NET Lambda function
 * (`instrument`), take it out again exactly (`uninstrument`), and tell where a function
 * stands (`status`). Built on the AWS SDK for JavaScript v3 with the standard credential
 * chain, region and endpoint settings. The contract is docs/lambda.md.
 *
 * @example
 * ```ts
 * import { publishLayer, instrumentFunction } from 'net-profiler/lambda';
 * const layer = await publishLayer({ zip: 'profiler-lambda-layer-1.4.0-linux-arm64.zip', layerName: 'net-profiler' });
 * const result = await instrumentFunction({ functionName: 'lambda-profiler-demo', layerArn: layer.layerVersionArn });
 * console.log(result.layersAfter, result.variablesAdded);
 * ```
 * @packageDocumentation
 */
export type { Arch as LayerArch, Runtime as LayerRuntime } from '../constants';
export { LAMBDA_LIMITS } from '../constants';
export type { AwsOptions, RetryOptions } from './aws';
export { retryConflicts, retryStrategy, waitUpdated } from './aws';
export type { AwsErrorContext } from './aws-errors';
export { awsError, isThrottling } from './aws-errors';
export type { LambdaError, LambdaErrorCode, RefusalCode } from './errors';
export { LambdaRefusal, REFUSAL_CODES } from './errors';
export { instrumentFunction } from './instrument';
export type { LayerInfo, ZipDirectory } from './layer-info';
export { packagedLayer, readLayerInfo } from './layer-info';
export type { FunctionFacts, LambdaPlan, LambdaWarning, LayerFacts } from './plan';
export { environmentBytes, lambdaArch, planInstrument, planUninstrument, PROFILER_VARIABLES, RESERVED_VARIABLES, unversionedLayerArn, WRAPPER_VARIABLE } from './plan';
export { LAYER_DESCRIPTION_PREFIX, publishLayer } from './publish';
export type { ListedVersion } from './read';
export { listLayerVersions } from './read';
export type { InstrumentRecord } from './record';
export { decodeRecord, encodeRecord, RECORD_COUNT_TAG, RECORD_TAG_PREFIX } from './record';
export type { RemoteZipSize } from './size';
export { remoteZipSize } from './size';
export { functionStatus } from './status';
export type { FunctionStatus, InstrumentOptions, LambdaChangeResult, PublishOptions, PublishResult, StatusOptions, StatusProblem, UninstrumentOptions } from './types';
export { uninstrumentFunction } from './uninstrument';
export { checkEndpointUrl, checkFunctionName, checkLayerName, checkLayerVersionArn, checkRegion } from './validate';
export type { FleetOptions, FleetOutcome, FleetProgress, FleetReport, FleetResult, FleetSummary } from './fleet';
export { fleetExitCode, fleetTable, runFleet, wouldChange } from './fleet';
export { pickLayerVersion } from './instrument';
export type { ListedFunction } from './list';
export { listFunctions, listTable } from './list';
export type { ManyOptions, RegionPublishResult, UpgradeOptions } from './many';
export { functionStatuses, instrumentFunctions, publishToRegions, uninstrumentFunctions, upgradeFunctions } from './many';
export type { SelectedFunction, Selection } from './select';
export { checkSelection, isSingle, listRegionFunctions, selectFunctions } from './select';
