// The report page: reads the embedded data (or, served live, fetches it and refetches
// on every change the server announces), then draws the header, the invocation list,
// the waterfall with the span detail, the metric charts and the log records.
import { renderCharts } from './charts';
import { Model } from './data';
import type { ReportData } from './data';
import { clearDetail, renderDetail } from './detail';
import { el } from './format';
import { renderHeader } from './header';
import { InvocationList } from './invocations';
import { LogList } from './logs';
import { REPORT_DATA_VERSION } from './types';
import { Waterfall } from './waterfall';

const live = document.documentElement.dataset.live === '1';
const $ = (id: string) => document.getElementById(id)!;

let model: Model | undefined;
const header = $('header');
const detail = $('detail');

const invocations = new InvocationList($('invocations'), (inv) => {
  waterfall.show(inv);
  const s = inv.span;
  waterfall.reveal(s);
  waterfall.list.host.focus();
});
const waterfall = new Waterfall(
  $('waterfall'),
  (span) => renderDetail(detail, model!, span, (i) => logs.show(i)),
  () => {
    if (detail.dataset.open === '1') closeDetail();
    else {
      waterfall.hide();
      $('panes').classList.remove('open');
      invocations.list.host.focus();
    }
  },
);
const logs = new LogList($('logs'), (span) => goToSpan(span));

function closeDetail(): void {
  detail.dataset.open = '0';
  clearDetail(detail);
  waterfall.list.host.focus();
}
detail.addEventListener('np-close', () => closeDetail());
detail.addEventListener('keydown', (e) => {
  if (e.key === 'Escape') {
    e.preventDefault();
    closeDetail();
  }
});
new MutationObserver(() => {
  const open = detail.querySelector('.detail-head') !== null;
  detail.dataset.open = open ? '1' : '0';
  $('panes').classList.toggle('open', !$('waterfall').hidden);
}).observe(detail, { childList: true });
new MutationObserver(() => $('panes').classList.toggle('open', !$('waterfall').hidden)).observe($('waterfall'), { attributes: true, attributeFilter: ['hidden'] });

function goToSpan(span: number): void {
  const m = model!;
  const row = m.invocationOf(span);
  if (row < 0) return;
  invocations.select(row);
  waterfall.show(m.invocations[row]!);
  waterfall.reveal(span);
  $('waterfall').scrollIntoView({ block: 'nearest' });
}

function load(d: ReportData): void {
  if (d.v !== REPORT_DATA_VERSION) throw new Error(`this page reads report data version ${REPORT_DATA_VERSION}, the file holds version ${d.v}`);
  const before = model;
  const keepTrace = before && invocations.selectedRow >= 0 ? before.traceId(before.invocations[invocations.selectedRow]!.trace) : undefined;
  const keepSpan = before && waterfall.selected >= 0 ? before.spanId(waterfall.selected) : undefined;
  model = new Model(d);
  document.title = d.title;
  renderHeader(header, model, live);
  invocations.load(model);
  waterfall.load(model);
  logs.load(model);
  renderCharts($('metrics-body'), model);
  $('metrics').hidden = d.metrics.length === 0 && d.summary.spans > 0;
  if (keepTrace) {
    const row = model.invocations.findIndex((v) => model!.traceId(v.trace) === keepTrace);
    if (row >= 0) {
      invocations.select(row);
      waterfall.show(model.invocations[row]!);
      const at = keepSpan ? findSpan(model, row, keepSpan) : -1;
      if (at >= 0) waterfall.reveal(at);
    }
  } else if (!before) clearDetail(detail);
}

function findSpan(m: Model, row: number, id: string): number {
  const t = m.invocations[row]!.trace;
  const first = m.d.traces.first[t]!;
  for (let i = first; i < first + m.d.traces.count[t]!; i++) if (m.spanId(i) === id) return i;
  return -1;
}

function fail(e: unknown): void {
  header.append(el('p', { class: 'notice bad', 'data-testid': 'page-error', text: `This report cannot be shown: ${e instanceof Error ? e.message : String(e)}` }));
}

document.addEventListener('keydown', (e) => {
  if (e.key === '/' && document.activeElement !== invocations.input) {
    e.preventDefault();
    invocations.input.focus();
  }
});

async function fetchData(): Promise<void> {
  const r = await fetch('data.json', { cache: 'no-store' });
  if (!r.ok) throw new Error(`the server answered ${r.status}`);
  load((await r.json()) as ReportData);
  document.body.dataset.version = String(Number(document.body.dataset.version ?? '0') + 1);
}

try {
  const text = $('np-data').textContent ?? '';
  if (live) {
    let busy: Promise<void> = Promise.resolve();
    const events = new EventSource('events');
    events.addEventListener('update', () => {
      busy = busy.then(fetchData).catch(fail);
    });
    busy = fetchData().catch(fail);
    void busy.then(() => (document.body.dataset.ready = '1'));
  } else {
    load(JSON.parse(text) as ReportData);
    document.body.dataset.ready = '1';
  }
} catch (e) {
  fail(e);
  document.body.dataset.ready = '1';
}
