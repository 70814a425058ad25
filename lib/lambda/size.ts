/**
 * The unzipped size of a remote ZIP (a function's code or a layer version, at the
 * presigned URL Lambda gives), read from its central directory only, with HTTP range
 * requests where the server allows them.
 * @packageDocumentation
 */
import { LAMBDA_LIMITS } from '../constants';
import { lambdaError } from './errors';
import { zipDirectoryFromTail } from './layer-info';

/** The bytes of the end of a ZIP that hold the end record even with the longest comment. */
const TAIL_BYTES = 22 + 0xffff + 20;

/** The most a whole download may read: Lambda's own limit for a function and its layers, unzipped. */
const MAX_WHOLE_BYTES = LAMBDA_LIMITS.unzippedBytes;

/** How a remote size was read. */
export interface RemoteZipSize {
  /** Sum of the entries' uncompressed sizes. */
  unzippedBytes: number;
  /** Size of the ZIP. */
  zipBytes: number;
  /** Bytes actually downloaded. */
  bytesRead: number;
  /** True when the server answered range requests (only the directory was read). */
  ranged: boolean;
}

async function get(url: string, range: string | undefined, timeoutMs: number): Promise<Response> {
  try {
    return await fetch(url, { headers: range ? { range } : {}, signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw lambdaError('download-failed', `cannot read ${redact(url)}: ${cause?.code ?? cause?.message ?? (err as Error).message}`, {
      kind: 'outside',
      cause: err,
    });
  }
}

/** A URL without its query (presigned URLs carry credentials there). */
export function redact(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : `${url.slice(0, q)}?…`;
}

/**
 * Reads the central directory of the ZIP at `url` and returns its unzipped size.
 * Asks for the last bytes first (`Range: bytes=-N`), then for the rest of the directory
 * if it is larger; a server that ignores ranges sends the whole file, which is read.
 * @throws NetProfilerError `download-failed` (outside) when it cannot be read,
 *   `invalid-zip` when the bytes are not a ZIP.
 */
export async function remoteZipSize(url: string, timeoutMs = 30_000): Promise<RemoteZipSize> {
  let res = await get(url, `bytes=-${TAIL_BYTES}`, timeoutMs);
  let bytesRead = 0;
  // Never more than a Lambda ZIP can be (a server that ignores ranges sends it all).
  const body = async (r: Response) => {
    const declared = Number(r.headers.get('content-length') ?? NaN);
    if (declared > MAX_WHOLE_BYTES) {
      await r.body?.cancel().catch(() => undefined);
      throw lambdaError('download-failed', `cannot read ${redact(url)}: the server ignores ranges and the file is ${declared} bytes`, { kind: 'outside' });
    }
    const parts: Uint8Array[] = [];
    let n = 0;
    if (r.body) {
      const reader = r.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        n += value.length;
        if (n > MAX_WHOLE_BYTES) {
          await reader.cancel().catch(() => undefined);
          throw lambdaError('download-failed', `cannot read ${redact(url)}: more than ${MAX_WHOLE_BYTES} bytes`, { kind: 'outside' });
        }
        parts.push(value);
      }
    }
    const b = new Uint8Array(n);
    let at = 0;
    for (const part of parts) {
      b.set(part, at);
      at += part.length;
    }
    bytesRead += n;
    return b;
  };
  if (res.status === 200) {
    const all = await body(res);
    const dir = zipDirectoryFromTail(all, all.length);
    if ('needBytesFrom' in dir) throw lambdaError('invalid-zip', `${redact(url)} is not a whole ZIP`, { kind: 'outside' });
    return { unzippedBytes: dir.unzippedBytes, zipBytes: all.length, bytesRead, ranged: false };
  }
  if (res.status !== 206) {
    await res.arrayBuffer().catch(() => undefined);
    throw lambdaError('download-failed', `cannot read ${redact(url)}: HTTP ${res.status}`, { kind: 'outside' });
  }
  let [from, total] = contentRange(res, url);
  let tail = await body(res);
  for (let round = 0; round < 4; round++) {
    const dir = zipDirectoryFromTail(tail, total);
    if (!('needBytesFrom' in dir)) return { unzippedBytes: dir.unzippedBytes, zipBytes: total, bytesRead, ranged: true };
    if (dir.needBytesFrom >= from) break;
    res = await get(url, `bytes=${dir.needBytesFrom}-${from - 1}`, timeoutMs);
    if (res.status !== 206) break;
    const more = await body(res);
    const joined = new Uint8Array(more.length + tail.length);
    joined.set(more, 0);
    joined.set(tail, more.length);
    tail = joined;
    from = dir.needBytesFrom;
    total = contentRange(res, url)[1];
  }
  throw lambdaError('invalid-zip', `${redact(url)}: the ZIP's central directory could not be located`, { kind: 'outside' });
}

function contentRange(res: Response, url: string): [number, number] {
  const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(res.headers.get('content-range') ?? '');
  if (!m) throw lambdaError('download-failed', `cannot read ${redact(url)}: a range answer without Content-Range`, { kind: 'outside' });
  return [Number(m[1]), Number(m[3])];
}
