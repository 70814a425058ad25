'use strict';
// Benchmark of the HTML report (run: npm run build:ts && node bench/report.js [spans]).
// A dump of 100,000 spans by default (Lambda invocations of 3 spans each, made with the
// real OpenTelemetry JS SDK, in frames of 200 invocations), then side by side:
//   - the sizes: the dump, its spans as one JSON object each (`dump spans --json`),
//     and the report page (columns and a string table), with the ratios;
//   - the time to build the page (`writeReport`: five streaming passes and the tree);
//   - in headless chromium (Debian's, through playwright-core): the time from
//     navigation to the page drawn (`data-ready`), and to interactive: the first
//     invocation clicked and its waterfall rows drawn; and the number of row elements
//     in the document (the lists are virtualised: a few dozen, not 100,000);
//   - the same for one trace of as many spans (one root, every other span its child):
//     its waterfall opened, and the root folded (its 99,999 children hidden).
// Each timing is the median of NP_BENCH_RUNS (default 3) runs. The target of
// docs/report.md: under 40 MB and interactive in under 2 s.
const fs = require('fs');
const os = require('os');
const path = require('path');
const gen = require('../test/dump/gen.js');
const { writeReport } = require('../dist/report');
const dump = require('../dist/dump');

const wanted = Number(process.argv[2] || 100000);
const runs = Number(process.env.NP_BENCH_RUNS || 3);
const dataDir = path.join(__dirname, 'data');
fs.mkdirSync(dataDir, { recursive: true });
const MB = 1e6;

function makeDump(file, spans) {
  if (fs.existsSync(file)) return;
  const invocations = Math.ceil(spans / 3);
  const parts = [gen.header(), gen.frame('metadata', Buffer.from(JSON.stringify(gen.METADATA)), 0)];
  let start = 1795479225000000000n;
  let seq = 1;
  for (let done = 0; done < invocations; seq++) {
    const n = Math.min(200, invocations - done);
    parts.push(gen.frame('traces', gen.lambdaTraces({ invocations: n, seed: 1000 + seq, startNs: start }).proto, seq));
    start += BigInt(n) * 100000000n;
    done += n;
  }
  fs.writeFileSync(file + '.tmp', Buffer.concat(parts));
  fs.renameSync(file + '.tmp', file);
}

/** One trace: a root and `n - 1` children, made with the real SDK. */
function makeOneTrace(file, n) {
  if (fs.existsSync(file)) return;
  const api = require('@opentelemetry/api');
  const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
  const { resourceFromAttributes } = require('@opentelemetry/resources');
  const { ProtobufTraceSerializer } = require('@opentelemetry/otlp-transformer');
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'one-big-trace' }), spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('bench');
  const hr = (ns) => [Number(ns / 1000000000n), Number(ns % 1000000000n)];
  const t0 = 1795479225000000000n;
  const root = tracer.startSpan('root', { kind: api.SpanKind.SERVER, startTime: hr(t0) }, api.ROOT_CONTEXT);
  const ctx = api.trace.setSpan(api.ROOT_CONTEXT, root);
  const frames = [];
  for (let i = 1; i < n; i++) {
    const s = tracer.startSpan(`call-${i}`, { kind: api.SpanKind.CLIENT, startTime: hr(t0 + BigInt(i) * 1000n), attributes: { 'rpc.method': 'Get', index: i } }, ctx);
    s.end(hr(t0 + BigInt(i) * 1000n + 5000n));
    if (exporter.getFinishedSpans().length >= 5000) {
      frames.push(ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans()));
      exporter.reset();
    }
  }
  root.end(hr(t0 + BigInt(n) * 1000n + 10000n));
  frames.push(ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans()));
  fs.writeFileSync(file + '.tmp', gen.writeDump(frames.map((payload) => ({ kind: 'traces', payload }))));
  fs.renameSync(file + '.tmp', file);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const file = path.join(dataDir, `report-${wanted}.nptb`);
  let t = Date.now();
  makeDump(file, wanted);
  const summary = await dump.summarize(file);
  console.log(`dump: ${summary.spans} spans, ${summary.traces} traces, ${(fs.statSync(file).size / MB).toFixed(1)} MB (made or found in ${((Date.now() - t) / 1000).toFixed(1)} s)`);

  // one JSON object per span, as `dump spans --json` writes them
  let jsonBytes = 2;
  for await (const batch of dump.spanBatchesOf(file)) for (const s of batch) jsonBytes += Buffer.byteLength(JSON.stringify(s)) + 2;

  const out = path.join(os.tmpdir(), `np-bench-report-${process.pid}.html`);
  const build = [];
  let result;
  for (let i = 0; i < runs; i++) {
    t = process.hrtime.bigint();
    result = await writeReport(file, out);
    build.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const dumpBytes = fs.statSync(file).size;
  console.log('\nsizes');
  console.log(`  dump (.nptb, protobuf)            ${(dumpBytes / MB).toFixed(1).padStart(7)} MB   1.00x`);
  console.log(`  spans as JSON objects (--json)    ${(jsonBytes / MB).toFixed(1).padStart(7)} MB   ${(jsonBytes / dumpBytes).toFixed(2)}x`);
  console.log(`  report page (columns + strings)   ${(result.bytes / MB).toFixed(1).padStart(7)} MB   ${(result.bytes / dumpBytes).toFixed(2)}x  (${(result.bytes / result.spans).toFixed(0)} bytes/span; target < 40 MB)`);
  console.log(`\nbuild the page (writeReport)        ${median(build).toFixed(0).padStart(7)} ms  (${result.invocations} invocations, ${result.spans} spans)`);

  let chromium;
  try {
    ({ chromium } = require('playwright-core'));
  } catch {
    console.log('\nplaywright-core is missing: no browser figures');
    return;
  }
  if (!fs.existsSync('/usr/bin/chromium')) {
    console.log('\n/usr/bin/chromium is missing (apt-get install chromium): no browser figures');
    return;
  }
  const first = await inChromium(chromium, out, false);
  fs.rmSync(out, { force: true });
  console.log('\nin headless chromium (median of ' + runs + ')');
  console.log(`  navigation → DOMContentLoaded     ${median(first.parse).toFixed(0).padStart(7)} ms  (data parsed and first draw done in the page script)`);
  console.log(`  navigation → page drawn           ${String(median(first.ready)).padStart(7)} ms`);
  console.log(`  navigation → first waterfall      ${String(median(first.interactive)).padStart(7)} ms  (target < 2000 ms)`);
  console.log(`  row elements in the document      ${String(first.rowsInDom).padStart(7)}     (of ${result.invocations} invocations: virtualised)`);
  if (first.heap) console.log(`  JS heap used                      ${(first.heap / MB).toFixed(0).padStart(7)} MB`);

  const oneFile = path.join(dataDir, `report-one-trace-${wanted}.nptb`);
  makeOneTrace(oneFile, wanted);
  const oneOut = path.join(os.tmpdir(), `np-bench-report-one-${process.pid}.html`);
  const oneBuild = [];
  let one;
  for (let i = 0; i < runs; i++) {
    t = process.hrtime.bigint();
    one = await writeReport(oneFile, oneOut);
    oneBuild.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const big = await inChromium(chromium, oneOut, true);
  fs.rmSync(oneOut, { force: true });
  console.log(`\none trace of ${one.spans} spans: page ${(one.bytes / MB).toFixed(1)} MB, built in ${median(oneBuild).toFixed(0)} ms`);
  console.log(`  navigation → page drawn           ${String(median(big.ready)).padStart(7)} ms`);
  console.log(`  navigation → its waterfall        ${String(median(big.interactive)).padStart(7)} ms`);
  console.log(`  fold the root (hide ${one.spans - 1})     ${String(median(big.fold)).padStart(7)} ms`);
  console.log(`  row elements in the document      ${String(big.rowsInDom).padStart(7)}`);
}

async function inChromium(chromium, file, fold) {
  const r = { ready: [], interactive: [], parse: [], fold: [], rowsInDom: 0, heap: 0 };
  for (let i = 0; i < runs; i++) {
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'np-bench-chromium-'));
    const ctx = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      viewport: { width: 1400, height: 1000 },
    });
    const page = await ctx.newPage();
    const t0 = Date.now();
    await page.goto('file://' + file);
    await page.waitForSelector('body[data-ready="1"]', { timeout: 60000 });
    const t1 = Date.now();
    await page.getByTestId('invocation-row').first().click();
    await page.getByTestId('span-row').first().waitFor();
    const t2 = Date.now();
    r.ready.push(t1 - t0);
    r.interactive.push(t2 - t0);
    r.parse.push(await page.evaluate(() => performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd));
    if (fold) {
      const t3 = Date.now();
      await page.locator('[data-testid=span-row] .toggle:not(.leaf)').first().click();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=span-row]').length === 1);
      r.fold.push(Date.now() - t3);
    }
    r.rowsInDom = await page.locator('.vrow').count();
    r.heap = await page.evaluate(() => (performance.memory ? performance.memory.usedJSHeapSize : 0));
    await ctx.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  return r;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
