/**
 * net-profiler/lambda: publish the profiler layer, attach it to a .NET Lambda function
 * (`instrument`), take it out again exactly (`uninstrument`), and tell where a function
 * stands (`status`). Built on the AWS SDK for JavaScript v3 with the standard credential
 * chain, region and endpoint settings. The contract is the "Deploying" part of
 * `layer.md` and the `lambda` group of `cli.md`.
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
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Readable } from 'stream';
import {
  GetFunctionCommand,
  GetLayerVersionCommand,
  ListLayerVersionsCommand,
  PublishLayerVersionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateFunctionConfigurationCommand,
  type GetFunctionCommandOutput,
  type GetLayerVersionCommandOutput,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { fileError, NetProfilerError } from '../errors';
import { AwsOptions, awsError, lambdaClient, retryConflicts, s3Client, waitUpdated } from './aws';
import { LayerArch, LayerInfo, readLayerInfo } from './layer-info';
import {
  FunctionFacts,
  LAMBDA_LIMITS,
  LambdaPlan,
  LambdaRefusal,
  LambdaWarning,
  layerArnVersion,
  lambdaArch,
  planInstrument,
  planUninstrument,
  PROFILER_VARIABLES,
  unversionedLayerArn,
  WRAPPER_VARIABLE,
} from './plan';
import { decodeRecord, encodeRecord, InstrumentRecord, RECORD_TAG_PREFIX, recordTagKeys, TAGS_PER_FUNCTION_MAX } from './record';
import { remoteZipSize } from './size';

export type { AwsOptions, RetryOptions } from './aws';
export { awsError, retryConflicts, waitUpdated } from './aws';
export type { LayerArch, LayerInfo, LayerRuntime, ZipDirectory } from './layer-info';
export { readLayerInfo } from './layer-info';
export type { FunctionFacts, LambdaPlan, LambdaWarning, LayerFacts, RefusalCode } from './plan';
export {
  environmentBytes,
  LAMBDA_LIMITS,
  LambdaRefusal,
  lambdaArch,
  planInstrument,
  planUninstrument,
  PROFILER_VARIABLES,
  REFUSAL_CODES,
  RESERVED_VARIABLES,
  unversionedLayerArn,
  WRAPPER_VARIABLE,
} from './plan';
export type { InstrumentRecord } from './record';
export { decodeRecord, encodeRecord, RECORD_COUNT_TAG, RECORD_TAG_PREFIX } from './record';
export type { RemoteZipSize } from './size';
export { remoteZipSize } from './size';

/** Start of the description `publishLayer` gives a layer version; `status` recognises the profiler's layers by it. */
export const LAYER_DESCRIPTION_PREFIX = 'net_profiler_rust';

/** Options of {@link publishLayer}. */
export interface PublishOptions extends AwsOptions {
  /** The layer ZIP (from `layer build`). */
  zip: string;
  /** Layer name (letters, digits, `-`, `_`; up to 140) or its unversioned ARN. */
  layerName: string;
  /** Bucket for ZIPs above the direct-upload limit (50 MB). */
  s3Bucket?: string;
  /** Object key in `s3Bucket`; default `net-profiler/layers/NAME/SHA256.zip`. */
  s3Key?: string;
  /** The direct-upload limit in bytes; default {@link LAMBDA_LIMITS}.directUploadBytes. Tests lower it. */
  directUploadLimit?: number;
  /** Called with upload progress (bytes sent, total). */
  onProgress?: (sent: number, total: number) => void;
}

/** What {@link publishLayer} returns (the `publish --json` document plus details). */
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
  arch: LayerArch;
  /** Runtimes, as in the layer's manifest. */
  runtimes: string[];
  /** How the ZIP went up. */
  uploadedVia: 'direct' | 's3';
  /** Where it went, for `s3`. */
  s3?: { bucket: string; key: string };
}

/** Options of {@link instrumentFunction}. Give `layerArn`, or `zip` with `layerName` (published first). */
export interface InstrumentOptions extends AwsOptions {
  /** Function name or ARN. */
  functionName: string;
  /** An already published layer version ARN. */
  layerArn?: string;
  /** A layer ZIP to publish first (with `layerName`). */
  zip?: string;
  /** The layer name to publish `zip` under. */
  layerName?: string;
  /** Bucket for a `zip` above the direct-upload limit. */
  s3Bucket?: string;
  /**
   * Variables to set. Default: the `Variables` of `function-environment.json` beside
   * `zip` when there is one, else {@link PROFILER_VARIABLES}.
   */
  variables?: Record<string, string>;
  /** Plan only: check, print what would change, change nothing. */
  dryRun?: boolean;
  /** Replace someone else's `AWS_LAMBDA_EXEC_WRAPPER` (given back by uninstrument). */
  force?: boolean;
  /** Check the 250 MB unzipped limit by reading the ZIPs' directories; default true. */
  checkUnzippedSize?: boolean;
  /** For publishing a `zip`: see {@link PublishOptions.directUploadLimit}. */
  directUploadLimit?: number;
  /** For publishing a `zip`: upload progress (bytes sent, total). */
  onProgress?: (sent: number, total: number) => void;
}

/** What instrument and uninstrument return (the `--json` document of `cli.md`). */
export interface LambdaChangeResult {
  /** Always true (refusals and failures throw). */
  ok: true;
  /** False for a dry run: nothing was changed. */
  applied: boolean;
  /** The function name. */
  function: string;
  /** Layer version ARNs before, in order. */
  layersBefore: string[];
  /** Layer version ARNs after, in order. */
  layersAfter: string[];
  /** Variables added: name → value. */
  variablesAdded: Record<string, string>;
  /** Variables changed: name → from/to. */
  variablesChanged: Record<string, { from: string; to: string }>;
  /** Variables taken out. */
  variablesRemoved: string[];
  /** Remarks (nothing wrong). */
  warnings: LambdaWarning[];
  /** The layer published first (`instrument` with a `zip`, not in a dry run). */
  published?: PublishResult;
}

/** Options of {@link uninstrumentFunction}. */
export interface UninstrumentOptions extends AwsOptions {
  /** Function name or ARN. */
  functionName: string;
  /** Plan only. */
  dryRun?: boolean;
}

/** Options of {@link functionStatus}. */
export interface StatusOptions extends AwsOptions {
  /** Function name or ARN. */
  functionName: string;
}

/** Something missing or mismatched on a function. */
export interface StatusProblem {
  /** Stable code: `layer-missing`, `layer-unreadable`, `wrapper-missing`, `wrapper-mismatch`, `wrapper-without-layer`, `variable-missing`, `variable-mismatch`, `architecture-mismatch`, `runtime-mismatch`, `unsupported-runtime`, `no-record`, `update-failed`. */
  code: string;
  /** For people. */
  message: string;
}

/** What {@link functionStatus} returns. */
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
  /** What the record says instrument set (name → value) and replaced (name → old value). */
  record: { set: Record<string, string>; was: Record<string, string> } | null;
  /** The function's `LastUpdateStatus`. */
  lastUpdateStatus: string | null;
  /** Every layer attached, in order. */
  layers: string[];
  /** What is missing or mismatched. Empty when all is well. */
  problems: StatusProblem[];
}

function usage(message: string, fix?: string): NetProfilerError {
  return new NetProfilerError('bad-option', message, { kind: 'usage', ...(fix ? { fix } : {}) });
}

const LAYER_NAME = /^([a-zA-Z0-9_-]{1,140}|arn:[a-zA-Z0-9-]+:lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:\d{12}:layer:[a-zA-Z0-9_-]{1,140})$/;

function checkLayerName(name: string): void {
  if (!LAYER_NAME.test(name)) {
    throw usage(`layer name ${JSON.stringify(name)} is not valid`, 'use letters, digits, hyphens and underscores (up to 140), or the layer\'s ARN without a version');
  }
}

function publishedDescription(info: LayerInfo): string {
  return `${LAYER_DESCRIPTION_PREFIX} ${info.version} (${info.arch}; ${info.runtimes.join(', ')})`.slice(0, 256);
}

/**
 * Publishes the layer ZIP as a new layer version, with `CompatibleRuntimes` and
 * `CompatibleArchitectures` read from its manifest. Up to 50 MB it goes inline; above,
 * through `s3Bucket` (required then).
 * @throws NetProfilerError `invalid-layer` (refused) for a ZIP that is not a profiler
 *   layer, `s3-bucket-required` (refused) for a large ZIP without a bucket, outside
 *   errors for AWS failures.
 */
export async function publishLayer(options: PublishOptions): Promise<PublishResult> {
  checkLayerName(options.layerName);
  const info = await readLayerInfo(options.zip);
  return publishChecked(options, info);
}

async function publishChecked(options: PublishOptions, info: LayerInfo): Promise<PublishResult> {
  const limit = options.directUploadLimit ?? LAMBDA_LIMITS.directUploadBytes;
  if (info.zipBytes > limit && !options.s3Bucket) {
    throw new NetProfilerError(
      's3-bucket-required',
      `${options.zip} is ${info.zipBytes} bytes, above Lambda's ${limit}-byte limit for a direct upload; it must go through S3`,
      { kind: 'refused', file: options.zip, fix: 'name a bucket in the same region with --s3-bucket' },
    );
  }
  let bytes: Buffer;
  try {
    bytes = await fs.promises.readFile(options.zip);
  } catch (err) {
    throw fileError(err, options.zip);
  }
  const client = lambdaClient(options);
  const content: { ZipFile?: Uint8Array; S3Bucket?: string; S3Key?: string } = {};
  let s3: { bucket: string; key: string } | undefined;
  options.onProgress?.(0, bytes.length);
  if (info.zipBytes > limit) {
    const name = options.layerName.replace(/^.*:layer:/, '');
    const key = options.s3Key ?? `net-profiler/layers/${name}/${createHash('sha256').update(bytes).digest('hex')}.zip`;
    s3 = { bucket: options.s3Bucket!, key };
    try {
      // A stream of 1 MiB chunks, so progress follows what the SDK has sent.
      const total = bytes.length;
      const onProgress = options.onProgress;
      function* chunks(): Generator<Buffer> {
        for (let i = 0; i < total; i += 1 << 20) {
          onProgress?.(i, total);
          yield bytes.subarray(i, Math.min(total, i + (1 << 20)));
        }
      }
      await s3Client(options).send(
        new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: Readable.from(chunks(), { objectMode: false }), ContentLength: total, ContentType: 'application/zip' }),
      );
    } catch (err) {
      throw awsError(err, `uploading ${options.zip} to s3://${s3.bucket}/${key}`, 'No layer version was published.');
    }
    content.S3Bucket = s3.bucket;
    content.S3Key = key;
  } else {
    content.ZipFile = bytes;
  }
  let out;
  try {
    out = await client.send(
      new PublishLayerVersionCommand({
        LayerName: options.layerName,
        Description: publishedDescription(info),
        Content: content,
        CompatibleRuntimes: info.runtimes,
        CompatibleArchitectures: [lambdaArch(info.arch)],
      }),
    );
  } catch (err) {
    throw awsError(err, `publishing layer ${options.layerName}`, 'No layer version was published.');
  }
  options.onProgress?.(bytes.length, bytes.length);
  if (!out.LayerVersionArn || out.Version === undefined) {
    throw new NetProfilerError('aws-error', 'PublishLayerVersion answered without a LayerVersionArn', { kind: 'outside' });
  }
  return {
    ok: true,
    layerVersionArn: out.LayerVersionArn,
    layerArn: out.LayerArn ?? unversionedLayerArn(out.LayerVersionArn),
    version: out.Version,
    arch: info.arch,
    runtimes: info.runtimes,
    uploadedVia: s3 ? 's3' : 'direct',
    ...(s3 ? { s3 } : {}),
  };
}

async function getFunction(client: LambdaClient, functionName: string): Promise<GetFunctionCommandOutput> {
  try {
    return await client.send(new GetFunctionCommand({ FunctionName: functionName }));
  } catch (err) {
    const e = awsError(err, `reading the configuration of ${functionName}`, 'Nothing was changed.');
    if (e.code === 'not-found') {
      throw new NetProfilerError('function-not-found', `no function ${functionName} in this account and region`, {
        kind: 'outside',
        fix: 'check the name, --region and the credentials (AWS_PROFILE)',
        cause: err,
      });
    }
    throw e;
  }
}

function facts(out: GetFunctionCommandOutput, functionName: string): FunctionFacts {
  const c = out.Configuration ?? {};
  return {
    name: c.FunctionName ?? functionName,
    ...(c.PackageType ? { packageType: c.PackageType } : {}),
    ...(c.Runtime ? { runtime: c.Runtime } : {}),
    architecture: c.Architectures?.[0] ?? 'x86_64',
    layers: (c.Layers ?? []).map((l) => l.Arn ?? '').filter(Boolean),
    variables: { ...(c.Environment?.Variables ?? {}) },
  };
}

async function getLayerVersion(client: LambdaClient, layerVersionArn: string): Promise<GetLayerVersionCommandOutput> {
  const version = layerArnVersion(layerVersionArn);
  if (version === undefined) {
    throw usage(`${layerVersionArn} is not a layer version ARN`, 'give the ARN with its version number, for example arn:aws:lambda:eu-central-1:123456789012:layer:net-profiler:3');
  }
  try {
    // GetLayerVersion (name + number) rather than GetLayerVersionByArn: same answer, and emulators have it.
    return await client.send(new GetLayerVersionCommand({ LayerName: unversionedLayerArn(layerVersionArn), VersionNumber: version }));
  } catch (err) {
    const e = awsError(err, `reading layer version ${layerVersionArn}`, 'Nothing was changed.');
    if (e.code === 'not-found') {
      throw new NetProfilerError('layer-not-found', `no layer version ${layerVersionArn}`, { kind: 'outside', fix: 'publish it with `net-profiler lambda publish`, or check the ARN and region', cause: err });
    }
    throw e;
  }
}

function archOf(list: string[] | undefined): LayerArch | undefined {
  if (!list || list.length !== 1) return undefined;
  return list[0] === 'arm64' ? 'arm64' : list[0] === 'x86_64' ? 'x64' : undefined;
}

function functionEnvironmentBeside(zip: string): Record<string, string> | undefined {
  const file = path.join(path.dirname(zip), 'function-environment.json');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new NetProfilerError('bad-function-environment', `${file} is not valid JSON: ${(err as Error).message}`, { file, fix: 'restore it from the layer package' });
  }
  const vars = (doc as { Variables?: unknown })?.Variables;
  if (typeof vars !== 'object' || vars === null || Array.isArray(vars) || !Object.values(vars).every((v) => typeof v === 'string')) {
    throw new NetProfilerError('bad-function-environment', `${file} must be {"Variables": {"NAME": "value", …}} with string values`, { file, fix: 'restore it from the layer package' });
  }
  return { ...(vars as Record<string, string>) };
}

function arnParts(functionArn: string | undefined): { region: string; account: string } | undefined {
  const m = /^arn:[^:]+:lambda:([^:]+):(\d+):function:/.exec(functionArn ?? '');
  return m ? { region: m[1]!, account: m[2]! } : undefined;
}

/**
 * Sums the unzipped sizes of the function's code and of every layer in `layers` (the
 * new layer's known size is passed in `known`), reading only the ZIPs' directories.
 * Refuses `unzipped-too-large` above 250 MB; when some code cannot be read (an
 * emulator's locations, no permission), returns a warning instead.
 */
async function checkUnzipped(
  client: LambdaClient,
  fn: GetFunctionCommandOutput,
  layers: string[],
  known: Map<string, number>,
  name: string,
): Promise<LambdaWarning | undefined> {
  let total = 0;
  const parts: string[] = [];
  try {
    const codeUrl = fn.Code?.Location;
    if (!codeUrl) throw new NetProfilerError('download-failed', 'Lambda gave no code location for the function', { kind: 'outside' });
    const code = await remoteZipSize(codeUrl);
    total += code.unzippedBytes;
    parts.push(`function code ${code.unzippedBytes}`);
    for (const arn of layers) {
      let bytes = known.get(arn);
      if (bytes === undefined) {
        const lv = await getLayerVersion(client, arn);
        const url = lv.Content?.Location;
        if (!url) throw new NetProfilerError('download-failed', `Lambda gave no content location for ${arn}`, { kind: 'outside' });
        bytes = (await remoteZipSize(url)).unzippedBytes;
      }
      total += bytes;
      parts.push(`${arn.replace(/^.*:layer:/, '')} ${bytes}`);
    }
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return { code: 'size-not-checked', message: `the ${LAMBDA_LIMITS.unzippedBytes}-byte unzipped limit was not checked: ${why}` };
  }
  if (total > LAMBDA_LIMITS.unzippedBytes) {
    throw new LambdaRefusal(
      'unzipped-too-large',
      `${name}'s code and layers would take ${total} bytes unzipped (${parts.join(', ')}); Lambda allows ${LAMBDA_LIMITS.unzippedBytes}`,
      'make the function or one of its other layers smaller, or build the profiler layer for one runtime only (--runtime)',
    );
  }
  return undefined;
}

function resultOf(plan: LambdaPlan, fnName: string, applied: boolean, extra: LambdaWarning[] = []): LambdaChangeResult {
  return {
    ok: true,
    applied,
    function: fnName,
    layersBefore: plan.layersBefore,
    layersAfter: plan.layersAfter,
    variablesAdded: plan.variablesAdded,
    variablesChanged: plan.variablesChanged,
    variablesRemoved: plan.variablesRemoved,
    warnings: [...plan.warnings, ...extra],
  };
}

function changes(plan: LambdaPlan): boolean {
  return (
    plan.layersAfter.length !== plan.layersBefore.length ||
    plan.layersAfter.some((a, i) => a !== plan.layersBefore[i]) ||
    Object.keys(plan.variablesAdded).length > 0 ||
    Object.keys(plan.variablesChanged).length > 0 ||
    plan.variablesRemoved.length > 0
  );
}

function sameRecord(a: InstrumentRecord | undefined, b: InstrumentRecord | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Updates layers and variables in one call (never half of it), retrying conflicts, then waits for `Successful`. */
async function applyConfiguration(client: LambdaClient, functionArn: string, plan: LambdaPlan, options: AwsOptions): Promise<void> {
  const doing = `updating the configuration of ${functionArn}`;
  try {
    await retryConflicts(
      () =>
        client.send(
          new UpdateFunctionConfigurationCommand({
            FunctionName: functionArn,
            Layers: plan.layersAfter,
            Environment: { Variables: plan.variablesAfter },
          }),
        ),
      options.retry,
      doing,
    );
  } catch (err) {
    throw awsError(
      err,
      doing,
      `The update (layers and variables together, in one call) may not have been applied; \`net-profiler lambda status ${functionArn.replace(/^.*:function:/, '')}\` shows where the function stands, and running the command again completes it.`,
    );
  }
  try {
    await waitUpdated(client, functionArn, options.retry);
  } catch (err) {
    throw awsError(err, `waiting for ${functionArn} to finish updating`, 'The update was accepted by Lambda; `net-profiler lambda status` shows its result.');
  }
}

/**
 * Attaches the profiler layer to a function and merges its variables (`instrument`).
 * Reads the configuration, refuses (a {@link LambdaRefusal}, nothing changed) what
 * Lambda would reject or what would break the function, in the order of
 * {@link REFUSAL_CODES}; replaces an older version of the same layer in place; keeps every
 * other layer and every variable of the user's; records on the function (tags) what it
 * set and what it replaced; updates; and waits until `LastUpdateStatus` is `Successful`.
 * With `dryRun`, returns the plan and changes nothing (nothing is published either).
 */
export async function instrumentFunction(options: InstrumentOptions): Promise<LambdaChangeResult> {
  const { functionName } = options;
  if (!functionName) throw usage('no function name given');
  if (options.layerArn !== undefined && options.zip !== undefined) throw usage('give either a layer ARN or a ZIP with a layer name, not both');
  if (options.layerArn === undefined && options.zip === undefined) throw usage('give a layer ARN, or a ZIP with a layer name');
  if (options.zip !== undefined && !options.layerName) throw usage('a ZIP needs a layer name to be published under (--layer-name)');
  if (options.layerName) checkLayerName(options.layerName);
  if (options.layerArn !== undefined && layerArnVersion(options.layerArn) === undefined) {
    throw usage(`${options.layerArn} is not a layer version ARN`, 'give the ARN with its version number, for example arn:aws:lambda:eu-central-1:123456789012:layer:net-profiler:3');
  }

  // Local facts first: a bad ZIP or variables file is refused before any AWS call.
  const info = options.zip !== undefined ? await readLayerInfo(options.zip) : undefined;
  const limit = options.directUploadLimit ?? LAMBDA_LIMITS.directUploadBytes;
  if (info && info.zipBytes > limit && !options.s3Bucket) {
    throw new NetProfilerError(
      's3-bucket-required',
      `${options.zip} is ${info.zipBytes} bytes, above Lambda's ${limit}-byte limit for a direct upload; it must go through S3`,
      { kind: 'refused', file: options.zip, fix: 'name a bucket in the same region with --s3-bucket' },
    );
  }
  const variables = options.variables ?? (options.zip !== undefined ? functionEnvironmentBeside(options.zip) : undefined) ?? { ...PROFILER_VARIABLES };

  const client = lambdaClient(options);
  const fnOut = await getFunction(client, functionName);
  const fn = facts(fnOut, functionName);
  const functionArn = fnOut.Configuration?.FunctionArn ?? functionName;
  const record = decodeRecord(fnOut.Tags, fn.name);
  const extra: LambdaWarning[] = [];

  // The layer's facts: from the ZIP (its ARN not known before publishing), or from Lambda.
  let layerVersionArn: string;
  let layerArch: LayerArch | undefined;
  let layerRuntimes: string[];
  const known = new Map<string, number>();
  if (info) {
    const where = arnParts(functionArn);
    const name = options.layerName!;
    const layerArn = name.startsWith('arn:') ? name : `arn:aws:lambda:${where?.region ?? 'REGION'}:${where?.account ?? 'ACCOUNT'}:layer:${name}`;
    let next = 1;
    try {
      const list = await client.send(new ListLayerVersionsCommand({ LayerName: name, MaxItems: 50 }));
      next = Math.max(0, ...(list.LayerVersions ?? []).map((v) => v.Version ?? 0)) + 1;
    } catch (err) {
      const e = awsError(err, `listing the versions of layer ${name}`, 'Nothing was changed.');
      if (e.code !== 'not-found') throw e;
    }
    layerVersionArn = `${layerArn}:${next}`;
    layerArch = info.arch;
    layerRuntimes = info.runtimes;
    known.set(layerVersionArn, info.unzippedBytes);
  } else {
    layerVersionArn = options.layerArn!;
    const lv = await getLayerVersion(client, layerVersionArn);
    layerArch = archOf(lv.CompatibleArchitectures);
    layerRuntimes = lv.CompatibleRuntimes ?? [];
  }

  let plan = planInstrument({
    fn,
    record,
    layer: { layerVersionArn, ...(layerArch ? { arch: layerArch } : {}), runtimes: layerRuntimes },
    variables,
    force: options.force === true,
  });
  const recordTags = encodeRecord(plan.record!);
  const otherTags = Object.keys(fnOut.Tags ?? {}).filter((k) => !k.startsWith(RECORD_TAG_PREFIX)).length;
  if (otherTags + Object.keys(recordTags).length > TAGS_PER_FUNCTION_MAX) {
    throw new NetProfilerError(
      'too-many-tags',
      `${fn.name} has ${otherTags} tags; the record instrument keeps needs ${Object.keys(recordTags).length} more and Lambda allows ${TAGS_PER_FUNCTION_MAX}`,
      { kind: 'refused', fix: 'remove some of the function\'s tags' },
    );
  }
  if (options.checkUnzippedSize !== false) {
    const w = await checkUnzipped(client, fnOut, plan.layersAfter, known, fn.name);
    if (w) extra.push(w);
  }
  if (options.dryRun) {
    if (info) extra.push({ code: 'not-published', message: `dry run: the layer was not published; ${layerVersionArn} is the version it would get` });
    return resultOf(plan, fn.name, false, extra);
  }

  let published: PublishResult | undefined;
  if (info) {
    published = await publishChecked({ ...options, zip: options.zip!, layerName: options.layerName!, lambdaClient: client }, info);
    if (published.layerVersionArn !== layerVersionArn) {
      plan = planInstrument({
        fn,
        record,
        layer: { layerVersionArn: published.layerVersionArn, arch: info.arch, runtimes: info.runtimes },
        variables,
        force: options.force === true,
      });
    }
  }

  // Record first, then the configuration: if the update never happens, the record only
  // names things the function does not have, which uninstrument skips.
  const newTags = encodeRecord(plan.record!);
  if (!sameRecord(record, plan.record)) {
    try {
      await retryConflicts(() => client.send(new TagResourceCommand({ Resource: functionArn, Tags: newTags })), options.retry, `tagging ${fn.name}`);
    } catch (err) {
      throw awsError(err, `recording on ${fn.name} what instrument sets (tags)`, `The function's configuration was not changed.${published ? ` The layer was published as ${published.layerVersionArn}.` : ''}`);
    }
  }
  if (changes(plan)) {
    await applyConfiguration(client, functionArn, plan, options);
  } else {
    extra.push({ code: 'already-instrumented', message: `${fn.name} already has ${plan.layersAfter.find((a) => unversionedLayerArn(a) === plan.record!.layer)} and the variables; nothing to update` });
  }
  // Parts of an older, longer record that the new one does not use.
  const stale = recordTagKeys(fnOut.Tags ?? {}).filter((k) => !(k in newTags));
  if (stale.length > 0) {
    try {
      await client.send(new UntagResourceCommand({ Resource: functionArn, TagKeys: stale }));
    } catch {
      extra.push({ code: 'stale-record-tags', message: `could not remove the unused record tags ${stale.join(', ')} (harmless)` });
    }
  }
  return { ...resultOf(plan, fn.name, true, extra), ...(published ? { published } : {}) };
}

/**
 * Takes the profiler out of a function (`uninstrument`): by the record instrument left
 * on it, removes the profiler layer (every other layer stays, in order), removes exactly
 * the variables instrument added, gives back any value it replaced, and removes the
 * record. A variable the user had before, or changed since, stays. With `dryRun`,
 * returns the plan and changes nothing. A function without a record is left alone
 * (`applied` false, a `not-instrumented` warning).
 */
export async function uninstrumentFunction(options: UninstrumentOptions): Promise<LambdaChangeResult> {
  if (!options.functionName) throw usage('no function name given');
  const client = lambdaClient(options);
  const fnOut = await getFunction(client, options.functionName);
  const fn = facts(fnOut, options.functionName);
  const functionArn = fnOut.Configuration?.FunctionArn ?? options.functionName;
  const record = decodeRecord(fnOut.Tags, fn.name);
  const plan = planUninstrument(fn, record);
  if (options.dryRun || !record) return resultOf(plan, fn.name, false);
  if (changes(plan)) await applyConfiguration(client, functionArn, plan, options);
  // The record goes last: if anything above failed, it is still there for a second try.
  try {
    await client.send(new UntagResourceCommand({ Resource: functionArn, TagKeys: recordTagKeys(fnOut.Tags ?? {}) }));
  } catch (err) {
    throw awsError(err, `removing the net-profiler record tags from ${fn.name}`, 'The layer and variables were already taken out; run uninstrument again to remove the record.');
  }
  return resultOf(plan, fn.name, true);
}

/**
 * Where a function stands: instrumented or not, which profiler layer version, and what
 * is missing or mismatched (the layer's architecture or runtimes no longer matching the
 * function's, the wrapper variable missing or changed, a record without its layer, a
 * profiler layer without a record, a failed last update).
 */
export async function functionStatus(options: StatusOptions): Promise<FunctionStatus> {
  if (!options.functionName) throw usage('no function name given');
  const client = lambdaClient(options);
  const fnOut = await getFunction(client, options.functionName);
  const fn = facts(fnOut, options.functionName);
  const cfg = fnOut.Configuration ?? {};
  const record = decodeRecord(fnOut.Tags, fn.name);
  const problems: StatusProblem[] = [];

  // Which attached layer is the profiler's: the recorded one, else one published by us.
  let position = -1;
  let lv: GetLayerVersionCommandOutput | undefined;
  if (record) {
    position = fn.layers.findIndex((a) => unversionedLayerArn(a) === record.layer);
    if (position >= 0) {
      try {
        lv = await getLayerVersion(client, fn.layers[position]!);
      } catch (err) {
        if (!(err instanceof NetProfilerError) || err.kind !== 'outside' || err.code === 'aws-unreachable') throw err;
        problems.push({ code: 'layer-unreadable', message: `cannot read the attached layer version ${fn.layers[position]} (${err.message}); its architecture and runtimes were not checked` });
      }
    } else problems.push({ code: 'layer-missing', message: `instrument's record names the layer ${record.layer}, but it is not attached` });
  } else {
    for (let i = 0; i < fn.layers.length; i++) {
      let candidate: GetLayerVersionCommandOutput;
      try {
        candidate = await getLayerVersion(client, fn.layers[i]!);
      } catch (err) {
        // Another account's layer we may not read, or a deleted version: not ours to judge.
        if (!(err instanceof NetProfilerError) || err.kind !== 'outside' || err.code === 'aws-unreachable') throw err;
        continue;
      }
      if ((candidate.Description ?? '').startsWith(LAYER_DESCRIPTION_PREFIX)) {
        position = i;
        lv = candidate;
        problems.push({ code: 'no-record', message: `the profiler layer is attached without net-profiler's record; uninstrument cannot take it out exactly` });
        break;
      }
    }
  }
  const expected = record?.set ?? { ...PROFILER_VARIABLES };
  const attached = position >= 0;
  if (attached || record) {
    for (const [name, value] of Object.entries(expected)) {
      const actual = fn.variables[name];
      const wrapper = name === WRAPPER_VARIABLE;
      if (actual === undefined) problems.push({ code: wrapper ? 'wrapper-missing' : 'variable-missing', message: `${name} is not set (the profiler sets ${JSON.stringify(value)})` });
      else if (actual !== value && wrapper) problems.push({ code: 'wrapper-mismatch', message: `${name} is ${JSON.stringify(actual)}, not the profiler's ${JSON.stringify(value)}` });
      else if (actual !== value) problems.push({ code: 'variable-mismatch', message: `${name} is ${JSON.stringify(actual)}; instrument set ${JSON.stringify(value)}` });
    }
  } else if (fn.variables[WRAPPER_VARIABLE] === PROFILER_VARIABLES[WRAPPER_VARIABLE]) {
    problems.push({ code: 'wrapper-without-layer', message: `${WRAPPER_VARIABLE} points at the profiler's wrapper but no profiler layer is attached: the function cannot start` });
  }
  if (lv) {
    const archs = lv.CompatibleArchitectures ?? [];
    if (archs.length > 0 && !archs.includes(fn.architecture as 'arm64')) {
      problems.push({ code: 'architecture-mismatch', message: `${fn.name} runs on ${fn.architecture}, but the attached layer is built for ${archs.join(', ')}` });
    }
    const runtimes = lv.CompatibleRuntimes ?? [];
    if (fn.runtime !== 'dotnet8' && fn.runtime !== 'dotnet10') {
      problems.push({ code: 'unsupported-runtime', message: `${fn.name} runs ${fn.runtime ?? 'no managed runtime'}; the profiler supports dotnet8 and dotnet10` });
    } else if (runtimes.length > 0 && !runtimes.includes(fn.runtime)) {
      problems.push({ code: 'runtime-mismatch', message: `${fn.name} runs ${fn.runtime}, but the attached layer is built for ${runtimes.join(', ')}` });
    }
  }
  if (cfg.LastUpdateStatus === 'Failed') {
    problems.push({ code: 'update-failed', message: `the last update failed: ${cfg.LastUpdateStatusReason ?? ''}`.trim() });
  }
  const wrapperOk = fn.variables[WRAPPER_VARIABLE] === (expected[WRAPPER_VARIABLE] ?? PROFILER_VARIABLES[WRAPPER_VARIABLE]);
  const layerVersionArn = attached ? fn.layers[position]! : undefined;
  return {
    function: fn.name,
    instrumented: attached && wrapperOk,
    runtime: fn.runtime ?? null,
    architecture: fn.architecture,
    layer: layerVersionArn
      ? {
          layerArn: unversionedLayerArn(layerVersionArn),
          layerVersionArn,
          version: layerArnVersion(layerVersionArn) ?? null,
          position,
          architectures: lv?.CompatibleArchitectures ?? [],
          runtimes: lv?.CompatibleRuntimes ?? [],
        }
      : null,
    recorded: record !== undefined,
    record: record ? { set: record.set, was: record.was } : null,
    lastUpdateStatus: cfg.LastUpdateStatus ?? null,
    layers: fn.layers,
    problems,
  };
}
