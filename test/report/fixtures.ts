// Dumps for the report tests, made with the real OpenTelemetry SDK (test/dump/gen.js)
// and written into a temporary folder.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { gen } from '../dump/helpers';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const api = require('@opentelemetry/api');
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { resourceFromAttributes } = require('@opentelemetry/resources');
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { ProtobufTraceSerializer } = require('@opentelemetry/otlp-transformer');

export const FIXTURES = path.join(__dirname, '..', 'dump', 'fixtures');

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'np-report-'));
}

/** Values that would run or load something if a page used them as markup. */
export const HOSTILE = {
  script: '<script>window.__pwned = 1</script>',
  img: '"><img src=x onerror="window.__pwned = 2">',
  big: 'x'.repeat(1 << 20),
};

/** A dump whose span names, attributes and resource hold {@link HOSTILE} values. */
export function hostileDump(): Buffer {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': HOSTILE.script, 'host.name': HOSTILE.img, 'big.value': HOSTILE.big }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer(HOSTILE.img, HOSTILE.script);
  const t0 = 1795479225000000000n;
  const hr = (ns: bigint) => [Number(ns / 1000000000n), Number(ns % 1000000000n)];
  const root = tracer.startSpan(HOSTILE.script, { kind: api.SpanKind.SERVER, startTime: hr(t0), attributes: { 'faas.invocation_id': HOSTILE.img, 'evil.script': HOSTILE.script } }, api.ROOT_CONTEXT);
  const ctx = api.trace.setSpan(api.ROOT_CONTEXT, root);
  const child = tracer.startSpan(HOSTILE.img, { kind: api.SpanKind.CLIENT, startTime: hr(t0 + 1000000n), attributes: { 'evil.img': HOSTILE.img, 'evil.big': HOSTILE.big } }, ctx);
  child.addEvent(HOSTILE.script, { [HOSTILE.img]: HOSTILE.script }, hr(t0 + 1500000n));
  child.end(hr(t0 + 3000000n));
  const big = tracer.startSpan(HOSTILE.big, { kind: api.SpanKind.INTERNAL, startTime: hr(t0 + 3500000n) }, ctx);
  big.end(hr(t0 + 4000000n));
  root.end(hr(t0 + 5000000n));
  const proto = ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans());
  return gen.writeDump([{ kind: 'traces', payload: proto }]);
}

/**
 * A misshapen Lambda dump: invocations without `faas.invocation_id` and `cloud.region`,
 * and a trace whose SERVER span is missing (its client spans are orphans).
 */
export function misshapenDump(): { bytes: Buffer; orphanTrace: string; missingTraces: string[] } {
  const bad = gen.lambdaTraces({ invocations: 2, seed: 31, omit: ['faas.invocation_id', 'cloud.region'] });
  const lost = gen.lambdaTraces({ invocations: 1, seed: 32, startNs: 1795479226000000000n });
  const clientsOnly = lost.spans.filter((s: any) => s.kind !== api.SpanKind.SERVER);
  const bytes = gen.writeDump([
    { kind: 'traces', payload: bad.proto },
    { kind: 'traces', payload: ProtobufTraceSerializer.serializeRequest(clientsOnly) },
  ]);
  return { bytes, orphanTrace: lost.perInvocation[0]!.traceId, missingTraces: bad.perInvocation.map((p) => p.traceId) };
}

/** A dump of `n` invocations of 3 spans each, as several trace frames. */
export function lambdaDump(invocations: number, seed = 41): Buffer {
  const frames: Array<{ kind: string; payload: Uint8Array }> = [];
  let start = 1795479225000000000n;
  for (let done = 0; done < invocations; ) {
    const n = Math.min(200, invocations - done);
    frames.push({ kind: 'traces', payload: gen.lambdaTraces({ invocations: n, seed: seed + done, startNs: start }).proto });
    start += BigInt(n) * 100000000n;
    done += n;
  }
  return gen.writeDump(frames);
}
