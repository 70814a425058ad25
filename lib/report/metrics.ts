/**
 * Metric points as small time series per metric name, for the report's charts.
 * @packageDocumentation
 */
import type { MetricPoint } from '../dump';
import type { MetricSeriesSet } from './model';

const MAX_SERIES = 8;
const MAX_POINTS = 2000;

function num(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v !== '') {
    const n = Number(v);
    return Number.isNaN(n) && v !== 'NaN' ? undefined : n;
  }
  return undefined;
}

/** The y value of a point: the value of a gauge or sum, the mean of a distribution (else its count). */
function yOf(p: MetricPoint): { y: string; v: number | undefined } {
  if (p.type === 'gauge' || p.type === 'sum') return { y: 'value', v: num(p.asDouble) ?? num(p.asInt) };
  const count = num(p.count);
  const sum = num(p.sum);
  if (sum !== undefined && count) return { y: 'mean', v: sum / count };
  return { y: 'count', v: count };
}

function label(a: MetricPoint['attributes']): string {
  if (!a) return '';
  return Object.keys(a)
    .sort()
    .map((k) => `${k}=${typeof a[k] === 'string' ? a[k] : JSON.stringify(a[k])}`)
    .join(', ');
}

/**
 * Groups the metric points by name and, within a name, by attribute set; times are ms
 * after `base` (Unix ns). At most 8 series per name are kept and each is thinned to
 * 2,000 points (evenly), so a chart stays small whatever the file.
 */
export async function metricSeries(points: AsyncIterable<MetricPoint>, base: bigint): Promise<MetricSeriesSet[]> {
  const byName = new Map<string, MetricSeriesSet & { index: Map<string, { label: string; t: number[]; v: number[] }>; hidden: Set<string> }>();
  for await (const p of points) {
    let set = byName.get(p.name);
    if (!set) {
      set = { name: p.name, unit: p.unit, description: p.description, type: p.type, y: yOf(p).y, points: 0, series: [], hiddenSeries: 0, index: new Map(), hidden: new Set() };
      byName.set(p.name, set);
    }
    set.points++;
    const { v } = yOf(p);
    const t = typeof p.timeUnixNano === 'string' && p.timeUnixNano ? Number(BigInt(p.timeUnixNano) - base) / 1e6 : NaN;
    if (v === undefined || !Number.isFinite(v) || Number.isNaN(t)) continue;
    const key = label(p.attributes);
    let s = set.index.get(key);
    if (!s) {
      if (set.index.size >= MAX_SERIES) {
        set.hidden.add(key);
        set.hiddenSeries = set.hidden.size;
        continue;
      }
      s = { label: key, t: [], v: [] };
      set.index.set(key, s);
      set.series.push(s);
    }
    s.t.push(t);
    s.v.push(v);
  }
  const out: MetricSeriesSet[] = [];
  for (const { index, hidden, ...set } of byName.values()) {
    void index;
    void hidden;
    for (const s of set.series) {
      const order = s.t.map((_, i) => i).sort((a, b) => s.t[a]! - s.t[b]!);
      let t = order.map((i) => s.t[i]!);
      let v = order.map((i) => s.v[i]!);
      if (t.length > MAX_POINTS) {
        const step = t.length / MAX_POINTS;
        const keep = Array.from({ length: MAX_POINTS }, (_, k) => Math.floor(k * step));
        t = keep.map((i) => t[i]!);
        v = keep.map((i) => v[i]!);
      }
      s.t = t;
      s.v = v;
    }
    out.push(set);
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
