/**
 * The trace tree for the terminal (`dump spans --tree`, and what `run` prints after the
 * program ends): every trace as an indented tree, parents before children, siblings by
 * start time, with offsets, durations, status and the attributes that say most for each
 * kind of span (`docs/report.md`).
 * @packageDocumentation
 */
import { NetProfilerError } from '../errors';
import { spanBatchesOf } from '../dump';
import type { AttributeValue, DumpSource, ReadOptions, Span } from '../dump';
import type { ReportErrorCode } from './errors';

/** The part of a span the tree shows (a few dozen bytes; attributes are not kept). */
export interface TreeSpan {
  /** Trace id (hex). */
  traceId: string;
  /** Span id (hex). */
  spanId: string;
  /** Parent span id, or `""`. */
  parentSpanId: string;
  /** Span name. */
  name: string;
  /** OTLP span kind number. */
  kind: number;
  /** Start, Unix nanoseconds. */
  start: bigint;
  /** End, Unix nanoseconds. */
  end: bigint;
  /** OTLP status code (2 = error). */
  statusCode: number;
  /** Status message. */
  statusMessage: string;
  /** `service.name` of the resource, or `""`. */
  service: string;
  /** The telling attributes, already written as `key=value`. */
  telling: string[];
  /** `faas.invocation_id`, or `""`. */
  invocationId: string;
  /** `faas.coldstart` is true. */
  coldStart: boolean;
}

/** One node of a trace tree. */
export interface TreeNode {
  /** The span. */
  span: TreeSpan;
  /** Children, by start time. */
  children: TreeNode[];
  /** The parent id is set but that span is not among the spans given. */
  orphan: boolean;
}

/** One trace: its roots (and orphans) by start time. */
export interface TraceTree {
  /** Trace id (hex). */
  traceId: string;
  /** Earliest span start of the trace, Unix nanoseconds. */
  start: bigint;
  /** Latest span end of the trace, Unix nanoseconds. */
  end: bigint;
  /** Root spans and orphans, by start time. */
  roots: TreeNode[];
  /** Number of spans. */
  spans: number;
}

/** Which traces to show. */
export interface TreeFilter {
  /** Only this trace (32 hex digits). */
  traceId?: string;
  /** Only the traces holding a span whose `faas.invocation_id` is this. */
  invocationId?: string;
}

/** How to write the tree. */
export interface TreeFormatOptions {
  /** ANSI colour (the caller decides: a TTY without NO_COLOR). Default false. */
  color?: boolean;
  /** Widest name column before names are cut (default 60). */
  nameWidth?: number;
}

const KINDS = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const SERVER = 2;
const CLIENT = 3;

/** Control characters (C0, DEL, C1) would drive the terminal: they are shown escaped. */
function clean(s: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  let t = s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
  if (t.length > max) t = t.slice(0, max - 1) + '…';
  return t;
}

function valueText(v: AttributeValue): string {
  if (Array.isArray(v)) return `[${v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(',')}]`;
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

/** The attributes that say most for a span of this kind, in this order. */
const TELLING: Record<number, string[]> = {
  [SERVER]: ['faas.invocation_id', 'http.route', 'url.path', 'rpc.method'],
  [CLIENT]: ['aws.dynamodb.table_names', 'rpc.method', 'db.system', 'http.request.method', 'url.full', 'server.address'],
};

function telling(s: Span): string[] {
  const out: string[] = [];
  const show = (k: string) => {
    const v = s.attributes[k];
    if (v === undefined || v === null || v === '') return false;
    out.push(`${k}=${clean(valueText(v), 80)}`);
    return true;
  };
  // the first of the kind's list that is set; a method goes with its URL
  for (const k of TELLING[s.kind] ?? ['rpc.method', 'db.system', 'messaging.system', 'code.function']) {
    if (!show(k)) continue;
    if (k === 'http.request.method') show('url.full');
    break;
  }
  const code = s.attributes['http.response.status_code'];
  if (typeof code === 'number' && code >= 400) show('http.response.status_code');
  show('error.type');
  return out;
}

/** Keeps what the tree shows of a span. */
export function treeSpan(s: Span): TreeSpan {
  const inv = s.attributes['faas.invocation_id'];
  const service = s.resource['service.name'];
  return {
    traceId: s.traceId,
    spanId: s.spanId,
    parentSpanId: s.parentSpanId,
    name: s.name,
    kind: s.kind,
    start: BigInt(s.startTimeUnixNano),
    end: BigInt(s.endTimeUnixNano),
    statusCode: s.status.code,
    statusMessage: s.status.message,
    service: typeof service === 'string' ? service : '',
    telling: telling(s),
    invocationId: typeof inv === 'string' ? inv : '',
    coldStart: s.attributes['faas.coldstart'] === true,
  };
}

const byStart = (a: TreeNode, b: TreeNode) => (a.span.start < b.span.start ? -1 : a.span.start > b.span.start ? 1 : 0);

/**
 * Builds the trees of the given spans (any order): per trace, parents before children,
 * siblings by start time; a span whose parent is not among them is a root marked
 * `orphan`. Traces come by start time.
 */
export function buildTraceTrees(spans: Iterable<TreeSpan | Span>, filter: TreeFilter = {}): TraceTree[] {
  const byTrace = new Map<string, TreeSpan[]>();
  for (const x of spans) {
    const s = typeof (x as TreeSpan).start === 'bigint' ? (x as TreeSpan) : treeSpan(x as Span);
    if (filter.traceId && s.traceId !== filter.traceId.toLowerCase()) continue;
    let list = byTrace.get(s.traceId);
    if (!list) byTrace.set(s.traceId, (list = []));
    list.push(s);
  }
  const trees: TraceTree[] = [];
  for (const [traceId, list] of byTrace) {
    if (filter.invocationId && !list.some((s) => s.invocationId === filter.invocationId)) continue;
    const nodes = new Map<string, TreeNode>();
    for (const s of list) if (!nodes.has(s.spanId)) nodes.set(s.spanId, { span: s, children: [], orphan: false });
    const roots: TreeNode[] = [];
    let start = list[0]!.start;
    let end = list[0]!.end;
    for (const node of nodes.values()) {
      const s = node.span;
      if (s.start < start) start = s.start;
      if (s.end > end) end = s.end;
      const parent = s.parentSpanId && s.parentSpanId !== s.spanId ? nodes.get(s.parentSpanId) : undefined;
      if (parent) parent.children.push(node);
      else {
        node.orphan = Boolean(s.parentSpanId);
        roots.push(node);
      }
    }
    // a parent cycle (a damaged file) leaves spans unreachable from any root: show them as roots
    const seen = new Set<TreeNode>();
    const walk = (n: TreeNode) => {
      const stack = [n];
      while (stack.length) {
        const m = stack.pop()!;
        if (seen.has(m)) continue;
        seen.add(m);
        m.children.sort(byStart);
        for (const c of m.children) stack.push(c);
      }
    };
    for (const r of roots) walk(r);
    for (const node of nodes.values()) {
      if (seen.has(node)) continue;
      const parent = nodes.get(node.span.parentSpanId);
      if (parent) parent.children.splice(parent.children.indexOf(node), 1);
      node.orphan = true;
      roots.push(node);
      walk(node);
    }
    roots.sort(byStart);
    trees.push({ traceId, start, end, roots, spans: nodes.size });
  }
  trees.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  return trees;
}

function ms(ns: bigint): string {
  return `${(Number(ns) / 1e6).toFixed(1)} ms`;
}

const ESC = {
  reset: '\x1b[0m',
  bold: '\x1b[1m',
  dim: '\x1b[2m',
  red: '\x1b[31m',
  green: '\x1b[32m',
  yellow: '\x1b[33m',
  blue: '\x1b[34m',
  magenta: '\x1b[35m',
  cyan: '\x1b[36m',
};
const KIND_COLOUR: Record<number, string> = { 2: ESC.cyan, 3: ESC.magenta, 4: ESC.yellow, 5: ESC.blue };

/** Writes one trace as text lines (each ending in a newline). */
export function formatTraceTree(tree: TraceTree, options: TreeFormatOptions = {}): string {
  const color = Boolean(options.color);
  const nameMax = options.nameWidth ?? 60;
  const paint = (code: string, s: string) => (color && code ? code + s + ESC.reset : s);
  interface Row { prefix: string; node: TreeNode }
  const rows: Row[] = [];
  const visit = (node: TreeNode, lead: string, last: boolean) => {
    rows.push({ prefix: lead + (last ? '└─ ' : '├─ '), node });
    const next = lead + (last ? '   ' : '│  ');
    node.children.forEach((c, i) => visit(c, next, i === node.children.length - 1));
  };
  // iterative guard for very deep trees: recursion depth is the tree depth, bounded by
  // the span count of one trace; traces deeper than this are flattened below it
  const deep = (node: TreeNode, depth: number): boolean => depth > 2000 || node.children.some((c) => deep(c, depth + 1));
  if (tree.roots.some((r) => deep(r, 0))) {
    for (const r of tree.roots) {
      const stack: Array<{ n: TreeNode; d: number }> = [{ n: r, d: 0 }];
      while (stack.length) {
        const { n, d } = stack.pop()!;
        rows.push({ prefix: '   '.repeat(Math.min(d, 50)) + '└─ ', node: n });
        for (let i = n.children.length - 1; i >= 0; i--) stack.push({ n: n.children[i]!, d: d + 1 });
      }
    }
  } else tree.roots.forEach((r, i) => visit(r, '', i === tree.roots.length - 1));

  const label = (r: Row) => `${r.prefix}${KINDS[r.node.span.kind] ?? String(r.node.span.kind)} ${clean(r.node.span.name, nameMax)}`;
  const width = Math.max(...rows.map((r) => [...label(r)].length));
  const offW = Math.max(...rows.map((r) => ms(r.node.span.start - tree.start).length));
  const durW = Math.max(...rows.map((r) => ms(r.node.span.end - r.node.span.start).length));
  const root = tree.roots.find((r) => !r.orphan) ?? tree.roots[0]!;
  const service = clean(root.span.service || root.span.name, 60);
  const when = new Date(Number(tree.start / 1000000n)).toISOString();
  const cold = tree.roots.some((r) => r.span.coldStart) ? '  cold start' : '';
  let out = `${paint(ESC.bold, `trace ${tree.traceId}`)}  ${service}  ${when}  ${ms(tree.end - tree.start)}  ${tree.spans} span${tree.spans === 1 ? '' : 's'}${paint(ESC.yellow, cold)}\n`;
  for (const r of rows) {
    const s = r.node.span;
    const kind = KINDS[s.kind] ?? String(s.kind);
    const lab = label(r);
    const pad = ' '.repeat(width - [...lab].length);
    const text = `${r.prefix}${paint(KIND_COLOUR[s.kind] ?? '', kind)} ${clean(s.name, nameMax)}${pad}`;
    const off = ms(s.start - tree.start).padStart(offW);
    const dur = ('+' + ms(s.end - s.start)).padStart(durW + 1);
    const status = s.statusCode === 2 ? paint(ESC.red, `ERROR${s.statusMessage ? ' ' + clean(s.statusMessage, 80) : ''}`) : paint(ESC.green, 'ok   ');
    const extra = [...s.telling];
    if (r.node.orphan) extra.push(paint(ESC.yellow, `(parent ${s.parentSpanId} not in this file)`));
    out += `${text}  ${paint(ESC.dim, off)} ${dur}  ${status}${extra.length ? '  ' + extra.join('  ') : ''}\n`.replace(/ +\n$/, '\n');
  }
  return out;
}

/** What {@link printTraceTrees} wrote. */
export interface TreePrintResult {
  /** Traces written. */
  traces: number;
  /** Spans written. */
  spans: number;
}

/**
 * Reads the spans of a dump and writes every trace as a tree to `write`. With
 * `traceId` or `invocationId`, only the matching traces; when nothing matches it throws
 * `no-such-trace` / `no-such-invocation` (nothing written). Memory: the shown part of
 * every span of the dump (attributes are not kept).
 */
export async function printTraceTrees(
  source: DumpSource,
  write: (text: string) => void | Promise<void>,
  options: ReadOptions & TreeFilter & TreeFormatOptions = {},
): Promise<TreePrintResult> {
  const { traceId, invocationId, color, nameWidth, ...read } = options;
  const spans: TreeSpan[] = [];
  for await (const batch of spanBatchesOf(source, { ...read, ...(traceId ? { traceId: traceId.toLowerCase() } : {}) }))
    for (const s of batch) spans.push(treeSpan(s));
  const trees = buildTraceTrees(spans, { ...(traceId ? { traceId } : {}), ...(invocationId ? { invocationId } : {}) });
  const name = read.name ?? (typeof source === 'string' ? source : '<input>');
  if (traceId && trees.length === 0)
    throw new NetProfilerError<ReportErrorCode>('no-such-trace', `${name}: no span of trace ${traceId}`, { fix: 'list the trace ids with `net-profiler dump spans FILE --tree`' });
  if (invocationId && trees.length === 0)
    throw new NetProfilerError<ReportErrorCode>('no-such-invocation', `${name}: no span has faas.invocation_id ${JSON.stringify(invocationId.slice(0, 80))}`, {
      fix: 'list the invocation ids with `net-profiler dump spans FILE --tree` (SERVER spans show faas.invocation_id)',
    });
  let n = 0;
  for (const t of trees) {
    await write(formatTraceTree(t, { color: Boolean(color), ...(nameWidth ? { nameWidth } : {}) }));
    n += t.spans;
  }
  return { traces: trees.length, spans: n };
}
