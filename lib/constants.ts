/**
 * The product's constants, owned here and nowhere else: the Lambda runtimes the layer
 * serves and their agent folders, the architectures, Lambda's limits, and the size caps
 * of each kind of input. Every other module (and the native core, which receives the
 * limits it enforces as parameters) takes them from this file. See docs/architecture.md.
 * @packageDocumentation
 */

/** The managed .NET Lambda runtimes the layer serves, in the order layers list them. */
export const RUNTIMES = ['dotnet8', 'dotnet10'] as const;
/** A managed .NET Lambda runtime the layer serves. */
export type Runtime = (typeof RUNTIMES)[number];

/** The agent folder (target framework) of each runtime, under `profiler/agent/`. */
export const RUNTIME_AGENT_FOLDER: Readonly<Record<Runtime, string>> = Object.freeze({ dotnet8: 'net8.0', dotnet10: 'net10.0' });

/** True when `value` is one of {@link RUNTIMES}. */
export function isRuntime(value: unknown): value is Runtime {
  return typeof value === 'string' && (RUNTIMES as readonly string[]).includes(value);
}

/** Layer architectures, as they appear in file names and on the command line. */
export const ARCHES = ['arm64', 'x64'] as const;
/** A layer architecture (`arm64` or `x64`). */
export type Arch = (typeof ARCHES)[number];

/** True when `value` is one of {@link ARCHES}. */
export function isArch(value: unknown): value is Arch {
  return typeof value === 'string' && (ARCHES as readonly string[]).includes(value);
}

/** Lambda's name of each architecture (`CompatibleArchitectures`, `Architectures`). */
export const LAMBDA_ARCHITECTURE: Readonly<Record<Arch, 'arm64' | 'x86_64'>> = Object.freeze({ arm64: 'arm64', x64: 'x86_64' });

/** The layer architecture of a Lambda architecture name, or undefined. */
export function archOfLambda(name: string | undefined): Arch | undefined {
  return name === 'arm64' ? 'arm64' : name === 'x86_64' ? 'x64' : undefined;
}

/** ELF `e_machine` of each architecture's native profiler library. */
export const ELF_MACHINE: Readonly<Record<Arch, number>> = Object.freeze({ x64: 62, arm64: 183 });

/** Lambda's limits that the layer build, publish and instrument check (docs/lambda.md). */
export const LAMBDA_LIMITS = Object.freeze({
  /** Layers per function. */
  layersPerFunction: 5,
  /** Environment variables, total, as the JSON of the variables map (bytes). */
  environmentBytes: 4096,
  /** Largest ZIP sent inline with a request (bytes); above it, S3. */
  directUploadBytes: 50 * 1024 * 1024,
  /** A function and its layers, unzipped (bytes). */
  unzippedBytes: 262_144_000,
});

/**
 * The most bytes read from each kind of input before it is refused with
 * `input-too-large` (docs/architecture.md, "Inputs"). A dump has no cap: it streams.
 */
export const INPUT_CAPS = Object.freeze({
  /** A settings file. */
  settingsBytes: 4 * 1024 * 1024,
  /** A JSON document such as a release manifest or `function-environment.json`. */
  jsonBytes: 4 * 1024 * 1024,
  /** A `.env` file given with `--dotenv`. */
  dotenvBytes: 1024 * 1024,
  /** A ZIP (layer or package): the largest layer Lambda can hold, plus room for the package's extras. */
  zipBytes: 2 * 262_144_000,
});
