/**
 * The options and results of publish, instrument, uninstrument and status: the `--json`
 * documents of docs/lambda.md.
 * @packageDocumentation
 */
import type { Arch } from '../constants';
import type { AwsOptions } from './aws';
import type { LambdaWarning } from './plan';
import type { ListedVersion } from './read';

/** Options of `publishLayer`. */
export interface PublishOptions extends AwsOptions {
  /** The layer ZIP (from `layer build`). */
  zip: string;
  /** Layer name (letters, digits, `-`, `_`; up to 140) or its unversioned ARN. */
  layerName: string;
  /** Bucket for ZIPs above the direct-upload limit (50 MB). */
  s3Bucket?: string;
  /** Object key in `s3Bucket`; default `net-profiler/layers/NAME/SHA256.zip`. */
  s3Key?: string;
  /** The direct-upload limit in bytes; default `LAMBDA_LIMITS.directUploadBytes`. Tests lower it. */
  directUploadLimit?: number;
  /** Called with upload progress (bytes sent, total). */
  onProgress?: (sent: number, total: number) => void;
}

/** What `publishLayer` returns (the `publish --json` document plus details). */
export interface PublishResult {
  /** Always true (failures throw). */
  ok: true;
  /** The new version's ARN (`…:layer:NAME:7`). */
  layerVersionArn: string;
  /** The layer's ARN without version. */
  layerArn: string;
  /** The new version number. */
  version: number;
  /** Architecture, as in the layer's manifest. */
  arch: Arch;
  /** Runtimes, as in the layer's manifest. */
  runtimes: string[];
  /** How the ZIP went up. */
  uploadedVia: 'direct' | 's3';
  /** Where it went, for `s3`. */
  s3?: { bucket: string; key: string };
}

/** Options of `instrumentFunction`. Give `layerArn`, or `zip` with `layerName` (published first). */
export interface InstrumentOptions extends AwsOptions {
  /** Function name or ARN. */
  functionName: string;
  /** An already published layer version ARN. */
  layerArn?: string;
  /** A layer ZIP to publish first (with `layerName`). */
  zip?: string;
  /**
   * The layer name to publish `zip` under; without `zip` and `layerArn`: the layer to
   * attach, its newest version built for the function's architecture (or `layerVersion`).
   */
  layerName?: string;
  /** With `layerName` alone: this version instead of the newest. */
  layerVersion?: number;
  /** Versions of `layerName` already listed (shared by the functions of one region in a run of many). */
  versionCache?: Map<string, Promise<ListedVersion[]>>;
  /** Bucket for a `zip` above the direct-upload limit. */
  s3Bucket?: string;
  /**
   * Variables to set. Default: the `Variables` of `function-environment.json` beside
   * `zip` when there is one, else `PROFILER_VARIABLES`.
   */
  variables?: Record<string, string>;
  /** Plan only: check, print what would change, change nothing. */
  dryRun?: boolean;
  /** Replace someone else's `AWS_LAMBDA_EXEC_WRAPPER` (given back by uninstrument). */
  force?: boolean;
  /** Check the 250 MB unzipped limit by reading the ZIPs' directories; default true. */
  checkUnzippedSize?: boolean;
  /** For publishing a `zip`: see `PublishOptions.directUploadLimit`. */
  directUploadLimit?: number;
  /** For publishing a `zip`: upload progress (bytes sent, total). */
  onProgress?: (sent: number, total: number) => void;
  /** Show secret-looking variable values in the result and its messages; default masked. */
  showSecrets?: boolean;
}

/** What instrument and uninstrument return (the `--json` document of docs/lambda.md). */
export interface LambdaChangeResult {
  /** Always true (refusals and failures throw). */
  ok: true;
  /** True exactly when something on the function was changed (false for a dry run, and when it was already so). */
  applied: boolean;
  /** The function name. */
  function: string;
  /** Layer version ARNs before, in order. */
  layersBefore: string[];
  /** Layer version ARNs after, in order. */
  layersAfter: string[];
  /** Variables added: name → value (secret-looking values masked unless `showSecrets`). */
  variablesAdded: Record<string, string>;
  /** Variables changed: name → from/to (masked likewise). */
  variablesChanged: Record<string, { from: string; to: string }>;
  /** Variables taken out. */
  variablesRemoved: string[];
  /** Remarks (nothing wrong). */
  warnings: LambdaWarning[];
  /** The layer published first (`instrument` with a `zip`, not in a dry run). */
  published?: PublishResult;
}

/** Options of `uninstrumentFunction`. */
export interface UninstrumentOptions extends AwsOptions {
  /** Function name or ARN. */
  functionName: string;
  /** Plan only. */
  dryRun?: boolean;
  /** Show secret-looking variable values in the result and its messages; default masked. */
  showSecrets?: boolean;
}

/** Options of `functionStatus`. */
export interface StatusOptions extends AwsOptions {
  /** Function name or ARN. */
  functionName: string;
  /** Show secret-looking variable values in the record and the messages; default masked. */
  showSecrets?: boolean;
}

/** Something missing or mismatched on a function. */
export interface StatusProblem {
  /** Stable code: `layer-missing`, `layer-unreadable`, `wrapper-missing`, `wrapper-mismatch`, `wrapper-without-layer`, `variable-missing`, `variable-mismatch`, `architecture-mismatch`, `runtime-mismatch`, `unsupported-runtime`, `no-record`, `update-failed`. */
  code: string;
  /** For people. */
  message: string;
}

/** What `functionStatus` returns. */
export interface FunctionStatus {
  /** The function name. */
  function: string;
  /** The profiler layer is attached and its wrapper variable set. */
  instrumented: boolean;
  /** The function's runtime. */
  runtime: string | null;
  /** The function's architecture (Lambda's name). */
  architecture: string;
  /** The profiler layer attached, if any. */
  layer: { layerArn: string; layerVersionArn: string; version: number | null; position: number; architectures: string[]; runtimes: string[] } | null;
  /** True when instrument's record is on the function. */
  recorded: boolean;
  /** What the record says instrument set (name → value) and replaced (name → old value); secret-looking values masked unless `showSecrets`. */
  record: { set: Record<string, string>; was: Record<string, string> } | null;
  /** The function's `LastUpdateStatus`. */
  lastUpdateStatus: string | null;
  /** Every layer attached, in order. */
  layers: string[];
  /** What is missing or mismatched. Empty when all is well. */
  problems: StatusProblem[];
}
