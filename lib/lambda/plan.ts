/**
 * The pure part of attaching and removing the layer: given a function's configuration,
 * its record and the layer, decide (or refuse) the new layer list and variables.
 * No AWS calls here, so every rule can be checked on its own.
 * @packageDocumentation
 */
import { type Arch, archOfLambda, isRuntime, LAMBDA_ARCHITECTURE, LAMBDA_LIMITS, RUNTIMES } from '../constants';
import { quoteValue } from '../errors';
import { maskIfSecret } from '../secrets';
import { LambdaRefusal } from './errors';
import { InstrumentRecord } from './record';

/** The variables the layer needs (`function-environment.json` of the layer package). */
export const PROFILER_VARIABLES: Readonly<Record<string, string>> = Object.freeze({
  AWS_LAMBDA_EXEC_WRAPPER: '/opt/profiler_wrapper',
});

/** The wrapper variable: someone else's value is a conflict unless forced. */
export const WRAPPER_VARIABLE = 'AWS_LAMBDA_EXEC_WRAPPER';

/** Variables Lambda reserves: a function configuration cannot set them. */
export const RESERVED_VARIABLES: ReadonlySet<string> = new Set([
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
  'TZ',
]);

/** Lambda's name for an architecture (`x64` → `x86_64`). */
export function lambdaArch(arch: Arch): 'arm64' | 'x86_64' {
  return LAMBDA_ARCHITECTURE[arch];
}

/** A variable's value as a message may show it: masked when it looks secret (unless `show`), quoted, cut short. */
export function shownValue(name: string, value: string, show = false): string {
  return quoteValue(maskIfSecret(name, value, show), 60);
}

/** A non-fatal remark about a plan. */
export interface LambdaWarning {
  /** Stable code, for example `kept-user-value`. */
  code: string;
  /** For people. */
  message: string;
}

/** The parts of a function's configuration the plans read. */
export interface FunctionFacts {
  /** Function name. */
  name: string;
  /** `Zip` or `Image`. */
  packageType?: string;
  /** For example `dotnet10`. */
  runtime?: string;
  /** `arm64` or `x86_64` (Lambda's default when absent: `x86_64`). */
  architecture: string;
  /** Attached layer version ARNs, in order. */
  layers: string[];
  /** The function's variables. */
  variables: Record<string, string>;
}

/** The layer to attach. */
export interface LayerFacts {
  /** Versioned ARN (`…:layer:NAME:7`). */
  layerVersionArn: string;
  /** Architecture it was built for (undefined when Lambda does not say). */
  arch?: Arch;
  /** Runtimes it was built for (empty when Lambda does not say). */
  runtimes: string[];
}

/** A plan: what changes on the function. */
export interface LambdaPlan {
  /** Layers before, in order. */
  layersBefore: string[];
  /** Layers after, in order. */
  layersAfter: string[];
  /** The whole variables map after. */
  variablesAfter: Record<string, string>;
  /** Variables that were not set and will be: name → value. */
  variablesAdded: Record<string, string>;
  /** Variables whose value changes: name → from/to. */
  variablesChanged: Record<string, { from: string; to: string }>;
  /** Variables taken out. */
  variablesRemoved: string[];
  /** Remarks. */
  warnings: LambdaWarning[];
  /** The record to store on the function after (undefined: remove it). */
  record: InstrumentRecord | undefined;
}

/** `arn:…:layer:NAME:7` → `arn:…:layer:NAME` (unchanged when it has no version). */
export function unversionedLayerArn(arn: string): string {
  const m = /^(arn:[^:]+:lambda:[^:]*:[^:]*:layer:[^:]+)(?::\d+)?$/.exec(arn);
  return m ? m[1]! : arn;
}

/** The version number of a layer version ARN, or undefined. */
export function layerArnVersion(arn: string): number | undefined {
  const m = /^arn:[^:]+:lambda:[^:]*:[^:]*:layer:[^:]+:(\d+)$/.exec(arn);
  return m ? Number(m[1]) : undefined;
}

/** Byte size of a variables map as Lambda counts it (its JSON). */
export function environmentBytes(variables: Record<string, string>): number {
  return Buffer.byteLength(JSON.stringify(variables), 'utf8');
}

/**
 * Plans attaching `layer` and setting `variables` on `fn`. Throws a {@link LambdaRefusal}
 * for the first refusal that applies, in the order of {@link REFUSAL_CODES} (all but
 * `unzipped-too-large`, which needs the code sizes and is checked by the caller).
 */
export function planInstrument(input: {
  fn: FunctionFacts;
  record: InstrumentRecord | undefined;
  layer: LayerFacts;
  variables: Record<string, string>;
  force: boolean;
  /** Show secret-looking values in the messages; default masked. */
  showSecrets?: boolean;
}): LambdaPlan {
  const { fn, record, layer, variables, force } = input;
  const show = (name: string, value: string) => shownValue(name, value, input.showSecrets);
  const warnings: LambdaWarning[] = [];

  if (fn.packageType === 'Image') {
    throw new LambdaRefusal(
      'package-type-image',
      `${fn.name} is a container image function; Lambda does not attach layers to those`,
      'install the profiler in the image instead (copy the layer ZIP contents to /opt and set AWS_LAMBDA_EXEC_WRAPPER)',
    );
  }
  if (!isRuntime(fn.runtime)) {
    throw new LambdaRefusal(
      'unsupported-runtime',
      `${fn.name} runs ${fn.runtime ? quoteValue(fn.runtime) : 'no managed runtime'}; the profiler layer supports ${RUNTIMES.join(' and ')}`,
      `attach the layer to a ${RUNTIMES.join(' or ')} function`,
    );
  }
  if (layer.runtimes.length > 0 && !layer.runtimes.includes(fn.runtime!)) {
    throw new LambdaRefusal(
      'unsupported-runtime',
      `${fn.name} runs ${fn.runtime}, but the layer was built for ${layer.runtimes.join(', ')} only`,
      `build the layer with --runtime ${fn.runtime}`,
    );
  }
  if (layer.arch !== undefined && lambdaArch(layer.arch) !== fn.architecture) {
    throw new LambdaRefusal(
      'architecture-mismatch',
      `${fn.name} runs on ${fn.architecture}, but the layer is built for ${lambdaArch(layer.arch)}`,
      `build and publish the layer with --arch ${archOfLambda(fn.architecture) ?? fn.architecture}`,
    );
  }
  if (layer.arch === undefined) {
    warnings.push({ code: 'layer-arch-unknown', message: `Lambda does not say which architecture ${layer.layerVersionArn} is for; not checked` });
  }

  // Layers: the new version takes the place of an older version of the same layer (or
  // of the layer the record names, if it was published under another name); others stay.
  const newName = unversionedLayerArn(layer.layerVersionArn);
  const ours = (arn: string) => {
    const u = unversionedLayerArn(arn);
    return u === newName || (record !== undefined && u === record.layer);
  };
  const layersAfter: string[] = [];
  let placed = false;
  for (const arn of fn.layers) {
    if (!ours(arn)) layersAfter.push(arn);
    else if (!placed) {
      layersAfter.push(layer.layerVersionArn);
      placed = true;
    }
  }
  if (!placed) layersAfter.push(layer.layerVersionArn);
  if (record && record.layer !== newName && fn.layers.some((a) => unversionedLayerArn(a) === record.layer)) {
    warnings.push({ code: 'layer-renamed', message: `replacing the profiler layer ${record.layer} with ${newName}` });
  }
  if (layersAfter.length > LAMBDA_LIMITS.layersPerFunction) {
    throw new LambdaRefusal(
      'too-many-layers',
      `${fn.name} would have ${layersAfter.length} layers; Lambda allows ${LAMBDA_LIMITS.layersPerFunction}`,
      'remove a layer the function does not need, or merge two of its layers',
    );
  }

  // Variables: add what is missing; keep every value the user set, except the wrapper
  // under --force (its old value goes in the record to be given back).
  const after: Record<string, string> = { ...fn.variables };
  const set: Record<string, string> = { ...(record?.set ?? {}) };
  const was: Record<string, string> = { ...(record?.was ?? {}) };
  const variablesAdded: Record<string, string> = {};
  const variablesChanged: Record<string, { from: string; to: string }> = {};
  let conflict: string | undefined;
  for (const [name, value] of Object.entries(variables)) {
    const current = fn.variables[name];
    if (current === undefined) {
      after[name] = value;
      variablesAdded[name] = value;
      set[name] = value;
      delete was[name];
    } else if (current === value) {
      // Already there: ours if the record says so, else the user's (left alone by uninstrument).
    } else if (name === WRAPPER_VARIABLE) {
      if (record?.set[name] === current) {
        // Our own older value (a layer that moved its wrapper): update it, still ours.
        after[name] = value;
        variablesChanged[name] = { from: current, to: value };
        set[name] = value;
      } else {
        conflict = current;
        after[name] = value;
        variablesChanged[name] = { from: current, to: value };
        set[name] = value;
        was[name] = current;
      }
    } else {
      warnings.push({
        code: 'kept-user-value',
        message: `${name} is already set to ${show(name, current)}; kept (the layer's default is ${show(name, value)})`,
      });
    }
  }
  const bytes = environmentBytes(after);
  if (bytes > LAMBDA_LIMITS.environmentBytes) {
    throw new LambdaRefusal(
      'environment-too-large',
      `${fn.name}'s variables would take ${bytes} bytes; Lambda allows ${LAMBDA_LIMITS.environmentBytes} in all`,
      'move some values out of the environment (for example into SSM Parameter Store or the settings file)',
    );
  }
  const reserved = Object.keys(variables).filter((n) => RESERVED_VARIABLES.has(n));
  if (reserved.length > 0) {
    throw new LambdaRefusal(
      'reserved-variable',
      `${reserved.join(', ')} ${reserved.length > 1 ? 'are' : 'is'} reserved by Lambda and cannot be set on ${fn.name}`,
      'remove it from the variables to set (function-environment.json)',
    );
  }
  if (conflict !== undefined && !force) {
    throw new LambdaRefusal(
      'wrapper-conflict',
      `${fn.name} already has ${WRAPPER_VARIABLE}=${show(WRAPPER_VARIABLE, conflict)}, another wrapper; the profiler's wrapper would replace it`,
      'pass --force to replace it (uninstrument gives the old value back)',
    );
  }
  if (conflict !== undefined) {
    warnings.push({ code: 'wrapper-replaced', message: `replaced ${WRAPPER_VARIABLE}=${show(WRAPPER_VARIABLE, conflict)} (--force); uninstrument gives it back` });
  }

  return {
    layersBefore: [...fn.layers],
    layersAfter,
    variablesAfter: after,
    variablesAdded,
    variablesChanged,
    variablesRemoved: [],
    warnings,
    record: { v: 1, layer: newName, set, was },
  };
}

/**
 * Plans taking the profiler out of `fn` by its record: the recorded layer goes, each
 * variable instrument added goes if it still has the value instrument set, and each value
 * instrument replaced comes back. A value the user changed since is kept, with a warning.
 */
export function planUninstrument(fn: FunctionFacts, record: InstrumentRecord | undefined, showSecrets = false): LambdaPlan {
  const warnings: LambdaWarning[] = [];
  if (!record) {
    return {
      layersBefore: [...fn.layers],
      layersAfter: [...fn.layers],
      variablesAfter: { ...fn.variables },
      variablesAdded: {},
      variablesChanged: {},
      variablesRemoved: [],
      warnings: [{ code: 'not-instrumented', message: `${fn.name} has no net-profiler record: nothing to take out` }],
      record: undefined,
    };
  }
  const layersAfter = fn.layers.filter((a) => unversionedLayerArn(a) !== record.layer);
  if (layersAfter.length === fn.layers.length) {
    warnings.push({ code: 'layer-not-attached', message: `the profiler layer ${record.layer} is not attached to ${fn.name}` });
  }
  const after: Record<string, string> = { ...fn.variables };
  const variablesChanged: Record<string, { from: string; to: string }> = {};
  const variablesRemoved: string[] = [];
  for (const [name, value] of Object.entries(record.set)) {
    const current = fn.variables[name];
    if (current === undefined) continue;
    if (current !== value) {
      warnings.push({ code: 'kept-user-value', message: `${name} was changed since instrument (now ${shownValue(name, current, showSecrets)}); kept` });
      continue;
    }
    const old = record.was[name];
    if (old === undefined) {
      delete after[name];
      variablesRemoved.push(name);
    } else {
      after[name] = old;
      variablesChanged[name] = { from: current, to: old };
    }
  }
  return {
    layersBefore: [...fn.layers],
    layersAfter,
    variablesAfter: after,
    variablesAdded: {},
    variablesChanged,
    variablesRemoved,
    warnings,
    record: undefined,
  };
}
