/**
 * The failure codes of the report capability (`docs/report.md`).
 * @packageDocumentation
 */

/**
 * Every code a report function throws with (besides the dump reader's own codes and the
 * shared `fs-*` / `bad-argument` codes):
 * - `no-such-trace`: `--trace ID` matches no span of the dump;
 * - `no-such-invocation`: `--invocation ID` matches no span's `faas.invocation_id`;
 * - `report-template-missing`: the built page template is not in the package;
 * - `report-too-large`: the page would exceed the size a browser can open;
 * - `ui-address-in-use`: the live view's port is taken.
 */
export type ReportErrorCode = 'no-such-trace' | 'no-such-invocation' | 'report-template-missing' | 'report-too-large' | 'ui-address-in-use';
