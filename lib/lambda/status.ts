/**
 * `status`: where a function stands. A check: it returns what it finds, and throws only
 * when it cannot read the function at all.
 * @packageDocumentation
 */
import type { GetLayerVersionCommandOutput } from '@aws-sdk/client-lambda';
import { isRuntime, RUNTIMES } from '../constants';
import { maskVariables } from '../secrets';
import { lambdaClient } from './aws';
import { layerArnVersion, PROFILER_VARIABLES, shownValue, unversionedLayerArn, WRAPPER_VARIABLE } from './plan';
import { LAYER_DESCRIPTION_PREFIX } from './publish';
import { facts, getFunction, getLayerVersion, isReportable } from './read';
import { decodeRecord } from './record';
import type { FunctionStatus, StatusOptions, StatusProblem } from './types';
import { checkFunctionName } from './validate';

/**
 * Where a function stands: instrumented or not, which profiler layer version, and what
 * is missing or mismatched (the layer's architecture or runtimes no longer matching the
 * function's, the wrapper variable missing or changed, a record without its layer, a
 * profiler layer without a record, damaged record tags, a failed last update). Values of
 * the function's environment that look secret are masked unless `showSecrets`.
 * `layerCache` shares the layer versions read between the functions of one region.
 */
export async function functionStatus(options: StatusOptions, layerCache?: Map<string, Promise<GetLayerVersionCommandOutput>>): Promise<FunctionStatus> {
  checkFunctionName(options.functionName);
  const showSecrets = options.showSecrets === true;
  const show = (name: string, value: string) => shownValue(name, value, showSecrets);
  const client = lambdaClient(options);
  const fnOut = await getFunction(client, options.functionName);
  const fn = facts(fnOut, options.functionName);
  const cfg = fnOut.Configuration ?? {};
  const problems: StatusProblem[] = [];
  let record: ReturnType<typeof decodeRecord>;
  try {
    record = decodeRecord(fnOut.Tags, fn.name);
  } catch (err) {
    // A check reports what it finds: damaged record tags are a problem, not a failure.
    problems.push({ code: 'damaged-record', message: (err as Error).message });
  }
  const readLayer = (arn: string): Promise<GetLayerVersionCommandOutput> => {
    let p = layerCache?.get(arn);
    if (!p) {
      p = getLayerVersion(client, arn);
      layerCache?.set(arn, p);
    }
    return p;
  };

  // Which attached layer is the profiler's: the recorded one, else one published by us.
  let position = -1;
  let lv: GetLayerVersionCommandOutput | undefined;
  if (record) {
    position = fn.layers.findIndex((a) => unversionedLayerArn(a) === record.layer);
    if (position >= 0) {
      try {
        lv = await readLayer(fn.layers[position]!);
      } catch (err) {
        if (!isReportable(err)) throw err;
        problems.push({ code: 'layer-unreadable', message: `cannot read the attached layer version ${fn.layers[position]} (${err.message}); its architecture and runtimes were not checked` });
      }
    } else problems.push({ code: 'layer-missing', message: `instrument's record names the layer ${record.layer}, but it is not attached` });
  } else {
    for (let i = 0; i < fn.layers.length; i++) {
      let candidate: GetLayerVersionCommandOutput;
      try {
        candidate = await readLayer(fn.layers[i]!);
      } catch (err) {
        // Another account's layer we may not read, or a deleted version: not ours to judge.
        if (!isReportable(err)) throw err;
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
      if (actual === undefined) problems.push({ code: wrapper ? 'wrapper-missing' : 'variable-missing', message: `${name} is not set (the profiler sets ${show(name, value)})` });
      else if (actual !== value && wrapper) problems.push({ code: 'wrapper-mismatch', message: `${name} is ${show(name, actual)}, not the profiler's ${show(name, value)}` });
      else if (actual !== value) problems.push({ code: 'variable-mismatch', message: `${name} is ${show(name, actual)}; instrument set ${show(name, value)}` });
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
    if (!isRuntime(fn.runtime)) {
      problems.push({ code: 'unsupported-runtime', message: `${fn.name} runs ${fn.runtime ?? 'no managed runtime'}; the profiler supports ${RUNTIMES.join(' and ')}` });
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
    record: record ? { set: maskVariables(record.set, showSecrets), was: maskVariables(record.was, showSecrets) } : null,
    lastUpdateStatus: cfg.LastUpdateStatus ?? null,
    layers: fn.layers,
    problems,
  };
}
