/**
 * The issues a release check or a layer content check finds, and how they leave the
 * SDK: as the `errors` / `warnings` of a refused build (an {@link IssuesError}) or of a
 * successful one (`warnings`), or as `inspect` findings.
 * @packageDocumentation
 */
import { IssuesError } from '../errors';
import type { LayerCheckCode, LayerErrorCode } from './errors';
import type { LayerArch, LayerRuntime } from './release';

/** A problem found in a release or a layer. */
export interface LayerProblem {
  /** Stable code: one of {@link LayerCheckCode}, or a settings checker code (docs/settings.md). */
  code: LayerCheckCode | (string & {});
  /** `error` refuses the build; `warning` does not. */
  severity: 'error' | 'warning';
  /** The file concerned (as the user would find it). */
  file: string;
  /** What is wrong. */
  message: string;
  /** 1-based line, where known (settings findings). */
  line?: number;
  /** 1-based column, where known (settings findings). */
  column?: number;
  /** The settings key path, for settings findings. */
  path?: string;
  /** How to fix it. */
  fix?: string;
}

/** A warning or error of a build, as `build --json` prints it. */
export interface BuildMessage {
  /** Stable code, such as `native-wrong-machine`. */
  code: string;
  /** The file concerned, as the user named it (under the release or package folder). */
  file: string;
  /** What is wrong. */
  message: string;
  /** 1-based line, where known (settings findings). */
  line?: number;
  /** 1-based column, where known. */
  column?: number;
  /** How to fix it, where there is a known fix. */
  fix?: string;
  /** Other fields an {@link IssuesError} issue may carry. */
  [field: string]: unknown;
}

/** A problem as `build --json` prints it. */
export function toMessage(p: LayerProblem): BuildMessage {
  return {
    code: p.code,
    file: p.file,
    message: p.message,
    ...(p.line !== undefined ? { line: p.line } : {}),
    ...(p.column !== undefined ? { column: p.column } : {}),
    ...(p.fix ? { fix: p.fix } : {}),
  };
}

/** The problems split into the errors and the warnings of `build --json`. */
export function splitProblems(problems: LayerProblem[]): { errors: BuildMessage[]; warnings: BuildMessage[] } {
  return {
    errors: problems.filter((p) => p.severity === 'error').map(toMessage),
    warnings: problems.filter((p) => p.severity === 'warning').map(toMessage),
  };
}

/**
 * The refusal of a build or rebuild: an {@link IssuesError} with every error and
 * warning found (nothing was written).
 */
export function refusal(code: Extract<LayerErrorCode, 'build-refused' | 'rebuild-refused'>, what: string, errors: BuildMessage[], warnings: BuildMessage[]): IssuesError<LayerErrorCode> {
  return new IssuesError<LayerErrorCode>(code, `${what} refused (${errors.length} error${errors.length === 1 ? '' : 's'}); nothing was written`, errors, warnings, { kind: 'refused' });
}

/** What a successful build and a successful rebuild both report of the layer ZIP written. */
export interface LayerWritten {
  /** Always true: a refusal throws. */
  ok: true;
  /** The layer ZIP written. */
  layerZip: string;
  /** SHA-256 of the layer ZIP, hex. */
  sha256: string;
  /** Profiler version, from the manifest. */
  version: string;
  /** The layer's architecture. */
  arch: LayerArch;
  /** The layer's runtimes. */
  runtimes: LayerRuntime[];
  /** Entries in the layer ZIP. */
  entries: number;
  /** Sum of the layer's unzipped sizes. */
  unzippedBytes: number;
  /** Warnings (the build went ahead). */
  warnings: BuildMessage[];
}
