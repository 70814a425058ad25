/**
 * The one writer of a dump being received: frames are appended in the order they were
 * handed over, several at a time when they queue up (one write call for all of them),
 * and each caller learns its frame is in the file (handed to the operating system, or
 * on disk with `fsync`) before it answers its client. Nothing is ever rewritten, so a
 * reader, or a `kill -9`, finds at most a torn last frame.
 * @packageDocumentation
 */
import * as fs from 'fs';
import { NetProfilerError, fileError } from '../errors';
import type { ReceiveErrorCode } from './errors';
import { otlpNative } from './native';

const WRITE_BYTES = 4 << 20;

interface Pending {
  kind: number;
  sequence: number;
  payload: Uint8Array;
  resolve: (sequence: number) => void;
  reject: (err: Error) => void;
}

/** Options of {@link DumpWriter.create}. */
export interface DumpWriterOptions {
  /** The metadata frame 0 (a JSON object). */
  metadata: Record<string, unknown>;
  /** Wait for the data to reach the disk (`fdatasync`) before a frame counts as written. */
  fsync?: boolean;
}

/** Appends frames to a new `.nptb` file (docs/dump.md); see the module comment. */
export class DumpWriter {
  private queue: Pending[] = [];
  private queued = 0;
  private writing = false;
  private position = 0;
  private nextSequence = 0;
  private failure: Error | null = null;
  private idle: Array<() => void> = [];

  private constructor(
    private readonly fh: fs.promises.FileHandle,
    /** The file being written. */
    readonly file: string,
    private readonly fsync: boolean,
  ) {}

  /**
   * Creates `file` (never overwriting one: `out-exists`), writes the header and the
   * metadata frame 0.
   * @throws NetProfilerError `out-exists`, or `fs-…` when the file cannot be created
   */
  static async create(file: string, options: DumpWriterOptions): Promise<DumpWriter> {
    let fh: fs.promises.FileHandle;
    try {
      fh = await fs.promises.open(file, 'wx', 0o644);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST')
        throw new NetProfilerError<ReceiveErrorCode>('out-exists', `${file} exists; receive never overwrites a dump`, {
          file,
          argument: 'out',
          fix: 'name a new file with --out, or move the old one away',
        });
      throw fileError(err, file, 'create');
    }
    const w = new DumpWriter(fh, file, Boolean(options.fsync));
    const header = otlpNative().otlpFileHeader(BigInt(Date.now()) * 1000000n, process.pid);
    try {
      await w.writeAll(header);
      await w.append(0, Buffer.from(JSON.stringify(options.metadata)));
    } catch (err) {
      await fh.close().catch(() => undefined);
      await fs.promises.rm(file, { force: true });
      throw err;
    }
    return w;
  }

  /** Bytes handed over and not yet written. */
  get backlog(): number {
    return this.queued;
  }

  /** Size of the file written so far. */
  get bytes(): number {
    return this.position;
  }

  /**
   * Appends one frame; resolves with its sequence number once it is written.
   * @param kind - 0 metadata, 1 traces, 2 metrics, 3 logs
   */
  append(kind: number, payload: Uint8Array): Promise<number> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<number>((resolve, reject) => {
      this.queue.push({ kind, sequence: this.nextSequence++, payload, resolve, reject });
      this.queued += payload.length;
      if (!this.writing) void this.drain();
    });
  }

  /** Resolves once every frame handed over is written. */
  flushed(): Promise<void> {
    if (!this.writing && this.queue.length === 0) return Promise.resolve();
    return new Promise((r) => this.idle.push(r));
  }

  /** Writes what is queued, then closes the file. */
  async close(): Promise<void> {
    await this.flushed();
    await this.fh.close();
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.queue.length > 0 && !this.failure) {
      // at most about 4 MiB a write, so the frames' copy stays small beside the backlog
      let take = 0;
      let size = 0;
      while (take < this.queue.length && (take === 0 || size + this.queue[take]!.payload.length <= WRITE_BYTES)) size += this.queue[take++]!.payload.length;
      const batch = this.queue.splice(0, take);
      try {
        const bytes = otlpNative().otlpFrames(
          batch.map((p) => p.kind),
          batch.map((p) => p.sequence),
          batch.map((p) => p.payload),
        );
        await this.writeAll(bytes);
        if (this.fsync) await this.fh.datasync();
      } catch (err) {
        this.failure = new NetProfilerError<ReceiveErrorCode>('write-failed', `writing ${this.file} failed: ${(err as Error).message}`, {
          kind: 'outside',
          file: this.file,
          fix: 'check the free space and that the folder still exists; what was answered before stays readable',
          cause: err,
        });
        for (const p of batch) p.reject(this.failure);
        for (const p of this.queue) p.reject(this.failure);
        this.queue = [];
        this.queued = 0;
        break;
      }
      this.queued -= size;
      for (const p of batch) p.resolve(p.sequence);
    }
    this.writing = false;
    const idle = this.idle;
    this.idle = [];
    for (const r of idle) r();
  }

  private async writeAll(bytes: Buffer): Promise<void> {
    let done = 0;
    while (done < bytes.length) {
      const { bytesWritten } = await this.fh.write(bytes, done, bytes.length - done, this.position);
      done += bytesWritten;
      this.position += bytesWritten;
    }
  }
}
