/**
 * `instrument`: attach the profiler layer to a function and merge its variables, after
 * every refusal of docs/lambda.md, recording on the function what it did. Also the
 * one-call configuration update shared with `uninstrument`, and the result document.
 * @packageDocumentation
 */
import { TagResourceCommand, UntagResourceCommand, UpdateFunctionConfigurationCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { type Arch, archOfLambda } from '../constants';
import { badArgument } from '../errors';
import { maskIfSecret, maskVariables } from '../secrets';
import { AwsOptions, lambdaClient, retryConflicts, waitUpdated } from './aws';
import { awsError } from './aws-errors';
import { lambdaError, LambdaRefusal, refusal } from './errors';
import { readLayerInfo } from './layer-info';
import { checkUpload, publishChecked } from './publish';
import { PROFILER_VARIABLES, planInstrument, LambdaPlan, LambdaWarning, unversionedLayerArn } from './plan';
import { archOf, arnParts, checkUnzipped, facts, functionEnvironmentBeside, getFunction, getLayerVersion, listLayerVersions, type ListedVersion } from './read';
import { decodeRecord, encodeRecord, InstrumentRecord, RECORD_TAG_PREFIX, recordTagKeys, TAGS_PER_FUNCTION_MAX } from './record';
import type { InstrumentOptions, LambdaChangeResult, PublishResult } from './types';
import { checkBucket, checkFunctionName, checkLayerName, checkLayerVersionArn } from './validate';

/** The result document of a plan; secret-looking values masked unless `show`. */
export function resultOf(plan: LambdaPlan, fnName: string, applied: boolean, extra: LambdaWarning[] = [], show = false): LambdaChangeResult {
  const changed: Record<string, { from: string; to: string }> = {};
  for (const [k, v] of Object.entries(plan.variablesChanged)) changed[k] = { from: maskIfSecret(k, v.from, show), to: maskIfSecret(k, v.to, show) };
  return {
    ok: true,
    applied,
    function: fnName,
    layersBefore: plan.layersBefore,
    layersAfter: plan.layersAfter,
    variablesAdded: maskVariables(plan.variablesAdded, show),
    variablesChanged: changed,
    variablesRemoved: plan.variablesRemoved,
    warnings: [...plan.warnings, ...extra],
  };
}

/** True when the plan changes the function's layers or variables. */
export function changes(plan: LambdaPlan): boolean {
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

/** Updates layers and variables in one call (never half of it), waiting out a conflict, then waits for `Successful`. */
export async function applyConfiguration(client: LambdaClient, functionArn: string, plan: LambdaPlan, options: AwsOptions): Promise<void> {
  const doing = `updating the configuration of ${functionArn}`;
  try {
    await retryConflicts(
      () => client.send(new UpdateFunctionConfigurationCommand({ FunctionName: functionArn, Layers: plan.layersAfter, Environment: { Variables: plan.variablesAfter } })),
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
    const e = awsError(err, `waiting for ${functionArn} to finish updating`);
    throw Object.assign(e, { message: `${e.message} The update was accepted by Lambda; \`net-profiler lambda status\` shows its result.` });
  }
}

function checkInstrumentArguments(options: InstrumentOptions): void {
  checkFunctionName(options.functionName);
  if (options.layerArn !== undefined && options.zip !== undefined) throw badArgument('layer-arn', 'give either a layer ARN or a ZIP with a layer name, not both');
  if (options.layerArn === undefined && options.zip === undefined && options.layerName === undefined) {
    throw badArgument('layer-arn', 'give a layer ARN, a layer name, or a ZIP with a layer name', ['--layer-arn ARN', '--layer-name NAME [--layer-version N]', '--zip ZIP --layer-name NAME']);
  }
  if (options.zip !== undefined && options.layerName === undefined) throw badArgument('layer-name', 'a ZIP needs a layer name to be published under (--layer-name)');
  if (options.layerArn !== undefined && (options.layerName !== undefined || options.s3Bucket !== undefined)) {
    throw badArgument(options.layerName !== undefined ? 'layer-name' : 's3-bucket', '--layer-name and --s3-bucket go with --zip, not with --layer-arn');
  }
  if (options.layerVersion !== undefined && (options.layerName === undefined || options.zip !== undefined || !Number.isInteger(options.layerVersion) || options.layerVersion < 1)) {
    throw badArgument('layer-version', '--layer-version is a version number (1 or more) of the layer named by --layer-name, without --zip');
  }
  if (options.s3Bucket !== undefined && options.zip === undefined) throw badArgument('s3-bucket', '--s3-bucket goes with --zip');
  if (options.layerName !== undefined) checkLayerName(options.layerName);
  if (options.s3Bucket !== undefined) checkBucket(options.s3Bucket);
  if (options.layerArn !== undefined) checkLayerVersionArn(options.layerArn);
}

/**
 * The version of `layerName` to attach to a function of `architecture` (Lambda's name):
 * `version` when given, else the newest whose `CompatibleArchitectures` holds the
 * architecture. Versions of both architectures share one name.
 * @throws LambdaRefusal `architecture-mismatch` when no version is built for it
 */
export async function pickLayerVersion(
  client: LambdaClient,
  layerName: string,
  architecture: string,
  version?: number,
  cache?: Map<string, Promise<ListedVersion[]>>,
): Promise<string> {
  let versions = cache?.get(layerName);
  if (!versions) {
    versions = listLayerVersions(client, layerName);
    cache?.set(layerName, versions);
  }
  const list = await versions;
  if (version !== undefined) {
    const v = list.find((x) => x.version === version);
    if (!v) throw lambdaError('layer-not-found', `layer ${layerName} has no version ${version} in this region`, { kind: 'outside', fix: 'check --layer-version and --region, or publish the layer with `net-profiler lambda publish`' });
    return v.layerVersionArn;
  }
  const v = list.find((x) => x.architectures.includes(architecture as 'arm64'));
  if (!v) {
    throw new LambdaRefusal(
      'architecture-mismatch',
      `no version of layer ${layerName} in this region is built for ${architecture}${list.length ? ` (it has ${[...new Set(list.flatMap((x) => x.architectures))].join(', ') || 'no architecture'})` : ''}`,
      `publish the ${archOfLambda(architecture) ?? architecture} layer under the same name: \`net-profiler lambda publish ZIP --layer-name ${layerName.replace(/^.*:layer:/, '')}\``,
    );
  }
  return v.layerVersionArn;
}

/**
 * Attaches the profiler layer to a function and merges its variables (`instrument`).
 * Reads the configuration, refuses (a `LambdaRefusal`, nothing changed) what
 * Lambda would reject or what would break the function, in the order of
 * `REFUSAL_CODES`; replaces an older version of the same layer in place; keeps every
 * other layer and every variable of the user's; records on the function (tags) what it
 * set and what it replaced; updates; and waits until `LastUpdateStatus` is `Successful`.
 * With `dryRun`, returns the plan and changes nothing (nothing is published either).
 * A function that already has it all is left alone: `applied` false.
 */
export async function instrumentFunction(options: InstrumentOptions): Promise<LambdaChangeResult> {
  checkInstrumentArguments(options);
  const { functionName } = options;
  const show = options.showSecrets === true;

  // Local facts first: a bad ZIP or variables file is refused before any AWS call.
  const info = options.zip !== undefined ? await readLayerInfo(options.zip) : undefined;
  if (info) checkUpload({ zip: options.zip!, ...(options.s3Bucket ? { s3Bucket: options.s3Bucket } : {}), ...(options.directUploadLimit !== undefined ? { directUploadLimit: options.directUploadLimit } : {}) }, info);
  const variables = options.variables ?? (options.zip !== undefined ? await functionEnvironmentBeside(options.zip) : undefined) ?? { ...PROFILER_VARIABLES };

  const client = lambdaClient(options);
  const fnOut = await getFunction(client, functionName);
  const fn = facts(fnOut, functionName);
  const functionArn = fnOut.Configuration?.FunctionArn ?? functionName;
  const record = decodeRecord(fnOut.Tags, fn.name);
  const extra: LambdaWarning[] = [];

  // The layer's facts: from the ZIP (its ARN not known before publishing), or from Lambda.
  let layerVersionArn: string;
  let layerArch: Arch | undefined;
  let layerRuntimes: string[];
  const known = new Map<string, number>();
  if (info) {
    const where = arnParts(functionArn);
    const name = options.layerName!;
    const layerArn = name.startsWith('arn:') ? name : `arn:aws:lambda:${where?.region ?? 'REGION'}:${where?.account ?? 'ACCOUNT'}:layer:${name}`;
    const versions = await listLayerVersions(client, name);
    layerVersionArn = `${layerArn}:${(versions[0]?.version ?? 0) + 1}`;
    layerArch = info.arch;
    layerRuntimes = info.runtimes;
    known.set(layerVersionArn, info.unzippedBytes);
  } else {
    layerVersionArn = options.layerArn ?? (await pickLayerVersion(client, options.layerName!, fn.architecture, options.layerVersion, options.versionCache));
    const lv = await getLayerVersion(client, layerVersionArn);
    layerArch = archOf(lv.CompatibleArchitectures);
    layerRuntimes = lv.CompatibleRuntimes ?? [];
  }

  const plan0 = { fn, record, variables, force: options.force === true, showSecrets: show };
  let plan = planInstrument({ ...plan0, layer: { layerVersionArn, ...(layerArch ? { arch: layerArch } : {}), runtimes: layerRuntimes } });
  const recordTags = encodeRecord(plan.record!);
  const otherTags = Object.keys(fnOut.Tags ?? {}).filter((k) => !k.startsWith(RECORD_TAG_PREFIX)).length;
  if (otherTags + Object.keys(recordTags).length > TAGS_PER_FUNCTION_MAX) {
    throw refusal(
      'too-many-tags',
      `${fn.name} has ${otherTags} tags; the record instrument keeps needs ${Object.keys(recordTags).length} more and Lambda allows ${TAGS_PER_FUNCTION_MAX}`,
      'remove some of the function\'s tags',
    );
  }
  if (options.checkUnzippedSize !== false) {
    const w = await checkUnzipped(client, fnOut, plan.layersAfter, known, fn.name);
    if (w) extra.push(w);
  }
  if (options.dryRun) {
    if (info) extra.push({ code: 'not-published', message: `dry run: the layer was not published; ${layerVersionArn} is the version it would get` });
    return resultOf(plan, fn.name, false, extra, show);
  }

  let published: PublishResult | undefined;
  if (info) {
    published = await publishChecked({ ...options, zip: options.zip!, layerName: options.layerName!, lambdaClient: client }, info);
    if (published.layerVersionArn !== layerVersionArn) {
      plan = planInstrument({ ...plan0, layer: { layerVersionArn: published.layerVersionArn, arch: info.arch, runtimes: info.runtimes } });
    }
  }

  // Record first, then the configuration: if the update never happens, the record only
  // names things the function does not have, which uninstrument skips.
  const newTags = encodeRecord(plan.record!);
  let applied = false;
  if (!sameRecord(record, plan.record)) {
    try {
      await retryConflicts(() => client.send(new TagResourceCommand({ Resource: functionArn, Tags: newTags })), options.retry, `tagging ${fn.name}`);
    } catch (err) {
      throw awsError(err, `recording on ${fn.name} what instrument sets (tags)`, `The function's configuration was not changed.${published ? ` The layer was published as ${published.layerVersionArn}.` : ''}`);
    }
    applied = true;
  }
  if (changes(plan)) {
    await applyConfiguration(client, functionArn, plan, options);
    applied = true;
  } else {
    extra.push({ code: 'already-instrumented', message: `${fn.name} already has ${plan.layersAfter.find((a) => unversionedLayerArn(a) === plan.record!.layer)} and the variables; nothing to update` });
  }
  // Parts of an older, longer record that the new one does not use.
  const stale = recordTagKeys(fnOut.Tags ?? {}).filter((k) => !(k in newTags));
  if (stale.length > 0) {
    try {
      await client.send(new UntagResourceCommand({ Resource: functionArn, TagKeys: stale }));
      applied = true;
    } catch {
      extra.push({ code: 'stale-record-tags', message: `could not remove the unused record tags ${stale.join(', ')} (harmless)` });
    }
  }
  return { ...resultOf(plan, fn.name, applied, extra, show), ...(published ? { published } : {}) };
}
