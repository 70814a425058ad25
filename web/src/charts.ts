// The metrics as small time-series charts, one per metric name, a line per attribute
// set (SVG, drawn once).
import { cut, el, isoAt, plural } from './format';
import type { Model } from './data';

const NS = 'http://www.w3.org/2000/svg';
const COLOURS = ['#2563eb', '#d97706', '#059669', '#db2777', '#7c3aed', '#0891b2', '#65a30d', '#dc2626'];

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const e = document.createElementNS(NS, tag);
  for (const k in attrs) e.setAttribute(k, String(attrs[k]));
  return e;
}

function short(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${(v / 1e9).toFixed(1)}G`;
  if (a >= 1e6) return `${(v / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${(v / 1e3).toFixed(1)}k`;
  if (a >= 100 || Number.isInteger(v)) return String(Math.round(v));
  return v.toPrecision(3);
}

/** Draws one small chart per metric name into `host` (or says there is no metric). */
export function renderCharts(host: HTMLElement, m: Model): void {
  host.replaceChildren();
  const base = BigInt(m.d.base);
  if (!m.d.metrics.length) {
    host.append(el('p', { class: 'none', text: 'No metric points in this file.' }));
    return;
  }
  for (const set of m.d.metrics) {
    const W = 320;
    const H = 130;
    const L = 44;
    const B = 20;
    let t0 = Infinity, t1 = -Infinity, v0 = Infinity, v1 = -Infinity;
    for (const s of set.series)
      for (let i = 0; i < s.t.length; i++) {
        t0 = Math.min(t0, s.t[i]!);
        t1 = Math.max(t1, s.t[i]!);
        v0 = Math.min(v0, s.v[i]!);
        v1 = Math.max(v1, s.v[i]!);
      }
    const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', 'aria-label': `${set.name} over time` });
    chart.append(svg('rect', { x: L, y: 4, width: W - L - 6, height: H - B - 4, class: 'plot' }));
    if (Number.isFinite(t0)) {
      if (v0 === v1) {
        v0 -= Math.abs(v0) * 0.1 || 1;
        v1 += Math.abs(v1) * 0.1 || 1;
      }
      const x = (t: number) => L + (t1 === t0 ? (W - L - 6) / 2 : ((t - t0) / (t1 - t0)) * (W - L - 6));
      const y = (v: number) => 4 + (H - B - 4) - ((v - v0) / (v1 - v0)) * (H - B - 4);
      set.series.forEach((s, k) => {
        const colour = COLOURS[k % COLOURS.length]!;
        const pts = s.t.map((t, i) => `${x(t).toFixed(1)},${y(s.v[i]!).toFixed(1)}`).join(' ');
        if (s.t.length > 1) chart.append(svg('polyline', { points: pts, fill: 'none', stroke: colour, 'stroke-width': 1.5 }));
        if (s.t.length <= 60) for (let i = 0; i < s.t.length; i++) chart.append(svg('circle', { cx: x(s.t[i]!).toFixed(1), cy: y(s.v[i]!).toFixed(1), r: 2.5, fill: colour }));
      });
      const text = (x0: number, y0: number, s: string, anchor: string) => {
        const t = svg('text', { x: x0, y: y0, 'text-anchor': anchor, class: 'axis-label' });
        t.textContent = s;
        chart.append(t);
      };
      text(L - 4, 12, short(v1), 'end');
      text(L - 4, H - B, short(v0), 'end');
      text(L, H - 5, isoAt(base, t0).slice(11, 23), 'start');
      if (t1 > t0) text(W - 6, H - 5, isoAt(base, t1).slice(11, 23), 'end');
    }
    const legend = el('ul', { class: 'legend' });
    set.series.forEach((s, k) => {
      const sw = el('span', { class: 'swatch' });
      sw.style.background = COLOURS[k % COLOURS.length]!;
      legend.append(el('li', { title: cut(s.label, 500) }, sw, cut(s.label || '(no attributes)', 120)));
    });
    if (set.hiddenSeries) legend.append(el('li', { class: 'muted', text: `${set.hiddenSeries} more series not drawn` }));
    host.append(
      el('figure', { class: 'chart', 'data-testid': 'metric-chart', 'data-metric': cut(set.name, 200) },
        el('figcaption', {}, el('strong', { class: 'ellipsis', title: cut(set.name, 500), text: cut(set.name, 120) }),
          el('span', { class: 'muted', text: ` ${set.type}, ${set.y}${set.unit ? ` (${cut(set.unit, 40)})` : ''}, ${plural(set.points, 'point')}` })),
        chart,
        legend,
      ),
    );
  }
}
