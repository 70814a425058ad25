/**
 * The top-level `receive` command (docs/local.md): an OTLP receiver writing a dump,
 * with a live line per finished invocation on a terminal. `@grpc/grpc-js` is loaded
 * only once the command runs with gRPC on.
 * @packageDocumentation
 */
import { defineCommand, Exit, jsonFlag, plural, printJson } from './framework';
import { badArgument } from '../errors';
import { writeFileAtomic } from '../files';
import { formatAddress, formatInvocation, startReceiver } from '../receive';

/** `net-profiler receive`. */
export const receiveCommand = defineCommand('', {
  name: 'receive',
  summary: 'an OTLP receiver (HTTP and gRPC) that writes everything it accepts into a dump',
  example: 'net-profiler receive --out local.nptb --http 127.0.0.1:4318 --grpc 127.0.0.1:4317',
  args: [],
  interruptible: true,
  flags: {
    out: { type: 'string', short: 'o', value: 'FILE', description: 'the dump to write (default receive-<UTC time>.nptb here); never overwritten' },
    http: { type: 'string', value: 'HOST:PORT', description: 'OTLP/HTTP address (default 127.0.0.1:4318; port 0 picks a free one)' },
    grpc: { type: 'string', value: 'HOST:PORT', description: 'OTLP/gRPC address (default 127.0.0.1:4317)' },
    'no-grpc': { type: 'boolean', description: 'no OTLP/gRPC' },
    token: { type: 'string', value: 'T', description: 'require Authorization: Bearer T (or Api-Token T)' },
    'max-request-bytes': { type: 'integer', value: 'N', description: 'largest request, counted after gunzip too (default 20 MiB)' },
    fsync: { type: 'boolean', description: 'answer a request only once its frame is on disk' },
    duration: { type: 'integer', value: 'S', description: 'stop after S seconds' },
    'ready-file': { type: 'string', value: 'F', description: 'once listening, write the addresses, dump and pid to F as JSON' },
    ui: { type: 'string', value: 'HOST:PORT', description: 'also serve the live report of the dump being written (loopback only)' },
    quiet: { type: 'boolean', description: 'print nothing but errors' },
    ...jsonFlag,
  },
  exclusive: [['grpc', 'no-grpc']],
  async run(ctx) {
    const f = ctx.flags;
    if (f.duration !== undefined && f.duration < 1) throw badArgument('duration', `--duration takes a number of seconds of at least 1, not ${f.duration}`);
    const live = Boolean(ctx.stdout.isTTY) && !f.quiet && !f.json;
    // the report module loads only with --ui
    const report = f.ui !== undefined ? await import('../report') : undefined;
    const uiAt = report && f.ui !== undefined ? report.parseUiAddress(f.ui) : undefined;
    const receiver = await startReceiver({
      ...(f.out !== undefined ? { out: f.out } : {}),
      ...(f.http !== undefined ? { http: f.http } : {}),
      grpc: f['no-grpc'] ? false : (f.grpc ?? '127.0.0.1:4317'),
      ...(f.token !== undefined ? { token: f.token } : {}),
      ...(f['max-request-bytes'] !== undefined ? { maxRequestBytes: f['max-request-bytes'] } : {}),
      fsync: f.fsync,
      invocations: live,
    });
    let ui: Awaited<ReturnType<NonNullable<typeof report>['serveReport']>> | undefined;
    if (report && uiAt) {
      try {
        ui = await report.serveReport(receiver.out, { ...uiAt, pollMs: 500 });
      } catch (err) {
        await receiver.stop();
        throw err;
      }
    }
    let failed: Error | null = null;
    receiver.on('error', (e) => {
      failed ??= e;
      ctx.stderr.write(`net-profiler receive: error: ${e.message}\n`);
      void receiver.stop();
    });
    if (!f.quiet && !f.json) {
      receiver.on('rejected', (r) => ctx.stderr.write(`rejected (${r.protocol} ${r.status}): ${r.message}\n`));
      const where = [receiver.http && `OTLP/HTTP on http://${receiver.http}`, receiver.grpc && `OTLP/gRPC on ${receiver.grpc}`].filter(Boolean).join(', ');
      ctx.stderr.write(`receiving ${where}; writing ${receiver.out}${ui ? `; live report on ${ui.url}` : ''}. Ctrl-C stops.\n`);
    }
    if (live) receiver.on('invocation', (inv) => ctx.stdout.write(formatInvocation(inv) + '\n'));
    if (f['ready-file'] !== undefined) {
      const ready = {
        http: receiver.http,
        ...(receiver.grpc ? { grpc: receiver.grpc } : {}),
        ...(ui ? { ui: formatAddress(ui.host, ui.port) } : {}),
        out: receiver.out,
        pid: process.pid,
      };
      try {
        writeFileAtomic(f['ready-file'], JSON.stringify(ready) + '\n');
      } catch (err) {
        await ui?.close();
        await receiver.stop();
        throw err;
      }
    }
    await new Promise<void>((resolve) => {
      const done = () => resolve();
      ctx.signal.addEventListener('abort', done, { once: true });
      process.once('SIGTERM', done);
      receiver.once('stopped', done);
      if (f.duration !== undefined) setTimeout(done, f.duration * 1000).unref();
    });
    const stats = await receiver.stop();
    await ui?.close();
    if (failed) throw failed;
    if (f.json) printJson(ctx, stats);
    else if (!f.quiet)
      ctx.stderr.write(`${stats.out}: ${plural(stats.requests, 'request')} written (${plural(stats.spans, 'span')}, ${plural(stats.metricPoints, 'metric point')}, ${plural(stats.logRecords, 'log record')}), ${stats.rejected} rejected, ${stats.bytes} bytes\n`);
    return Exit.ok;
  },
});
