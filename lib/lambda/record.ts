/**
 * What `instrument` records on the function itself, as tags, so that `uninstrument`
 * from any machine takes out exactly what was added and gives back what was replaced.
 *
 * The record is JSON, base64-encoded (its alphabet `A-Za-z0-9+/=` is within AWS's tag
 * value rules), split into values of at most 256 characters under the keys
 * `net-profiler:record:0`, `net-profiler:record:1`, …, with the number of parts in
 * `net-profiler:record:n`. `deploy-layer.sh` writes the same tags.
 * @packageDocumentation
 */
import { refusal } from './errors';

/** What instrument did to a function. */
export interface InstrumentRecord {
  /** Format of the record; 1. */
  v: 1;
  /** The profiler layer's ARN without the version (`arn:aws:lambda:…:layer:NAME`). */
  layer: string;
  /** Every variable instrument set, with the value it set. */
  set: Record<string, string>;
  /** For the variables in `set` that had a value before (replaced under `--force`): that value. */
  was: Record<string, string>;
}

/** Prefix of every tag key the record uses. */
export const RECORD_TAG_PREFIX = 'net-profiler:record:';
/** The tag holding the number of parts. */
export const RECORD_COUNT_TAG = `${RECORD_TAG_PREFIX}n`;
/** Longest tag value AWS accepts. */
export const TAG_VALUE_MAX = 256;
/** Most tags a Lambda function can have. */
export const TAGS_PER_FUNCTION_MAX = 50;

/** The record as tags (key → value). */
export function encodeRecord(record: InstrumentRecord): Record<string, string> {
  const text = Buffer.from(JSON.stringify(record), 'utf8').toString('base64');
  const tags: Record<string, string> = {};
  let n = 0;
  for (let i = 0; i < text.length; i += TAG_VALUE_MAX) tags[`${RECORD_TAG_PREFIX}${n++}`] = text.slice(i, i + TAG_VALUE_MAX);
  tags[RECORD_COUNT_TAG] = String(n);
  return tags;
}

/** Keys of `tags` that belong to the record (to remove them all). */
export function recordTagKeys(tags: Record<string, string>): string[] {
  return Object.keys(tags).filter((k) => k.startsWith(RECORD_TAG_PREFIX));
}

/**
 * Reads the record back from a function's tags; undefined when there is none.
 * @throws RefusalError `damaged-record` when the tags are there but do not decode.
 */
export function decodeRecord(tags: Record<string, string> | undefined, functionName: string): InstrumentRecord | undefined {
  if (!tags || tags[RECORD_COUNT_TAG] === undefined) return undefined;
  const damaged = (why: string) =>
    refusal('damaged-record', `the net-profiler record tags on ${functionName} are damaged (${why})`, `remove the tags starting with ${RECORD_TAG_PREFIX} and take the layer and variables out by hand`);
  const n = Number(tags[RECORD_COUNT_TAG]);
  if (!Number.isInteger(n) || n < 1 || n > TAGS_PER_FUNCTION_MAX) throw damaged(`part count ${JSON.stringify(tags[RECORD_COUNT_TAG])}`);
  let text = '';
  for (let i = 0; i < n; i++) {
    const part = tags[`${RECORD_TAG_PREFIX}${i}`];
    if (part === undefined) throw damaged(`part ${i} of ${n} is missing`);
    text += part;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64').toString('utf8'));
  } catch {
    throw damaged('not base64 JSON');
  }
  const r = parsed as Partial<InstrumentRecord>;
  const isMap = (m: unknown): m is Record<string, string> =>
    typeof m === 'object' && m !== null && !Array.isArray(m) && Object.values(m).every((v) => typeof v === 'string');
  if (r?.v !== 1 || typeof r.layer !== 'string' || !isMap(r.set) || !isMap(r.was)) throw damaged('unexpected content');
  return { v: 1, layer: r.layer, set: { ...r.set }, was: { ...r.was } };
}
