// A virtualised list: only the rows in view (plus a few) exist in the document, so a
// list of 100,000 rows costs what 40 rows cost. Rows have one fixed height.

/** How a {@link VList} draws and answers. */
export interface VListOptions {
  rowHeight: number;
  /** Fills a row element for item i (the element is reused for other items). */
  render(i: number, row: HTMLElement): void;
  /** data-testid of the rows. */
  testid: string;
  /** Called with the item under the cursor on Enter or click. */
  open(i: number): void;
  /** Escape pressed in the list. */
  close?(): void;
  /** Left/right arrows on an item. */
  side?(i: number, dir: -1 | 1): void;
  /** A click on a row's `.toggle` element. */
  toggle?(i: number): void;
  /** Accessible name of the list. */
  label: string;
}

/** A list of `count` fixed-height rows in a scrolling host, drawing only the rows in view, with a keyboard cursor. */
export class VList {
  readonly host: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly pool: HTMLElement[] = [];
  private n = 0;
  private cursorAt = -1;
  private frame = 0;
  private readonly o: VListOptions;

  constructor(host: HTMLElement, o: VListOptions) {
    this.host = host;
    this.o = o;
    host.classList.add('vlist');
    host.tabIndex = 0;
    host.setAttribute('role', 'listbox');
    host.setAttribute('aria-label', o.label);
    this.spacer = document.createElement('div');
    this.spacer.className = 'vspacer';
    host.append(this.spacer);
    host.addEventListener('scroll', () => this.schedule());
    host.addEventListener('keydown', (e) => this.key(e));
    host.addEventListener('click', (e) => {
      const row = (e.target as HTMLElement).closest<HTMLElement>('.vrow');
      if (!row || !host.contains(row)) return;
      const i = Number(row.dataset.index);
      if ((e.target as HTMLElement).closest('.toggle') && this.o.toggle) {
        this.cursor(i, false);
        this.o.toggle(i);
        return;
      }
      this.cursor(i, false);
      this.o.open(i);
    });
    new ResizeObserver(() => this.schedule()).observe(host);
  }

  get count(): number {
    return this.n;
  }
  get current(): number {
    return this.cursorAt;
  }

  setCount(n: number, keepCursor = false): void {
    this.n = n;
    if (!keepCursor || this.cursorAt >= n) this.cursorAt = n ? Math.min(Math.max(this.cursorAt, 0), n - 1) : -1;
    this.spacer.style.height = `${n * this.o.rowHeight}px`;
    this.draw();
  }

  /** Moves the cursor to item i and scrolls it into view. */
  cursor(i: number, scroll = true): void {
    if (this.n === 0) return;
    this.cursorAt = Math.max(0, Math.min(this.n - 1, i));
    if (scroll) {
      const h = this.o.rowHeight;
      const top = this.cursorAt * h;
      if (top < this.host.scrollTop) this.host.scrollTop = top;
      else if (top + h > this.host.scrollTop + this.host.clientHeight) this.host.scrollTop = top + h - this.host.clientHeight;
    }
    this.draw();
  }

  /** Makes the list as tall as its rows, between `min` px and `maxVh` of the window. */
  fit(maxVh: number, min: number): void {
    const want = this.n * this.o.rowHeight + 2;
    this.host.style.height = `${Math.max(min, Math.min(want, (window.innerHeight * maxVh) / 100))}px`;
  }

  refresh(): void {
    this.draw();
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  private key(e: KeyboardEvent): void {
    const page = Math.max(1, Math.floor(this.host.clientHeight / this.o.rowHeight) - 1);
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page };
    if (e.key in moves) this.cursor((this.cursorAt < 0 ? 0 : this.cursorAt) + moves[e.key]!);
    else if (e.key === 'Home') this.cursor(0);
    else if (e.key === 'End') this.cursor(this.n - 1);
    else if (e.key === 'Enter' && this.cursorAt >= 0) this.o.open(this.cursorAt);
    else if (e.key === 'Escape' && this.o.close) this.o.close();
    else if ((e.key === 'ArrowLeft' || e.key === 'ArrowRight') && this.o.side && this.cursorAt >= 0) this.o.side(this.cursorAt, e.key === 'ArrowLeft' ? -1 : 1);
    else return;
    e.preventDefault();
  }

  private draw(): void {
    const h = this.o.rowHeight;
    const top = this.host.scrollTop;
    const first = Math.max(0, Math.floor(top / h) - 4);
    const last = Math.min(this.n, Math.ceil((top + (this.host.clientHeight || 600)) / h) + 4);
    const need = Math.max(0, last - first);
    while (this.pool.length < need) {
      const row = document.createElement('div');
      row.className = 'vrow';
      row.setAttribute('role', 'option');
      row.dataset.testid = this.o.testid;
      row.setAttribute('data-testid', this.o.testid);
      row.style.height = `${h}px`;
      this.pool.push(row);
      this.host.append(row);
    }
    // rows beyond those in view leave the document (a hidden row would still be a row)
    while (this.pool.length > need) this.pool.pop()!.remove();
    for (let k = 0; k < need; k++) {
      const row = this.pool[k]!;
      const i = first + k;
      row.dataset.index = String(i);
      row.style.transform = `translateY(${i * h}px)`;
      row.classList.toggle('cursor', i === this.cursorAt);
      row.setAttribute('aria-selected', i === this.cursorAt ? 'true' : 'false');
      this.o.render(i, row);
    }
  }
}
