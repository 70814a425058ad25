// The log records as a list; a record that names a span in the file links to it.
import { cut, el, isoAt } from './format';
import type { Model } from './data';
import { VList } from './vlist';

/** The log record list; a record linked to a span opens it through `onSpan`. */
export class LogList {
  private m!: Model;
  private base = 0n;
  readonly list: VList;
  private readonly label: HTMLElement;

  constructor(host: HTMLElement, private readonly onSpan: (span: number) => void) {
    this.label = el('span', { class: 'count' });
    const body = el('div', { class: 'log-body' });
    host.append(el('div', { class: 'toolbar' }, el('h2', { text: 'Log records' }), this.label), body);
    this.list = new VList(body, {
      rowHeight: 24,
      testid: 'log-row',
      label: 'Log records',
      render: (i, row) => this.renderRow(i, row),
      open: (i) => {
        const s = this.m.d.logs.span[i]!;
        if (s >= 0) this.onSpan(s);
      },
    });
  }

  load(m: Model): void {
    this.m = m;
    this.base = BigInt(m.d.base);
    this.label.textContent = String(m.d.logs.n);
    this.list.setCount(m.d.logs.n, true);
    this.list.fit(30, 60);
    if (!m.d.logs.n) this.list.host.dataset.empty = 'No log records in this file.';
    else delete this.list.host.dataset.empty;
  }

  show(i: number): void {
    this.list.cursor(i);
    this.list.host.scrollIntoView({ block: 'nearest' });
  }

  private renderRow(i: number, row: HTMLElement): void {
    const L = this.m.d.logs;
    const sev = L.sev[i]!;
    row.className = `vrow log-cols${i === this.list.current ? ' cursor' : ''}${sev >= 17 ? ' error' : sev >= 13 ? ' warnrow' : ''}`;
    const span = L.span[i]!;
    const body = this.m.str(L.body[i]!);
    row.replaceChildren(
      el('span', { class: 'mono', text: isoAt(this.base, L.at[i]!).replace('T', ' ') }),
      el('span', { class: 'sev', text: this.m.str(L.sevText[i]!) || String(sev) }),
      el('span', { class: 'ellipsis', title: cut(body, 500), text: cut(body, 300) }),
      span >= 0
        ? el('span', { class: 'linkish', 'data-testid': 'log-span-link', text: `→ ${cut(this.m.str(this.m.d.spans.name[span]!), 60)}` })
        : el('span', { class: 'muted mono', text: this.m.str(L.spanId[i]!) ? `span ${this.m.str(L.spanId[i]!)} (not in file)` : '' }),
    );
  }
}
