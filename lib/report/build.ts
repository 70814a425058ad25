/**
 * Builds a report's data ({@link ReportData}) from a dump in streaming passes: spans
 * are turned into columns as they arrive (only the columns are kept, never the span
 * objects), then put in tree order.
 * @packageDocumentation
 */
import { checkLambda, logRecordsOf, metricPointsOf, spanBatchesOf, summarize } from '../dump';
import type { AttributeValue, Attributes, DumpSource, LambdaCheck, ReadOptions, Span } from '../dump';
import { NetProfilerError } from '../errors';
import type { ReportErrorCode } from './errors';
import { metricSeries } from './metrics';
import { REPORT_DATA_VERSION } from './model';
import type { ReportData, SpanColumns } from './model';

/** Options of {@link buildReportData}. */
export interface ReportDataOptions extends ReadOptions {
  /** Page title (default: the input's name). */
  title?: string;
  /** Most spans a report takes (default 2,000,000); more: `report-too-large`. */
  maxSpans?: number;
}

/** Interns strings: index 0 is "". */
class StringTable {
  readonly list: string[] = [''];
  private readonly map = new Map<string, number>([['', 0]]);
  id(s: string): number {
    let i = this.map.get(s);
    if (i === undefined) {
      i = this.list.length;
      this.list.push(s);
      this.map.set(s, i);
    }
    return i;
  }
}

/** Attribute triples with their string table. */
class AttrWriter {
  readonly out: number[] = [];
  constructor(private readonly strings: StringTable) {}
  /** Appends the attributes; returns [first triple, count]. */
  add(a: Attributes | undefined): [number, number] {
    const first = this.out.length / 3;
    if (!a) return [first, 0];
    let n = 0;
    for (const k in a) {
      this.value(this.strings.id(k), a[k]!);
      n++;
    }
    return [first, n];
  }
  private value(k: number, v: AttributeValue): void {
    const o = this.out;
    if (typeof v === 'string') o.push(k, 0, this.strings.id(v));
    else if (typeof v === 'boolean') o.push(k, 1, v ? 1 : 0);
    else if (typeof v === 'number') o.push(k, Number.isInteger(v) ? 2 : 3, v);
    else if (v === null) o.push(k, 6, 0);
    else if (Array.isArray(v)) o.push(k, 4, this.strings.id(JSON.stringify(v)));
    else o.push(k, 5, this.strings.id(JSON.stringify(v)));
  }
}

const SPAN_LIMIT = 2_000_000;

/** The spans as read, in file order: the number columns of {@link SpanColumns}, with the ids, times and dropped counts still raw. */
interface Raw extends Pick<SpanColumns, 'trace' | 'name' | 'kind' | 'status' | 'statusMsg' | 'attr' | 'attrN' | 'res' | 'scope' | 'flags' | 'traceState'> {
  ids: string[];
  parentIds: string[];
  start: bigint[];
  end: bigint[];
  dropped: Map<number, [number, number, number]>;
  /** [span, name, time, first, count] with the time as bigint until the base is known. */
  events: Array<[number, number, bigint, number, number]>;
  links: number[][];
}

/**
 * Reads a dump (a path or bytes: it is read in several passes) and returns the data of
 * its report: summary and diagnostics, spans in tree order as columns, invocation rows,
 * the Lambda check's problems, metric series and log records. A damaged dump gives
 * what is readable with its diagnostics; `strict` makes the first diagnostic an error.
 */
export async function buildReportData(source: string | Uint8Array, options: ReportDataOptions = {}): Promise<ReportData> {
  const { title, maxSpans = SPAN_LIMIT, ...read } = options;
  const name = read.name ?? (typeof source === 'string' ? source : '<buffer>');
  const ropts: ReadOptions = { ...read, name };
  const summary = await summarize(source, ropts);
  if (summary.spans > maxSpans)
    throw new NetProfilerError<ReportErrorCode>('report-too-large', `${name}: ${summary.spans} spans are more than a report page holds (${maxSpans})`, {
      file: name,
      fix: 'look at one trace with `dump spans FILE --tree --trace ID`, or convert the dump for Perfetto with `dump convert FILE --to chrome`',
    });
  const strings = new StringTable();
  const attrs = new AttrWriter(strings);
  const raw = await readSpans(source, ropts, strings, attrs);
  const check: LambdaCheck = summary.spans > 0 || summary.frames > 0 ? await checkLambda(source, { ...ropts, strict: false }) : { invocations: 0, ok: false, problems: [], diagnostics: [] };
  const base = summary.startTimeUnixNano ? BigInt(summary.startTimeUnixNano) : 0n;
  const tree = treeOrder(raw);
  const data = assemble(raw, tree, strings, attrs, base);
  // problems, with their spans located
  const problems: number[] = [];
  const spanAt = new Map<string, number>();
  for (let i = 0; i < data.spans.n; i++) spanAt.set(`${data.spans.trace[i]}/${data.spans.id.substr(i * 16, 16)}`, i);
  const traceAt = new Map<string, number>();
  for (let t = 0; t < data.traces.first.length; t++) traceAt.set(data.traces.id.substr(t * 32, 32), t);
  for (const p of check.problems) {
    const t = p.traceId !== undefined ? traceAt.get(p.traceId) ?? -1 : -1;
    const s = p.spanId !== undefined && t >= 0 ? spanAt.get(`${t}/${p.spanId}`) ?? -1 : -1;
    problems.push(strings.id(p.code), t, s, strings.id(p.message), strings.id(p.attribute ?? ''));
  }
  const metrics = await metricSeries(metricPointsOf(source, { ...ropts, strict: false }), base);
  const logs = await readLogs(source, { ...ropts, strict: false }, strings, attrs, base, spanAt, traceAt);
  const { diagnostics, ...rest } = summary;
  return {
    v: REPORT_DATA_VERSION,
    title: title ?? name,
    file: name,
    generated: new Date().toISOString(),
    summary: rest,
    diagnostics,
    strings: strings.list,
    base: base.toString(),
    ...data,
    attrs: attrs.out,
    problems,
    lambdaInvocations: check.invocations,
    metrics,
    logs,
  };
}

/** The data of a page with nothing in it (a live view before the file holds anything). */
export function emptyReportData(name: string, title?: string): ReportData {
  return {
    v: REPORT_DATA_VERSION,
    title: title ?? name,
    file: name,
    generated: new Date().toISOString(),
    summary: {
      format: 'nptb', gzip: false, ring: false, frames: 0, spans: 0, traces: 0, metricPoints: 0, logRecords: 0,
      dropped: { spans: 0, metricPoints: 0, logRecords: 0 }, metadata: null, firstSequence: null, lastSequence: null,
      startTimeUnixNano: null, endTimeUnixNano: null, services: [],
    },
    diagnostics: [],
    strings: [''],
    base: '0',
    traces: { id: '', base: [], at: [], first: [], count: [], end: [] },
    spans: {
      n: 0, trace: [], id: '', parent: [], depth: [], name: [], kind: [], start: [], dur: [], status: [], statusMsg: [], attr: [], attrN: [],
      res: [], scope: [], flags: [], traceState: [], orphanParent: {}, dropped: {},
    },
    invocations: { span: [], error: [], cold: [] },
    attrs: [], resources: [], scopes: [], events: [], links: [], problems: [], lambdaInvocations: 0, metrics: [],
    logs: { n: 0, at: [], sev: [], sevText: [], body: [], span: [], traceId: [], spanId: [], attr: [], attrN: [] },
  };
}

async function readSpans(source: DumpSource, o: ReadOptions, strings: StringTable, attrs: AttrWriter): Promise<Raw> {
  const r: Raw = {
    trace: [], ids: [], parentIds: [], name: [], kind: [], start: [], end: [], status: [], statusMsg: [], attr: [], attrN: [], res: [], scope: [], flags: [], traceState: [],
    dropped: new Map(), events: [], links: [],
  };
  const traces = new Map<string, number>();
  const resSeen = new WeakMap<object, number>();
  const resByText = new Map<string, number>();
  const resList: number[] = [];
  const scopes = new Map<string, number>();
  const scopeList: number[] = [];
  const seen = new Set<string>();
  for await (const batch of spanBatchesOf(source, { ...o, strict: false })) {
    for (const s of batch) {
      let t = traces.get(s.traceId);
      if (t === undefined) traces.set(s.traceId, (t = traces.size));
      const key = `${t}/${s.spanId}`;
      if (seen.has(key)) continue; // a span written twice (a retried export) is shown once
      seen.add(key);
      const i = r.trace.length;
      r.trace.push(t);
      r.ids.push(s.spanId.padStart(16, '0').slice(0, 16));
      r.parentIds.push(s.parentSpanId);
      r.name.push(strings.id(s.name));
      r.kind.push(s.kind);
      const start = BigInt(s.startTimeUnixNano);
      const end = BigInt(s.endTimeUnixNano);
      r.start.push(start);
      r.end.push(end < start ? start : end);
      r.status.push(s.status.code);
      r.statusMsg.push(strings.id(s.status.message));
      const [a, n] = attrs.add(s.attributes);
      r.attr.push(a);
      r.attrN.push(n);
      r.res.push(resourceIndex(s, resSeen, resByText, resList, attrs));
      const sk = `${s.scope.name}\u0000${s.scope.version}`;
      let sc = scopes.get(sk);
      if (sc === undefined) {
        scopes.set(sk, (sc = scopes.size));
        scopeList.push(strings.id(s.scope.name), strings.id(s.scope.version));
      }
      r.scope.push(sc);
      r.flags.push(s.flags);
      r.traceState.push(strings.id(s.traceState));
      if (s.droppedAttributesCount || s.droppedEventsCount || s.droppedLinksCount) r.dropped.set(i, [s.droppedAttributesCount, s.droppedEventsCount, s.droppedLinksCount]);
      for (const e of s.events) {
        const [ea, en] = attrs.add(e.attributes);
        r.events.push([i, strings.id(e.name), BigInt(e.timeUnixNano), ea, en]);
      }
      for (const l of s.links) {
        const [la, ln] = attrs.add(l.attributes);
        r.links.push([i, strings.id(l.traceId), strings.id(l.spanId), strings.id(l.traceState), l.flags, la, ln]);
      }
    }
  }
  (r as Raw & { traceIds: string[] }).traceIds = [...traces.keys()];
  (r as Raw & { resources: number[] }).resources = resList;
  (r as Raw & { scopes: number[] }).scopes = scopeList;
  return r;
}

function resourceIndex(s: Span, seen: WeakMap<object, number>, byText: Map<string, number>, list: number[], attrs: AttrWriter): number {
  const known = seen.get(s.resource);
  if (known !== undefined) return known;
  const text = JSON.stringify(s.resource);
  let i = byText.get(text);
  if (i === undefined) {
    i = byText.size;
    byText.set(text, i);
    const [a, n] = attrs.add(s.resource);
    list.push(a, n);
  }
  seen.set(s.resource, i);
  return i;
}

interface TreeOrder {
  /** New position → raw index. */
  order: number[];
  /** Raw index → parent raw index (-1 root, -2 orphan). */
  parent: Int32Array;
  depth: Int32Array;
  /** Traces in start order: [trace, first new position, count]. */
  traces: Array<[number, number, number]>;
}

function treeOrder(r: Raw): TreeOrder {
  const n = r.trace.length;
  const parent = new Int32Array(n).fill(-1);
  const depth = new Int32Array(n);
  const at = new Map<string, number>();
  for (let i = 0; i < n; i++) at.set(`${r.trace[i]}/${r.ids[i]}`, i);
  const children: number[][] = Array.from({ length: n }, () => []);
  const byTrace = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const p = r.parentIds[i] ? at.get(`${r.trace[i]}/${r.parentIds[i]}`) : undefined;
    if (p !== undefined && p !== i) {
      parent[i] = p;
      children[p]!.push(i);
    } else {
      parent[i] = r.parentIds[i] ? -2 : -1;
      let roots = byTrace.get(r.trace[i]!);
      if (!roots) byTrace.set(r.trace[i]!, (roots = []));
      roots.push(i);
    }
  }
  const cmp = (a: number, b: number) => (r.start[a]! < r.start[b]! ? -1 : r.start[a]! > r.start[b]! ? 1 : a - b);
  const order: number[] = [];
  const placed = new Uint8Array(n);
  const traceStart = new Map<number, bigint>();
  for (let i = 0; i < n; i++) {
    const t = r.trace[i]!;
    const s = traceStart.get(t);
    if (s === undefined || r.start[i]! < s) traceStart.set(t, r.start[i]!);
  }
  const traceList = [...traceStart.keys()].sort((a, b) => (traceStart.get(a)! < traceStart.get(b)! ? -1 : traceStart.get(a)! > traceStart.get(b)! ? 1 : a - b));
  // spans of a trace in a parent cycle (damaged input) are reached from no root: they
  // become roots of their own (orphans)
  const members = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    let m = members.get(r.trace[i]!);
    if (!m) members.set(r.trace[i]!, (m = []));
    m.push(i);
  }
  const traces: Array<[number, number, number]> = [];
  for (const t of traceList) {
    const first = order.length;
    const roots = (byTrace.get(t) ?? []).sort(cmp);
    const visit = (root: number) => {
      const stack: Array<[number, number]> = [[root, 0]];
      while (stack.length) {
        const [i, d] = stack.pop()!;
        if (placed[i]) continue;
        placed[i] = 1;
        depth[i] = d;
        order.push(i);
        const c = children[i]!.sort(cmp);
        for (let k = c.length - 1; k >= 0; k--) stack.push([c[k]!, d + 1]);
      }
    };
    for (const root of roots) visit(root);
    for (const i of members.get(t)!) {
      if (placed[i]) continue;
      parent[i] = -2;
      visit(i);
    }
    traces.push([t, first, order.length - first]);
  }
  return { order, parent, depth, traces };
}

function assemble(r: Raw, tree: TreeOrder, strings: StringTable, attrs: AttrWriter, base: bigint) {
  const raw = r as Raw & { traceIds: string[]; resources: number[]; scopes: number[] };
  const { order } = tree;
  const n = order.length;
  const pos = new Int32Array(n);
  order.forEach((rawI, p) => (pos[rawI] = p));
  const traceBase: bigint[] = new Array(raw.traceIds.length);
  const traceEnd: bigint[] = new Array(raw.traceIds.length);
  for (let i = 0; i < n; i++) {
    const t = r.trace[i]!;
    if (traceBase[t] === undefined || r.start[i]! < traceBase[t]!) traceBase[t] = r.start[i]!;
    if (traceEnd[t] === undefined || r.end[i]! > traceEnd[t]!) traceEnd[t] = r.end[i]!;
  }
  // traces renumbered in start order
  const newTrace = new Int32Array(raw.traceIds.length);
  tree.traces.forEach(([t], k) => (newTrace[t] = k));
  const pick = <T>(col: T[]) => order.map((i) => col[i]!);
  const spans = {
    n,
    trace: order.map((i) => newTrace[r.trace[i]!]!),
    id: order.map((i) => r.ids[i]).join(''),
    parent: order.map((i) => (tree.parent[i]! >= 0 ? pos[tree.parent[i]!]! : tree.parent[i]!)),
    depth: order.map((i) => tree.depth[i]!),
    name: pick(r.name),
    kind: pick(r.kind),
    start: order.map((i) => Number(r.start[i]! - traceBase[r.trace[i]!]!)),
    dur: order.map((i) => Number(r.end[i]! - r.start[i]!)),
    status: pick(r.status),
    statusMsg: pick(r.statusMsg),
    attr: pick(r.attr),
    attrN: pick(r.attrN),
    res: pick(r.res),
    scope: pick(r.scope),
    flags: pick(r.flags),
    traceState: pick(r.traceState),
    orphanParent: {} as Record<string, string>,
    dropped: {} as Record<string, [number, number, number]>,
  };
  for (let p = 0; p < n; p++) if (spans.parent[p] === -2) spans.orphanParent[p] = r.parentIds[order[p]!]!;
  for (const [i, d] of r.dropped) spans.dropped[pos[i]!] = d;
  const traces = {
    id: tree.traces.map(([t]) => raw.traceIds[t]!.padStart(32, '0').slice(0, 32)).join(''),
    base: tree.traces.map(([t]) => traceBase[t]!.toString()),
    at: tree.traces.map(([t]) => Number(traceBase[t]! - base) / 1e6),
    first: tree.traces.map(([, f]) => f),
    count: tree.traces.map(([, , c]) => c),
    end: tree.traces.map(([t]) => Number(traceEnd[t]! - traceBase[t]!)),
  };
  const invocations = { span: [] as number[], error: [] as number[], cold: [] as number[] };
  const coldKey = strings.id('faas.coldstart');
  tree.traces.forEach(([, first, count]) => {
    let error = 0;
    for (let p = first; p < first + count; p++) if (spans.status[p] === 2) error = 1;
    const rows: number[] = [];
    for (let p = first; p < first + count; p++) if (spans.parent[p] === -1) rows.push(p);
    if (rows.length === 0) rows.push(first);
    for (const p of rows) {
      let cold = 0;
      for (let k = spans.attr[p]!, e = k + spans.attrN[p]!; k < e; k++) if (attrs.out[k * 3] === coldKey && attrs.out[k * 3 + 1] === 1 && attrs.out[k * 3 + 2] === 1) cold = 1;
      invocations.span.push(p);
      invocations.error.push(error);
      invocations.cold.push(cold);
    }
  });
  const events: number[] = [];
  const evs = r.events.map((e) => [pos[e[0]]!, e[1], Number(e[2] - traceBase[r.trace[e[0]]!]!), e[3], e[4]] as number[]);
  evs.sort((a, b) => a[0]! - b[0]!);
  for (const e of evs) events.push(...e);
  const links: number[] = [];
  const lks = r.links.map((l) => [pos[l[0]!]!, ...l.slice(1)]);
  lks.sort((a, b) => a[0]! - b[0]!);
  for (const l of lks) links.push(...l);
  return { traces, spans, invocations, resources: raw.resources, scopes: raw.scopes, events, links };
}

async function readLogs(source: DumpSource, o: ReadOptions, strings: StringTable, attrs: AttrWriter, base: bigint, spanAt: Map<string, number>, traceAt: Map<string, number>): Promise<ReportData['logs']> {
  const logs: ReportData['logs'] = { n: 0, at: [], sev: [], sevText: [], body: [], span: [], traceId: [], spanId: [], attr: [], attrN: [] };
  for await (const l of logRecordsOf(source, o)) {
    const t = l.timeUnixNano !== '0' ? l.timeUnixNano : l.observedTimeUnixNano;
    logs.at.push(Number(BigInt(t || '0') - base) / 1e6);
    logs.sev.push(l.severityNumber);
    logs.sevText.push(strings.id(l.severityText));
    logs.body.push(strings.id(typeof l.body === 'string' ? l.body : JSON.stringify(l.body)));
    const tr = l.traceId ? traceAt.get(l.traceId) : undefined;
    logs.span.push(tr !== undefined && l.spanId ? spanAt.get(`${tr}/${l.spanId}`) ?? -1 : -1);
    logs.traceId.push(strings.id(l.traceId));
    logs.spanId.push(strings.id(l.spanId));
    const [a, n] = attrs.add(l.attributes);
    logs.attr.push(a);
    logs.attrN.push(n);
    logs.n++;
  }
  return logs;
}
