/**
 * The failure codes of `net-profiler/lambda` and the errors that carry them
 * (docs/lambda.md, "Failures"). A refused change to a function is a
 * {@link LambdaRefusal} (a {@link RefusalError}: nothing was changed); a misused argument
 * is `bad-argument`; an AWS call that failed is an `outside` error whose message names the
 * operation, the resource and the fix.
 * @packageDocumentation
 */
import { CommonErrorCode, NetProfilerError, NetProfilerErrorOptions, RefusalError } from '../errors';

/**
 * The refusal codes of a change to a function, in the order they are checked: the seven
 * of the contract, then `unzipped-too-large` (the only one that needs downloads).
 */
export const REFUSAL_CODES = [
  'package-type-image',
  'unsupported-runtime',
  'architecture-mismatch',
  'too-many-layers',
  'environment-too-large',
  'reserved-variable',
  'wrapper-conflict',
  'unzipped-too-large',
] as const;

/** One of {@link REFUSAL_CODES}. */
export type RefusalCode = (typeof REFUSAL_CODES)[number];

/** Every code a `net-profiler/lambda` function throws. */
export type LambdaErrorCode =
  | RefusalCode
  /** The record instrument keeps would pass Lambda's 50 tags per function. */
  | 'too-many-tags'
  /** A ZIP above the direct-upload limit and no bucket to send it through. */
  | 's3-bucket-required'
  /** The ZIP is not a valid profiler layer (or is the layer package). */
  | 'invalid-layer'
  /** `function-environment.json` beside the ZIP is not `{"Variables": {…}}`. */
  | 'bad-function-environment'
  /** The record tags on the function do not decode. */
  | 'damaged-record'
  /** No such function in the account and region. */
  | 'function-not-found'
  /** No such layer version. */
  | 'layer-not-found'
  /** No such S3 bucket. */
  | 'bucket-not-found'
  /** The network or the endpoint cannot be reached. */
  | 'aws-unreachable'
  /** AWS refused the credentials or the permission. */
  | 'access-denied'
  /** No credentials in the chain. */
  | 'no-credentials'
  /** The named profile is in neither the config nor the credentials file. */
  | 'no-profile'
  /** No region set anywhere. */
  | 'no-region'
  /** AWS kept answering with throttling after every retry. */
  | 'throttled'
  /** Lambda kept reporting an update in progress past the time limit. */
  | 'update-in-progress'
  /** Lambda could not apply the update. */
  | 'update-failed'
  /** The update had not finished at the time limit. */
  | 'update-timeout'
  /** Any other answer of AWS. */
  | 'aws-error'
  /** A code location could not be read (the 250 MB check). */
  | 'download-failed'
  /** A code location does not hold a whole ZIP. */
  | 'invalid-zip'
  /** Ctrl-C during a run of many functions: this one was not started. */
  | 'interrupted'
  /** A selection of functions that matched nothing. */
  | 'nothing-selected'
  | CommonErrorCode;

/** A failure of `net-profiler/lambda`. */
export type LambdaError = NetProfilerError<LambdaErrorCode>;

/** Makes a {@link LambdaError}. */
export function lambdaError(code: LambdaErrorCode, message: string, options: NetProfilerErrorOptions = {}): LambdaError {
  return new NetProfilerError<LambdaErrorCode>(code, message, options);
}

/**
 * A refused change to a function: Lambda would reject it, or it would break the function.
 * Nothing was changed. The CLI prints it as `{"ok": false, "refusal": {code, message, fix}}`.
 */
export class LambdaRefusal extends RefusalError<RefusalCode> {
  constructor(code: RefusalCode, message: string, fix?: string) {
    super(code, message, fix ? { fix } : {});
    this.name = 'LambdaRefusal';
  }
}

/** A refused change that is not one of {@link REFUSAL_CODES} (too many tags, a damaged record, no bucket). */
export function refusal(code: LambdaErrorCode, message: string, fix?: string, file?: string): RefusalError<LambdaErrorCode> {
  return new RefusalError<LambdaErrorCode>(code, message, { ...(fix ? { fix } : {}), ...(file ? { file } : {}) });
}
