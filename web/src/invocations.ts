// The invocation list: one row per invocation (root span), sortable by start and by
// duration, filterable by text, with the Lambda check's problems as badges.
import { count, cut, dur, el, isoAt } from './format';
import type { Invocation, Model } from './data';
import { VList } from './vlist';

type SortKey = 'start' | 'duration';

/** The invocation list with its filter, sort buttons and count; `onOpen` is called with the invocation opened. */
export class InvocationList {
  private m!: Model;
  private base = 0n;
  private view: Invocation[] = [];
  private sort: SortKey = 'start';
  private desc = false;
  private filter = '';
  private selected = -1;
  readonly list: VList;
  private readonly countLabel: HTMLElement;
  private readonly sortButtons: Record<SortKey, HTMLButtonElement>;
  readonly input: HTMLInputElement;

  constructor(host: HTMLElement, private readonly onOpen: (inv: Invocation) => void) {
    this.input = el('input', { type: 'search', placeholder: 'Filter: name, service, invocation or trace id, error, problem…', 'data-testid': 'filter-input', 'aria-label': 'Filter invocations' });
    this.input.addEventListener('input', () => {
      this.filter = this.input.value.trim().toLowerCase();
      this.apply();
    });
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowDown' || e.key === 'Enter') {
        e.preventDefault();
        this.list.host.focus();
        if (this.list.current < 0) this.list.cursor(0);
      }
    });
    const sortButton = (key: SortKey, label: string) => {
      const b = el('button', { type: 'button', class: 'sort', 'data-testid': `sort-${key}`, text: label });
      b.addEventListener('click', () => {
        if (this.sort === key) this.desc = !this.desc;
        else {
          this.sort = key;
          this.desc = key === 'duration';
        }
        this.apply();
      });
      return b;
    };
    this.sortButtons = { start: sortButton('start', 'start'), duration: sortButton('duration', 'duration') };
    this.countLabel = el('span', { class: 'count', 'data-testid': 'invocation-count' });
    const head = el('div', { class: 'inv-cols colhead', role: 'presentation' },
      this.sortButtons.start, el('span', { text: 'service' }), el('span', { text: 'name' }), this.sortButtons.duration,
      el('span', { class: 'num', text: 'spans' }), el('span', { text: 'status' }), el('span', { text: 'problems' }));
    const body = el('div', { class: 'inv-body' });
    host.append(el('div', { class: 'toolbar' }, el('h2', { text: 'Invocations' }), this.input, this.countLabel), head, body);
    this.list = new VList(body, {
      rowHeight: 26,
      testid: 'invocation-row',
      label: 'Invocations',
      render: (i, row) => this.renderRow(i, row),
      open: (i) => {
        const inv = this.view[i];
        if (inv) {
          this.selected = inv.row;
          this.list.refresh();
          this.onOpen(inv);
        }
      },
    });
  }

  load(m: Model): void {
    this.m = m;
    this.base = BigInt(m.d.base);
    this.apply(true);
  }

  /** Selects the row of an invocation (for links from logs, and after a live refresh). */
  select(row: number): void {
    this.selected = row;
    let at = this.view.findIndex((v) => v.row === row);
    if (at < 0 && this.filter) {
      this.input.value = '';
      this.filter = '';
      this.apply();
      at = this.view.findIndex((v) => v.row === row);
    }
    if (at >= 0) this.list.cursor(at);
  }

  get selectedRow(): number {
    return this.selected;
  }

  private apply(keep = false): void {
    const all = this.m.invocations;
    const words = this.filter.split(/\s+/).filter(Boolean);
    this.view = words.length ? all.filter((v) => words.every((w) => v.text.includes(w))) : all.slice();
    const dir = this.desc ? -1 : 1;
    if (this.sort === 'start') this.view.sort((a, b) => dir * (a.at - b.at || a.row - b.row));
    else this.view.sort((a, b) => dir * (a.dur - b.dur) || a.row - b.row);
    for (const k of ['start', 'duration'] as SortKey[]) {
      const b = this.sortButtons[k];
      b.classList.toggle('active', this.sort === k);
      b.setAttribute('aria-sort', this.sort === k ? (this.desc ? 'descending' : 'ascending') : 'none');
      b.textContent = `${k}${this.sort === k ? (this.desc ? ' ▼' : ' ▲') : ''}`;
    }
    this.countLabel.textContent = words.length ? `${count(this.view.length)} of ${count(all.length)}` : `${count(all.length)}`;
    this.list.setCount(this.view.length, keep);
    this.list.fit(30, 80);
    if (!this.view.length) this.list.host.dataset.empty = all.length ? 'No invocation matches the filter.' : 'No spans in this file.';
    else delete this.list.host.dataset.empty;
  }

  private renderRow(i: number, row: HTMLElement): void {
    const v = this.view[i]!;
    row.className = `vrow inv-cols${i === this.list.current ? ' cursor' : ''}${v.row === this.selected ? ' selected' : ''}${v.error ? ' error' : ''}`;
    row.dataset.span = String(v.span);
    row.dataset.trace = this.m.traceId(v.trace);
    const problems = el('span', { class: 'problems' });
    const codes = new Map<string, string[]>();
    for (const p of v.problems) codes.set(p.code, [...(codes.get(p.code) ?? []), p.message]);
    for (const [code, msgs] of codes) {
      problems.append(el('span', { class: 'badge', 'data-testid': 'problem-badge', 'data-code': code, title: msgs.map((x) => cut(x, 300)).join('\n') }, msgs.length > 1 ? `${code} ×${msgs.length}` : code));
    }
    row.replaceChildren(
      el('span', { class: 'mono', text: isoAt(this.base, v.at).replace('T', ' ') }),
      el('span', { class: 'ellipsis', title: cut(v.service, 300), text: cut(v.service, 200) }),
      el('span', { class: 'ellipsis', title: cut(v.name + (v.invocationId ? `\n${v.invocationId}` : ''), 300), text: cut(v.name, 200) }),
      el('span', { class: 'num', text: dur(v.dur) }),
      el('span', { class: 'num', text: count(v.count) }),
      el('span', { class: v.error ? 'status-error' : 'status-ok', text: v.error ? 'error' : 'ok' }, v.cold ? el('span', { class: 'cold', title: 'cold start', text: 'cold' }) : null),
      problems,
    );
  }
}
