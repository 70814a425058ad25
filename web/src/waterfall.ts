// The waterfall of one trace: a row per span, indented by depth, a bar placed and
// sized by start and duration on the trace's time axis, coloured by kind, errors
// marked; a row with children collapses and expands (click the triangle, or ←/→).
import { cut, dur, el, plural } from './format';
import type { Invocation, Model } from './data';
import { KINDS } from './types';
import { VList } from './vlist';

/** Levels indented; deeper rows stay at this indent and show their depth. */
const MAX_INDENT = 8;

/** A "nice" tick step (1, 2 or 5 × 10^k) giving about `want` ticks over `total`. */
export function tickStep(total: number, want: number): number {
  const raw = total / Math.max(1, want);
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

/** The waterfall of the selected invocation's trace; `onSpan` is called with the span opened, `onClose` on Escape. */
export class Waterfall {
  private m!: Model;
  private first = 0;
  private end = 0;
  private total = 1;
  private rows: number[] = [];
  private collapsed = new Set<number>();
  private selectedSpan = -1;
  readonly list: VList;
  private readonly title: HTMLElement;
  private readonly axis: HTMLElement;
  private readonly panel: HTMLElement;

  constructor(host: HTMLElement, private readonly onSpan: (span: number) => void, private readonly onClose: () => void) {
    this.panel = host;
    this.title = el('div', { class: 'wf-title', 'data-testid': 'waterfall-title', text: 'Select an invocation to see its spans.' });
    this.axis = el('div', { class: 'wf-axis', 'aria-hidden': 'true' });
    const body = el('div', { class: 'wf-body' });
    host.append(el('div', { class: 'toolbar' }, el('h2', { text: 'Waterfall' }), this.title), el('div', { class: 'wf-cols wf-head' }, el('span', { text: 'span' }), this.axis), body);
    this.list = new VList(body, {
      rowHeight: 24,
      testid: 'span-row',
      label: 'Spans of the selected invocation',
      render: (i, row) => this.renderRow(i, row),
      open: (i) => this.open(this.rows[i]!),
      close: () => this.onClose(),
      side: (i, d) => this.side(this.rows[i]!, d),
      toggle: (i) => this.toggle(this.rows[i]!),
    });
    host.hidden = true;
  }

  load(m: Model): void {
    this.m = m;
  }

  show(inv: Invocation, keep = false): void {
    const t = inv.trace;
    const d = this.m.d;
    this.first = d.traces.first[t]!;
    this.end = this.first + d.traces.count[t]!;
    this.total = Math.max(1, d.traces.end[t]!);
    if (!keep) {
      this.collapsed.clear();
      this.selectedSpan = -1;
    }
    this.panel.hidden = false;
    this.title.replaceChildren(
      el('strong', { text: cut(inv.name, 120) }),
      ` trace ${this.m.traceId(t)} · ${plural(d.traces.count[t]!, 'span')} · ${dur(d.traces.end[t]!)}`,
    );
    this.drawAxis();
    this.layout(keep);
    if (!keep) this.list.host.scrollTop = 0;
    if (!keep) this.list.cursor(Math.max(0, this.rows.indexOf(inv.span)));
  }

  hide(): void {
    this.panel.hidden = true;
    this.selectedSpan = -1;
  }

  /** Shows a span's row (expanding its ancestors) and selects it. */
  reveal(span: number): void {
    const P = this.m.d.spans.parent;
    for (let p = P[span]!; p >= 0; p = P[p]!) this.collapsed.delete(p);
    this.layout(true);
    const at = this.rows.indexOf(span);
    if (at >= 0) this.list.cursor(at);
    this.open(span);
  }

  get selected(): number {
    return this.selectedSpan;
  }

  private open(span: number): void {
    this.selectedSpan = span;
    this.list.refresh();
    this.onSpan(span);
  }

  private hasChildren(i: number): boolean {
    const D = this.m.d.spans.depth;
    return i + 1 < this.end && D[i + 1]! > D[i]! && this.m.d.spans.parent[i + 1] !== -2;
  }

  private toggle(span: number): void {
    if (!this.hasChildren(span)) return;
    if (this.collapsed.has(span)) this.collapsed.delete(span);
    else this.collapsed.add(span);
    this.layout(true);
  }

  private side(span: number, d: -1 | 1): void {
    if (!this.hasChildren(span)) {
      const p = this.m.d.spans.parent[span]!;
      if (d < 0 && p >= 0) this.list.cursor(this.rows.indexOf(p));
      return;
    }
    if ((d < 0) !== this.collapsed.has(span)) this.toggle(span);
  }

  private layout(keep: boolean): void {
    const D = this.m.d.spans.depth;
    const rows: number[] = [];
    for (let i = this.first; i < this.end; i++) {
      rows.push(i);
      if (this.collapsed.has(i)) {
        const d = D[i]!;
        while (i + 1 < this.end && D[i + 1]! > d && this.m.d.spans.parent[i + 1] !== -2) i++;
      }
    }
    const cur = keep ? this.rows[this.list.current] : undefined;
    this.rows = rows;
    this.list.setCount(rows.length, keep);
    this.list.fit(60, 48);
    if (cur !== undefined) {
      const at = rows.indexOf(cur);
      if (at >= 0) this.list.cursor(at, false);
    }
  }

  private drawAxis(): void {
    const step = tickStep(this.total, 6);
    const ticks: HTMLElement[] = [];
    for (let v = 0; v <= this.total * 1.0001; v += step) {
      const left = (v / this.total) * 100;
      if (left > 90) break; // its label would run past the axis or into the one before
      const t = el('span', { class: 'tick', text: dur(v) });
      t.style.left = `${left}%`;
      ticks.push(t);
    }
    this.axis.replaceChildren(...ticks);
  }

  private renderRow(i: number, row: HTMLElement): void {
    const s = this.rows[i]!;
    const S = this.m.d.spans;
    const kind = KINDS[S.kind[s]!] ?? String(S.kind[s]);
    const err = S.status[s] === 2;
    row.className = `vrow wf-cols kind-${kind.toLowerCase()}${i === this.list.current ? ' cursor' : ''}${s === this.selectedSpan ? ' selected' : ''}${err ? ' error' : ''}`;
    row.dataset.span = String(s);
    row.dataset.spanId = this.m.spanId(s);
    const kids = this.hasChildren(s);
    const toggle = el('span', { class: `toggle${kids ? '' : ' leaf'}`, 'data-testid': 'span-toggle', 'aria-hidden': 'true', text: kids ? (this.collapsed.has(s) ? '▸' : '▾') : '' });
    if (kids) row.setAttribute('aria-expanded', this.collapsed.has(s) ? 'false' : 'true');
    else row.removeAttribute('aria-expanded');
    const name = this.m.str(S.name[s]!);
    const depth = S.depth[s]!;
    const label = el('span', { class: 'wf-name', title: cut(name, 500) },
      toggle,
      depth > MAX_INDENT ? el('span', { class: 'depth', title: `depth ${depth}`, text: `${depth}` }) : null,
      el('span', { class: 'kind', text: kind.slice(0, 6) }),
      el('span', { class: 'ellipsis', text: cut(name, 200) }),
      S.parent[s] === -2 ? el('span', { class: 'orphan', title: `parent ${S.orphanParent[s] ?? ''} is not in this file`, text: 'orphan' }) : null,
      err ? el('span', { class: 'err-mark', title: cut(this.m.str(S.statusMsg[s]!), 300) || 'error', text: '!' }) : null,
    );
    label.style.paddingLeft = `${Math.min(depth, MAX_INDENT) * 12 + 4}px`;
    const left = (S.start[s]! / this.total) * 100;
    const width = (S.dur[s]! / this.total) * 100;
    const bar = el('span', { class: 'bar', 'data-testid': 'span-bar', 'data-start': String(S.start[s]), 'data-dur': String(S.dur[s]) });
    bar.style.left = `${left}%`;
    bar.style.width = `max(${width}%, 2px)`;
    const lab = el('span', { class: 'bar-label', text: dur(S.dur[s]!) });
    // after the bar; before it when the bar ends near the right; inside it when it fills the track
    if (left + width <= 78) lab.style.left = `calc(${left + width}% + 4px)`;
    else if (left >= 18) lab.style.right = `calc(${100 - left}% + 4px)`;
    else {
      lab.classList.add('inside');
      lab.style.right = `calc(${Math.max(0, 100 - left - width)}% + 4px)`;
    }
    row.replaceChildren(label, el('span', { class: 'wf-track' }, bar, lab));
  }
}
