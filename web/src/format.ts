// Number, time and text formatting, and the only way the page makes elements: text
// goes in with textContent (never as markup), so any value shows as text.

/** Duration in ns as people read it. */
export function dur(ns: number): string {
  const a = Math.abs(ns);
  if (a >= 1e9) return `${(ns / 1e9).toFixed(a >= 1e11 ? 0 : 2)} s`;
  if (a >= 1e6) return `${(ns / 1e6).toFixed(a >= 1e8 ? 0 : 1)} ms`;
  if (a >= 1e3) return `${(ns / 1e3).toFixed(a >= 1e5 ? 0 : 1)} µs`;
  return `${Math.round(ns)} ns`;
}

/** Unix ns (bigint) as an ISO time with ms. */
export function isoNs(ns: bigint): string {
  const ms = Number(ns / 1000000n);
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ns) : d.toISOString();
}

/** Milliseconds after a base (Unix ns) as an ISO time. */
export function isoAt(base: bigint, ms: number): string {
  return isoNs(base + BigInt(Math.round(ms * 1e6)));
}

type Child = Node | string | null | undefined | false;

/** Creates an element: class, attributes, children (strings become text nodes). */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Record<string, string> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const k in props) {
    if (k === 'class') e.className = props[k]!;
    else if (k === 'text') e.textContent = props[k]!;
    else e.setAttribute(k, props[k]!);
  }
  for (const c of children) if (c) e.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return e;
}

/** Cuts a text for one line. */
export function cut(s: string, max: number): string {
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

/** Thousands separated. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** `1 span`, `2 spans`: a count (thousands separated) with the right form of its noun. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}
