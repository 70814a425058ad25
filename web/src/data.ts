// Reading the embedded report data (lib/report/model.ts): strings, columns and the
// per-invocation facts the lists need, computed once.
import type { ReportData } from '../../lib/report/model';
import { ATTR_TYPES } from './types';

/** The embedded data's shape (lib/report/model.ts). */
export type { ReportData };

/** One attribute as the detail shows it. */
export interface Attr {
  key: string;
  type: string;
  value: string;
}

/** An invocation row's facts. */
export interface Invocation {
  row: number;
  span: number;
  trace: number;
  /** Start in ms after the report base. */
  at: number;
  service: string;
  name: string;
  invocationId: string;
  dur: number;
  count: number;
  error: boolean;
  cold: boolean;
  problems: Array<{ code: string; message: string }>;
  /** Lower-case text the filter matches. */
  text: string;
}

/** The embedded data with what the lists need computed once: invocation facts, problems by trace, and lookups of attributes, events, links and logs. */
export class Model {
  readonly d: ReportData;
  readonly s: string[];
  readonly invocations: Invocation[];
  /** Problems not tied to a trace. */
  readonly looseProblems: Array<{ code: string; message: string }>;
  private evIndex: Map<number, number[]> | undefined;
  private linkIndex: Map<number, number[]> | undefined;
  private logIndex: Map<number, number[]> | undefined;

  constructor(d: ReportData) {
    this.d = d;
    this.s = d.strings;
    const byTrace = new Map<number, Array<{ code: string; message: string }>>();
    this.looseProblems = [];
    const P = d.problems;
    for (let i = 0; i < P.length; i += 5) {
      const p = { code: this.s[P[i]!]!, message: this.s[P[i + 3]!]! };
      const t = P[i + 1]!;
      if (t < 0) this.looseProblems.push(p);
      else {
        let l = byTrace.get(t);
        if (!l) byTrace.set(t, (l = []));
        l.push(p);
      }
    }
    const S = d.spans;
    const invKey = this.s.indexOf('faas.invocation_id');
    this.invocations = d.invocations.span.map((span, row) => {
      const trace = S.trace[span]!;
      const service = this.resourceString(S.res[span]!, 'service.name');
      const name = this.s[S.name[span]!]!;
      const invocationId = invKey > 0 ? this.attrString(S.attr[span]!, S.attrN[span]!, invKey) : '';
      const problems = byTrace.get(trace) ?? [];
      const inv: Invocation = {
        row,
        span,
        trace,
        at: d.traces.at[trace]! + S.start[span]! / 1e6,
        service,
        name,
        invocationId,
        dur: S.dur[span]!,
        count: d.traces.count[trace]!,
        error: d.invocations.error[row] === 1,
        cold: d.invocations.cold[row] === 1,
        problems,
        text: '',
      };
      inv.text = [name, service, invocationId, this.traceId(trace), inv.error ? 'error' : 'ok', inv.cold ? 'cold start' : '', ...problems.map((p) => p.code)]
        .join('\n')
        .toLowerCase();
      return inv;
    });
  }

  str(i: number): string {
    return this.s[i] ?? '';
  }
  spanId(i: number): string {
    return this.d.spans.id.substr(i * 16, 16);
  }
  traceId(t: number): string {
    return this.d.traces.id.substr(t * 32, 32);
  }
  /** Exact start of a span, Unix ns. */
  startNs(i: number): bigint {
    const t = this.d.spans.trace[i]!;
    return BigInt(this.d.traces.base[t]!) + BigInt(this.d.spans.start[i]!);
  }
  attrs(first: number, n: number): Attr[] {
    const A = this.d.attrs;
    const out: Attr[] = [];
    for (let k = first; k < first + n; k++) {
      const key = this.s[A[k * 3]!]!;
      const t = A[k * 3 + 1]!;
      const v = A[k * 3 + 2]!;
      const type = ATTR_TYPES[t] ?? 'unknown';
      let value: string;
      if (t === 0 || t === 4 || t === 5) value = this.s[v]!;
      else if (t === 1) value = v ? 'true' : 'false';
      else if (t === 6) value = '(empty)';
      else value = String(v);
      out.push({ key, type, value });
    }
    return out;
  }
  attrString(first: number, n: number, key: number): string {
    const A = this.d.attrs;
    for (let k = first; k < first + n; k++) if (A[k * 3] === key && A[k * 3 + 1] === 0) return this.s[A[k * 3 + 2]!]!;
    return '';
  }
  resourceAttrs(r: number): Attr[] {
    return this.attrs(this.d.resources[r * 2]!, this.d.resources[r * 2 + 1]!);
  }
  resourceString(r: number, key: string): string {
    const k = this.s.indexOf(key);
    if (k <= 0 || this.d.resources.length <= r * 2) return '';
    return this.attrString(this.d.resources[r * 2]!, this.d.resources[r * 2 + 1]!, k);
  }
  /** Event record starts (index into d.events / 5) of a span. */
  eventsOf(span: number): number[] {
    if (!this.evIndex) this.evIndex = group(this.d.events, 5);
    return this.evIndex.get(span) ?? [];
  }
  linksOf(span: number): number[] {
    if (!this.linkIndex) this.linkIndex = group(this.d.links, 7);
    return this.linkIndex.get(span) ?? [];
  }
  logsOf(span: number): number[] {
    if (!this.logIndex) {
      this.logIndex = new Map();
      this.d.logs.span.forEach((s, i) => {
        if (s < 0) return;
        let l = this.logIndex!.get(s);
        if (!l) this.logIndex!.set(s, (l = []));
        l.push(i);
      });
    }
    return this.logIndex.get(span) ?? [];
  }
  /** The invocation row whose trace holds a span. */
  invocationOf(span: number): number {
    const t = this.d.spans.trace[span]!;
    let best = -1;
    for (const inv of this.invocations) {
      if (inv.trace !== t) continue;
      if (best < 0) best = inv.row;
      if (inv.span <= span) best = inv.row;
    }
    return best;
  }
}

function group(flat: number[], width: number): Map<number, number[]> {
  const m = new Map<number, number[]>();
  for (let i = 0; i < flat.length; i += width) {
    const s = flat[i]!;
    let l = m.get(s);
    if (!l) m.set(s, (l = []));
    l.push(i);
  }
  return m;
}
