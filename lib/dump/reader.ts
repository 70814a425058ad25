/**
 * The streaming engine under every dump function: reads the source in big chunks
 * (inflating a gzip file as a stream), hands them to the native reader, and yields
 * what it produced. Ring snapshots take two passes: an index pass over the whole file,
 * then the frames by sequence number, read at their offsets.
 * @packageDocumentation
 * @internal
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { Readable } from 'stream';
import { NetProfilerError, badArgument, fileError, quoteValue } from '../errors';
import type { DumpErrorCode } from './errors';
import { dumpNative, NativeBatch, NativeDumpOptions } from './native';
import { DUMP_FORMATS, SIGNALS } from './types';
import type { Diagnostic, ReadOptions } from './types';

/** Where a dump comes from: a file path, the bytes, or a readable stream (stdin). */
export type DumpSource = string | Uint8Array | NodeJS.ReadableStream;

const MAGIC = Buffer.from([0x89, 0x4e, 0x50, 0x54, 0x42, 0x0d, 0x0a, 0x1a]);

/** Checks the options a caller passed, with usage errors that say what is allowed. @internal */
export function checkReadOptions(o: ReadOptions): void {
  if (o === null || typeof o !== 'object') throw badArgument('options', 'options must be an object');
  if (o.format !== undefined && !(DUMP_FORMATS as readonly unknown[]).includes(o.format))
    throw badArgument('format', `unknown format ${quoteValue(o.format)}`, DUMP_FORMATS);
  if (o.signal !== undefined && !(SIGNALS as readonly unknown[]).includes(o.signal))
    throw badArgument('signal', `unknown signal ${quoteValue(o.signal)}`, SIGNALS);
  if (o.chunkSize !== undefined && (!Number.isInteger(o.chunkSize) || o.chunkSize < 4096))
    throw badArgument('chunkSize', 'chunkSize must be an integer of at least 4096');
}

function sourceName(src: DumpSource, o: ReadOptions): string {
  if (o.name) return o.name;
  if (typeof src === 'string') return src;
  if (src instanceof Uint8Array) return '<buffer>';
  return '<stdin>';
}

/** Turns a native error into a NetProfilerError naming the input. @internal */
export function mapNativeError(err: unknown, name: string): unknown {
  const e = err as { code?: unknown; message?: string; argument?: unknown };
  if (!e || typeof e.code !== 'string' || err instanceof NetProfilerError) return err;
  const code = e.code as DumpErrorCode;
  const msg = `${name}: ${e.message ?? code}`;
  switch (code) {
    case 'bad-argument':
      return badArgument(typeof e.argument === 'string' ? e.argument : 'options', e.message ?? 'bad argument');
    case 'signal-unknown':
      return new NetProfilerError<DumpErrorCode>(code, msg, { kind: 'usage', file: name, fix: 'name the signal with --signal traces|metrics|logs (API: signal option)' });
    case 'bad-magic':
    case 'unknown-format':
    case 'not-otlp':
    case 'empty':
      return new NetProfilerError<DumpErrorCode>(code, msg, { file: name, fix: 'pass a .nptb dump, OTLP/JSON lines, a Collector proto file or an OTLP export request (or name its format with --format, its signal with --signal)' });
    case 'unsupported-version':
      return new NetProfilerError<DumpErrorCode>(code, msg, { file: name, fix: 'upgrade net-profiler to a version that reads this dump format' });
    case 'out-of-memory':
    case 'internal':
      return new NetProfilerError<DumpErrorCode>(code, msg, { kind: 'outside', file: name });
    default:
      // strict mode: the first diagnostic
      return new NetProfilerError<DumpErrorCode>(code, msg, { file: name, fix: 'read without --strict to get every good frame and the list of damage' });
  }
}

/** A chunk source: yields Buffers; `readAt` is present for seekable files. */
interface Input {
  chunks: AsyncIterable<Buffer>;
  readAt?: (offset: number, size: number) => Promise<Buffer>;
  total?: number;
  gzip: boolean;
  close(): Promise<void>;
}

async function openInput(src: DumpSource, name: string, chunkSize: number): Promise<Input> {
  if (src instanceof Uint8Array) {
    const buf = Buffer.from(src.buffer, src.byteOffset, src.byteLength);
    const gzip = buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b;
    if (gzip) {
      return { chunks: inflate(Readable.from([buf]), name), gzip, close: async () => undefined };
    }
    return {
      chunks: (async function* () {
        for (let i = 0; i < buf.length; i += chunkSize) yield buf.subarray(i, Math.min(buf.length, i + chunkSize));
      })(),
      readAt: async (o, n) => buf.subarray(o, o + n),
      total: buf.length,
      gzip,
      close: async () => undefined,
    };
  }
  if (typeof src === 'string') {
    let fh: fs.promises.FileHandle;
    try {
      fh = await fs.promises.open(src, 'r');
    } catch (err) {
      throw fileError(err, name);
    }
    let total: number;
    try {
      const st = await fh.stat();
      if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      total = st.size;
    } catch (err) {
      await fh.close();
      throw fileError(err, name);
    }
    const head = Buffer.alloc(2);
    const { bytesRead } = await fh.read(head, 0, 2, 0);
    const gzip = bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
    const readAt = async (o: number, n: number) => {
      const b = Buffer.allocUnsafe(n);
      let got = 0;
      while (got < n) {
        const r = await fh.read(b, got, n - got, o + got);
        if (r.bytesRead === 0) break;
        got += r.bytesRead;
      }
      return b.subarray(0, got);
    };
    // Plain files: two buffers, reused; the next chunk is read while the native reader
    // decodes the current one (it keeps no reference once its call returns).
    const reused = (async function* () {
      const bufs = [Buffer.allocUnsafe(chunkSize), Buffer.allocUnsafe(chunkSize)];
      const into = async (b: Buffer, o: number) => {
        let got = 0;
        while (got < b.length) {
          const r = await fh.read(b, got, b.length - got, o + got);
          if (r.bytesRead === 0) break;
          got += r.bytesRead;
        }
        return b.subarray(0, got);
      };
      let k = 0;
      let off = 0;
      let pending = into(bufs[0]!, 0);
      while (true) {
        let b: Buffer;
        try {
          b = await pending;
        } catch (err) {
          throw fileError(err, name);
        }
        if (b.length === 0) return;
        off += b.length;
        k ^= 1;
        pending = into(bufs[k]!, off);
        pending.catch(() => undefined);
        yield b;
      }
    })();
    // gzip files: fresh buffers (zlib may hold on to its input)
    const raw = (async function* () {
      let off = 0;
      while (true) {
        let b: Buffer;
        try {
          b = await readAt(off, chunkSize);
        } catch (err) {
          throw fileError(err, name);
        }
        if (b.length === 0) return;
        off += b.length;
        yield b;
      }
    })();
    if (gzip) {
      return { chunks: inflate(Readable.from(raw), name), gzip, total, close: () => fh.close() };
    }
    return { chunks: reused, readAt, total, gzip, close: () => fh.close() };
  }
  // a stream: peek at the first bytes for gzip
  const it = (src as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  let first: Buffer = Buffer.alloc(0);
  let done = false;
  while (first.length < 2 && !done) {
    const r = await it.next();
    if (r.done) done = true;
    else first = Buffer.concat([first, Buffer.from(r.value)]);
  }
  const rest = (async function* () {
    if (first.length) yield first;
    if (done) return;
    while (true) {
      const r = await it.next();
      if (r.done) return;
      yield Buffer.from(r.value);
    }
  })();
  const gzip = first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b;
  return { chunks: gzip ? inflate(Readable.from(rest), name) : rest, gzip, close: async () => undefined };
}

async function* inflate(input: Readable, name: string): AsyncIterable<Buffer> {
  const gunzip = zlib.createGunzip({ chunkSize: 1 << 20 });
  input.on('error', (e) => gunzip.destroy(e));
  input.pipe(gunzip);
  try {
    for await (const c of gunzip) yield c as Buffer;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e && typeof e.code === 'string' && e.code.startsWith('Z_'))
      throw new NetProfilerError<DumpErrorCode>('gzip-failed', `${name}: the gzip stream is damaged (${e.message})`, { file: name });
    throw err;
  }
}

/**
 * Where a ring snapshot read from a stream (stdin, or a gzip file: neither can seek) is
 * kept for its second pass: in memory up to `limit` bytes, then in a temporary file, so
 * memory stays bounded whatever the snapshot's size. @internal
 */
export const ringSpool = { limit: 64 << 20 };

class Spool {
  private mem: Buffer[] = [];
  private all: Buffer | null = null;
  private size = 0;
  private fh: fs.promises.FileHandle | null = null;
  private dir: string | null = null;

  async add(chunk: Buffer): Promise<void> {
    if (!this.fh && this.size + chunk.length > ringSpool.limit) {
      this.dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'net-profiler-ring-'));
      this.fh = await fs.promises.open(path.join(this.dir, 'snapshot'), 'w+', 0o600);
      for (const c of this.mem) await this.fh.write(c);
      this.mem = [];
    }
    if (this.fh) await this.fh.write(chunk);
    else this.mem.push(chunk);
    this.size += chunk.length;
  }

  async readAt(offset: number, size: number): Promise<Buffer> {
    if (!this.fh) {
      this.all ??= Buffer.concat(this.mem);
      return this.all.subarray(offset, offset + size);
    }
    const b = Buffer.allocUnsafe(size);
    let got = 0;
    while (got < size) {
      const r = await this.fh.read(b, got, size - got, offset + got);
      if (r.bytesRead === 0) break;
      got += r.bytesRead;
    }
    return b.subarray(0, got);
  }

  async close(): Promise<void> {
    this.mem = [];
    this.all = null;
    const { fh, dir } = this;
    this.fh = null;
    this.dir = null;
    if (fh) await fh.close().catch(() => undefined);
    if (dir) await fs.promises.rm(dir, { recursive: true, force: true });
  }
}

/** What a pass yields. @internal */
export interface Pass {
  batches: AsyncGenerator<NativeBatch>;
  /** Filled once the pass ends. */
  info: { gzip: boolean; summary?: string };
}

/**
 * Runs one pass of the native reader over a source in `mode`, yielding its batches
 * (already carrying the diagnostics, which also go to `onDiagnostic`). @internal
 */
export function runPass(src: DumpSource, o: ReadOptions, native: Omit<NativeDumpOptions, 'format' | 'signal' | 'strict'>): Pass {
  checkReadOptions(o);
  const name = sourceName(src, o);
  const chunkSize = o.chunkSize ?? 8 << 20;
  const info: Pass['info'] = { gzip: false };
  const opts: NativeDumpOptions = { ...native, format: o.format ?? 'auto', signal: o.signal ?? '', strict: Boolean(o.strict) };
  const n = dumpNative();
  const batches = (async function* () {
    const input = await openInput(src, name, chunkSize);
    info.gzip = input.gzip;
    const note = (b: NativeBatch) => {
      if (o.onDiagnostic) for (const d of b.diagnostics) o.onDiagnostic(d as Diagnostic);
      return b;
    };
    // a ring snapshot that cannot be read again by offset is kept here for its second pass
    let ringKeep: Spool | null = input.readAt ? null : new Spool();
    try {
      const h = n.dumpOpen(opts);
      let read = 0;
      let first = true;
      // Pipelined: the native reader decodes chunk k+1 while the consumer handles the
      // batch of chunk k. A chunk's buffer is reused only after its feed has returned.
      const it = input.chunks[Symbol.asyncIterator]();
      let prev: NativeBatch | null = null;
      while (true) {
        const r = await it.next();
        if (r.done) break;
        const chunk = r.value;
        if (first) {
          first = false;
          const ring = chunk.length >= 20 && chunk.subarray(0, 8).equals(MAGIC) && (chunk.readUInt32LE(16) & 1) === 1 && (o.format ?? 'auto') !== 'otlp-jsonl';
          if (!ring) ringKeep = null;
        }
        if (ringKeep) {
          try {
            await ringKeep.add(chunk);
          } catch (err) {
            throw new NetProfilerError<DumpErrorCode>(
              'spool-failed',
              `${name}: a ring snapshot read from a stream is kept in a temporary file for its second pass, and writing it in ${os.tmpdir()} failed (${(err as Error).message})`,
              { kind: 'outside', file: name, fix: 'free space there, or point TMPDIR at a directory with room' },
            );
          }
        }
        read += chunk.length;
        const feed = n.dumpFeed(h, chunk);
        feed.catch(() => undefined);
        if (prev) yield note(prev);
        try {
          prev = await feed;
        } catch (e) {
          throw mapNativeError(e, name);
        }
        o.onProgress?.(read, input.gzip ? undefined : input.total);
      }
      if (prev) yield note(prev);
      let end: NativeBatch;
      try {
        end = n.dumpEndScan(h);
      } catch (e) {
        throw mapNativeError(e, name);
      }
      yield note(end);
      if (end.ringOrder) {
        let readAt = input.readAt;
        if (!readAt) {
          const kept = ringKeep!;
          readAt = (off, size) => kept.readAt(off, size);
        }
        const order = end.ringOrder;
        for (let i = 0; i < order.length; i += 2) {
          const frame = await readAt(order[i]!, order[i + 1]!);
          const b = await n.dumpFeedFrame(h, order[i]!, frame).catch((e: unknown) => {
            throw mapNativeError(e, name);
          });
          yield note(b);
        }
      }
      let fin: NativeBatch;
      try {
        fin = n.dumpFinish(h);
      } catch (e) {
        throw mapNativeError(e, name);
      }
      info.summary = fin.summary;
      yield note(fin);
    } finally {
      await ringKeep?.close();
      await input.close();
    }
  })();
  return { batches, info };
}

/** Decodes the concatenated JSON objects of a batch. @internal */
export function parseObjects<T>(out: string | Buffer): T[] {
  if (typeof out !== 'string' || out.length === 0) return [];
  return JSON.parse('[' + out + ']') as T[];
}
