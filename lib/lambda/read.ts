/**
 * Reading what the changes need: a function's configuration and tags, a layer version,
 * the variables file beside a layer ZIP, the newest version of a layer (with the SDK's
 * paginator), and the 250 MB unzipped check.
 * @packageDocumentation
 */
import * as path from 'path';
import {
  GetFunctionCommand,
  GetLayerVersionCommand,
  paginateListLayerVersions,
  type GetFunctionCommandOutput,
  type GetLayerVersionCommandOutput,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { type Arch, archOfLambda, INPUT_CAPS, LAMBDA_ARCHITECTURE, LAMBDA_LIMITS } from '../constants';
import { fileError, NetProfilerError } from '../errors';
import { readFileCapped } from '../files';
import { awsError, isNotFound } from './aws-errors';
import { lambdaError, LambdaRefusal, type LambdaError } from './errors';
import { FunctionFacts, layerArnVersion, LambdaWarning, unversionedLayerArn } from './plan';
import { remoteZipSize } from './size';

/** Reads a function's configuration and tags (`GetFunction`). */
export async function getFunction(client: LambdaClient, functionName: string): Promise<GetFunctionCommandOutput> {
  try {
    return await client.send(new GetFunctionCommand({ FunctionName: functionName }));
  } catch (err) {
    if (isNotFound(err)) {
      throw lambdaError('function-not-found', `no function ${functionName} in this account and region`, {
        kind: 'outside',
        fix: 'check the name, --region and the credentials (AWS_PROFILE)',
        cause: err,
      });
    }
    throw awsError(err, `reading the configuration of ${functionName}`, 'Nothing was changed.');
  }
}

/** The parts of a `GetFunction` answer the plans read. */
export function facts(out: GetFunctionCommandOutput, functionName: string): FunctionFacts {
  const c = out.Configuration ?? {};
  return {
    name: c.FunctionName ?? functionName,
    ...(c.PackageType ? { packageType: c.PackageType } : {}),
    ...(c.Runtime ? { runtime: c.Runtime } : {}),
    architecture: c.Architectures?.[0] ?? LAMBDA_ARCHITECTURE.x64,
    layers: (c.Layers ?? []).map((l) => l.Arn ?? '').filter(Boolean),
    variables: { ...(c.Environment?.Variables ?? {}) },
  };
}

/** Reads a layer version by its ARN (`GetLayerVersion` with the name and number: emulators have it). */
export async function getLayerVersion(client: LambdaClient, layerVersionArn: string): Promise<GetLayerVersionCommandOutput> {
  const version = layerArnVersion(layerVersionArn);
  if (version === undefined) {
    throw lambdaError('layer-not-found', `${layerVersionArn} is not a layer version ARN`, { kind: 'outside', fix: 'give the layer version ARN with its number' });
  }
  try {
    return await client.send(new GetLayerVersionCommand({ LayerName: unversionedLayerArn(layerVersionArn), VersionNumber: version }));
  } catch (err) {
    if (isNotFound(err)) {
      throw lambdaError('layer-not-found', `no layer version ${layerVersionArn}`, {
        kind: 'outside',
        fix: 'publish it with `net-profiler lambda publish`, or check the ARN and region',
        cause: err,
      });
    }
    throw awsError(err, `reading layer version ${layerVersionArn}`, 'Nothing was changed.');
  }
}

/** The one architecture of a `CompatibleArchitectures` list, or undefined when it is not exactly one. */
export function archOf(list: string[] | undefined): Arch | undefined {
  return list && list.length === 1 ? archOfLambda(list[0]) : undefined;
}

/** One version of a layer as listed. */
export interface ListedVersion {
  /** Versioned ARN. */
  layerVersionArn: string;
  /** Version number. */
  version: number;
  /** Lambda's `CompatibleArchitectures`. */
  architectures: string[];
  /** Lambda's `CompatibleRuntimes`. */
  runtimes: string[];
}

/**
 * Every version of a layer, newest first, read with the SDK's paginator (never one page
 * only). A layer that does not exist has none.
 */
export async function listLayerVersions(client: LambdaClient, layerName: string, pageSize = 50): Promise<ListedVersion[]> {
  const out: ListedVersion[] = [];
  try {
    for await (const page of paginateListLayerVersions({ client, pageSize }, { LayerName: layerName })) {
      for (const v of page.LayerVersions ?? []) {
        if (!v.LayerVersionArn || v.Version === undefined) continue;
        out.push({ layerVersionArn: v.LayerVersionArn, version: v.Version, architectures: v.CompatibleArchitectures ?? [], runtimes: v.CompatibleRuntimes ?? [] });
      }
    }
  } catch (err) {
    if (!isNotFound(err)) throw awsError(err, `listing the versions of layer ${layerName}`, 'Nothing was changed.');
  }
  return out.sort((a, b) => b.version - a.version);
}

/** The variables of `function-environment.json` beside `zip` (as in the layer package), or undefined. */
export async function functionEnvironmentBeside(zip: string): Promise<Record<string, string> | undefined> {
  const file = path.join(path.dirname(zip), 'function-environment.json');
  let text: string;
  try {
    text = (await readFileCapped(file, INPUT_CAPS.jsonBytes, 'function-environment.json')).toString('utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NetProfilerError).code === 'fs-enoent') return undefined;
    throw err instanceof NetProfilerError ? err : fileError(err, file);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw lambdaError('bad-function-environment', `${file} is not valid JSON: ${(err as Error).message.slice(0, 120)}`, { file, fix: 'restore it from the layer package' });
  }
  const vars = (doc as { Variables?: unknown })?.Variables;
  if (typeof vars !== 'object' || vars === null || Array.isArray(vars) || !Object.values(vars).every((v) => typeof v === 'string')) {
    throw lambdaError('bad-function-environment', `${file} must be {"Variables": {"NAME": "value", …}} with string values`, { file, fix: 'restore it from the layer package' });
  }
  return { ...(vars as Record<string, string>) };
}

/** The region and account of a function ARN. */
export function arnParts(functionArn: string | undefined): { region: string; account: string } | undefined {
  const m = /^arn:[^:]+:lambda:([^:]+):(\d+):function:/.exec(functionArn ?? '');
  return m ? { region: m[1]!, account: m[2]! } : undefined;
}

/**
 * Sums the unzipped sizes of the function's code and of every layer in `layers` (the
 * new layer's known size is passed in `known`), reading only the ZIPs' directories.
 * Refuses `unzipped-too-large` above 250 MB; when some code cannot be read (an
 * emulator's locations, no permission), returns a warning instead.
 */
export async function checkUnzipped(
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
    if (!codeUrl) throw lambdaError('download-failed', 'Lambda gave no code location for the function', { kind: 'outside' });
    const code = await remoteZipSize(codeUrl);
    total += code.unzippedBytes;
    parts.push(`function code ${code.unzippedBytes}`);
    for (const arn of layers) {
      let bytes = known.get(arn);
      if (bytes === undefined) {
        const lv = await getLayerVersion(client, arn);
        const url = lv.Content?.Location;
        if (!url) throw lambdaError('download-failed', `Lambda gave no content location for ${arn}`, { kind: 'outside' });
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

/** An `outside` error a status check may report as a finding instead of failing (anything but the network). */
export function isReportable(err: unknown): err is LambdaError {
  return err instanceof NetProfilerError && err.kind === 'outside' && err.code !== 'aws-unreachable';
}
