/**
 * The failure codes of `net-profiler/layer` and its two refusal classes (docs/layer.md,
 * "Failures"; the contract of every capability is in docs/architecture.md):
 *
 * - a refused build or rebuild throws an {@link IssuesError} (`build-refused`,
 *   `rebuild-refused`) carrying every error and warning of the release at once;
 * - a ZIP that cannot be read safely throws a {@link ZipRefusedError}: one issue naming
 *   the entry at fault (or `""` for the whole archive);
 * - a misused argument is `bad-argument` (kind `usage`), a file that cannot be read or
 *   written an `fs-*` error naming it, an input over its cap `input-too-large`.
 * @packageDocumentation
 */
import { CommonErrorCode, IssuesError, NetProfilerError } from '../errors';

/** Codes of the hostile-ZIP reader's refusals (docs/layer.md, "Reading ZIPs"). */
export type ZipRefusalCode =
  | 'unsafe-name'
  | 'duplicate-entry'
  | 'unsupported-entry-type'
  | 'encrypted-entry'
  | 'unsupported-method'
  | 'header-mismatch'
  | 'descriptor-mismatch'
  | 'overlapping-entries'
  | 'bad-eocd'
  | 'bad-zip64'
  | 'multi-disk'
  | 'not-a-zip'
  | 'crc-mismatch'
  | 'size-mismatch'
  | 'bad-deflate'
  | 'data-past-end'
  | 'zip-bomb-total'
  | 'zip-bomb-ratio'
  /** `unpack` only: a file entry whose path is also another entry's folder. */
  | 'path-conflict';

/**
 * Codes of the issues a release check or a layer content check reports (the `errors`
 * and `warnings` of a refused build, the `findings` of `inspect`). Settings findings
 * keep the settings checker's own codes (docs/settings.md) beside these.
 */
export type LayerCheckCode =
  | 'release-not-a-folder'
  | 'manifest-missing'
  | 'manifest-invalid'
  | 'bad-version'
  | 'bad-clsid'
  | 'bad-startup-hook'
  | 'native-missing'
  | 'native-not-elf'
  | 'native-not-64bit'
  | 'native-not-little-endian'
  | 'native-not-shared-object'
  | 'native-wrong-machine'
  | 'agent-missing'
  | 'startup-hook-missing'
  | 'settings-missing'
  | 'symlink-outside'
  | 'symlink-broken'
  | 'not-a-file'
  | 'layer-too-large'
  | 'not-cli-assembly'
  | 'wrapper-missing'
  | 'bad-mode'
  | 'manifest-bad-arch'
  | 'manifest-bad-runtimes'
  | 'unexpected-mode'
  | 'layer-package'
  | 'previous-zip-unreadable'
  | 'input-too-large';

/** Every code a function of `net-profiler/layer` throws. */
export type LayerErrorCode =
  | CommonErrorCode
  | ZipRefusalCode
  /** A build refused: every issue is in `errors` / `warnings` of the {@link IssuesError}. */
  | 'build-refused'
  /** A rebuild refused, likewise. */
  | 'rebuild-refused'
  /** `unpack` into a folder that exists and is not empty. */
  | 'target-not-empty'
  /** The native core ran out of memory. */
  | 'out-of-memory'
  /** A fault of the native core itself (a bug). */
  | 'internal';

/** A {@link NetProfilerError} of this capability. */
export type LayerError = NetProfilerError<LayerErrorCode>;

/**
 * A ZIP (or one of its entries) refused by the hostile-ZIP reader; nothing was written.
 * It is an {@link IssuesError} with one issue, `{code, entry, message}`, so the CLI
 * prints `{"ok": false, "errors": [{"code", "entry", "message"}]}`.
 */
export class ZipRefusedError extends IssuesError<ZipRefusalCode> {
  /** The entry at fault, or `""` when the fault is archive-wide. */
  readonly entry: string;

  constructor(code: ZipRefusalCode, entry: string, message: string, file?: string) {
    super(code, message, [{ code, entry, message }], undefined, { kind: 'refused', ...(file !== undefined ? { file } : {}) });
    this.name = 'ZipRefusedError';
    this.entry = entry;
  }
}
