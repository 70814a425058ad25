// The report page in a real browser (Debian's chromium, driven by playwright-core):
// every rule of docs/report.md — invocation rows as in the dump, a waterfall whose bars
// sit by start and duration, the span detail with every attribute and its type, the
// filter, sorting, diagnostics and problem badges, metric charts, logs linked to spans,
// keyboard use, hostile values shown as text, an empty dump said to be empty — with no
// request leaving the page and no console error. Screenshots go to a temp folder.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'fs';
import * as path from 'path';
import type { BrowserContext, Page } from 'playwright-core';
import { checkLambda, spansOf, summarize } from '../../lib/dump';
import type { Span } from '../../lib/dump';
import { writeReport } from '../../lib/report';
import { gen } from '../dump/helpers';
import { HAVE_CHROMIUM, launch, openReport, SHOTS } from './browser';
import type { Watch } from './browser';
import { FIXTURES, HOSTILE, hostileDump, lambdaDump, misshapenDump, tempDir } from './fixtures';

const LAMBDA = path.join(FIXTURES, 'lambda.nptb');
const DAMAGED = path.join(FIXTURES, 'damaged.nptb');

async function all(file: string | Uint8Array): Promise<Span[]> {
  const out: Span[] = [];
  for await (const s of spansOf(file)) out.push(s);
  return out;
}

describe.skipIf(!HAVE_CHROMIUM)('report page in chromium', () => {
  let browser: { context: BrowserContext; close: () => Promise<void> };
  let dir: string;
  const opened: Watch[] = [];

  async function open(source: string | Uint8Array, name: string): Promise<Page> {
    const out = path.join(dir, `${name}.html`);
    await writeReport(source, out, { name: `${name}.nptb` });
    const { page, watch } = await openReport(browser.context, out);
    opened.push(watch);
    return page;
  }
  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    dir = tempDir();
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('lists the invocations of the dump, and a click shows the span rows with bars placed by start and duration', async () => {
    const spans = await all(LAMBDA);
    const roots = spans.filter((s) => !s.parentSpanId).sort((a, b) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1));
    const page = await open(LAMBDA, 'lambda');
    const rows = page.getByTestId('invocation-row');
    await expect.poll(() => rows.count()).toBe(roots.length);
    expect(await rows.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.trace))).toEqual(roots.map((r) => r.traceId));
    // the header: file, format, producer metadata, counts, time range
    const s = await summarize(LAMBDA);
    const header = (await page.locator('header').textContent())!;
    for (const want of ['lambda.nptb', 'nptb', 'net_profiler_rust', 'dotnet10', `spans${s.spans}`, `traces${s.traces}`, `log records${s.logRecords}`, new Date(Number(BigInt(s.startTimeUnixNano!) / 1000000n)).toISOString()])
      expect(header).toContain(want);
    // a row: start, service, name, duration, span count, status, cold start
    const cells = await rows.first().locator(':scope > span').allTextContents();
    const dur0 = Number(BigInt(roots[0]!.endTimeUnixNano) - BigInt(roots[0]!.startTimeUnixNano)) / 1e6;
    expect(cells.slice(0, 5)).toEqual([new Date(Number(BigInt(roots[0]!.startTimeUnixNano) / 1000000n)).toISOString().replace('T', ' '), 'lambda-profiler-demo', roots[0]!.name, `${dur0.toFixed(1)} ms`, '3']);
    expect(cells[5]).toBe(spans.some((x) => x.traceId === roots[0]!.traceId && x.status.code === 2) ? 'errorcold' : 'okcold');
    const third = roots[2]!;
    await rows.nth(2).click();
    const traceSpans = spans.filter((s) => s.traceId === third.traceId);
    const spanRows = page.getByTestId('span-row');
    await expect.poll(() => spanRows.count()).toBe(traceSpans.length);
    expect((await spanRows.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.spanId))).sort()).toEqual(traceSpans.map((s) => s.spanId).sort());
    const t0 = traceSpans.reduce((m, s) => (BigInt(s.startTimeUnixNano) < m ? BigInt(s.startTimeUnixNano) : m), BigInt(traceSpans[0]!.startTimeUnixNano));
    const t1 = traceSpans.reduce((m, s) => (BigInt(s.endTimeUnixNano) > m ? BigInt(s.endTimeUnixNano) : m), 0n);
    const total = Number(t1 - t0);
    const geometry = await page.getByTestId('span-bar').evaluateAll((bars) =>
      bars.map((b) => {
        const track = b.parentElement!.getBoundingClientRect();
        const r = b.getBoundingClientRect();
        return { id: (b.closest('[data-span-id]') as HTMLElement).dataset.spanId!, left: r.left - track.left, width: r.width, track: track.width };
      }),
    );
    for (const g of geometry) {
      const s = traceSpans.find((x) => x.spanId === g.id)!;
      const start = Number(BigInt(s.startTimeUnixNano) - t0) / total;
      const dur = Number(BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano)) / total;
      expect(Math.abs(g.left - start * g.track), `left of ${s.name}`).toBeLessThan(1.5);
      expect(Math.abs(g.width - Math.max(2, dur * g.track)), `width of ${s.name}`).toBeLessThan(1.5);
    }
    // indented by depth, coloured by kind, errors marked
    const look = await spanRows.evaluateAll((els) => els.map((e) => ({ cls: e.className, pad: parseFloat(getComputedStyle(e.querySelector('.wf-name')!).paddingLeft), bar: getComputedStyle(e.querySelector('.bar')!).backgroundColor, mark: e.querySelector('.err-mark') !== null, id: (e as HTMLElement).dataset.spanId })));
    for (const l of look) {
      const sp = traceSpans.find((x) => x.spanId === l.id)!;
      expect(l.cls).toContain(sp.kind === 2 ? 'kind-server' : 'kind-client');
      expect(l.pad).toBe(sp.parentSpanId ? 16 : 4);
      expect(l.mark).toBe(sp.status.code === 2);
      expect(l.cls.includes(' error')).toBe(sp.status.code === 2);
    }
    expect(new Set(look.filter((l) => !l.mark).map((l) => l.cls.match(/kind-\w+/)![0] + l.bar)).size).toBe(2);
    // the axis has tick labels on the same scale
    const ticks = await page.locator('.wf-axis .tick').allTextContents();
    expect(ticks[0]).toBe('0 ns');
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    await shot(page, 'lambda-waterfall');
  });

  it("shows a span's detail: every attribute with its type, events, links, resource and scope", async () => {
    const spans = await all(LAMBDA);
    const s = spans.find((x) => x.events.length && x.links.length)!;
    const page = await open(LAMBDA, 'lambda-detail');
    await page.getByTestId('invocation-row').filter({ has: page.locator(`[data-trace="${s.traceId}"]`) }).count();
    await page.locator(`[data-testid=invocation-row][data-trace="${s.traceId}"]`).click();
    await page.locator(`[data-testid=span-row][data-span-id="${s.spanId}"]`).click();
    const detail = page.getByTestId('span-detail');
    await expect.poll(() => detail.getByTestId('detail-name').textContent()).toBe(s.name);
    const rows = await detail.getByTestId('span-attributes').locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
    const typeOf = (v: unknown) => (typeof v === 'string' ? 'string' : typeof v === 'boolean' ? 'bool' : typeof v === 'number' ? (Number.isInteger(v) ? 'int' : 'double') : Array.isArray(v) ? 'array' : v === null ? 'empty' : 'kvlist');
    const shown = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
    expect(rows).toEqual(Object.entries(s.attributes).map(([k, v]) => [k, typeOf(v), shown(v)]));
    const text = (await detail.textContent())!;
    expect(text).toContain(s.spanId);
    expect(text).toContain(s.traceId);
    expect(text).toContain(`${s.startTimeUnixNano} ns`);
    expect(text).toContain(`error: ${s.status.message}`);
    const ev = detail.getByTestId('span-event');
    expect(await ev.count()).toBe(s.events.length);
    expect(await ev.first().textContent()).toContain(s.events[0]!.name);
    expect(await ev.first().getByTestId('event-attributes').textContent()).toContain('ProvisionedThroughputExceeded');
    expect(await detail.getByTestId('span-link').first().textContent()).toContain(s.links[0]!.traceId);
    const res = await detail.getByTestId('resource-attributes').locator('tbody tr th').allTextContents();
    expect(res).toEqual(Object.keys(s.resource));
    expect(await detail.getByTestId('scope').textContent()).toBe(`${s.scope.name} ${s.scope.version}`);
    await shot(page, 'lambda-detail');
  });

  it('narrows the list with the filter, sorts by start and duration', async () => {
    const spans = await all(LAMBDA);
    const roots = spans.filter((s) => !s.parentSpanId);
    const page = await open(LAMBDA, 'lambda-filter');
    const rows = page.getByTestId('invocation-row');
    const input = page.getByTestId('filter-input');
    const one = roots[1]!;
    await input.fill(String(one.attributes['faas.invocation_id']));
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-trace')).toBe(one.traceId);
    const errorTraces = new Set(spans.filter((s) => s.status.code === 2).map((s) => s.traceId));
    await input.fill('error');
    await expect.poll(() => rows.count()).toBe(errorTraces.size);
    await input.fill('nothing-matches-this');
    await expect.poll(() => rows.count()).toBe(0);
    expect(await page.getByTestId('invocation-count').textContent()).toBe(`0 of ${roots.length}`);
    await input.fill('');
    await expect.poll(() => rows.count()).toBe(roots.length);
    await page.getByTestId('sort-duration').click();
    const dur = (s: Span) => BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano);
    const byDur = [...roots].sort((a, b) => (dur(b) > dur(a) ? 1 : dur(b) < dur(a) ? -1 : 0)).map((s) => s.traceId);
    expect(await rows.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.trace))).toEqual(byDur);
    await page.getByTestId('sort-duration').click();
    expect(await rows.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.trace))).toEqual([...byDur].reverse());
    await page.getByTestId('sort-start').click();
    const byStart = [...roots].sort((a, b) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1)).map((s) => s.traceId);
    expect(await rows.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.trace))).toEqual(byStart);
  });

  it('works from the keyboard: arrows move, Enter opens, Escape closes, left/right collapse', async () => {
    const spans = await all(LAMBDA);
    const roots = spans.filter((s) => !s.parentSpanId).sort((a, b) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1));
    const page = await open(LAMBDA, 'lambda-keys');
    await page.getByTestId('filter-input').focus();
    await page.keyboard.press('ArrowDown'); // into the list, first row
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const spanRows = page.getByTestId('span-row');
    await expect.poll(() => spanRows.first().getAttribute('data-span-id')).toBe(roots[1]!.spanId);
    await expect.poll(() => page.getByTestId('detail-name').textContent()).toBe(roots[1]!.name);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const child = spans.filter((s) => s.parentSpanId === roots[1]!.spanId).sort((a, b) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1))[0]!;
    await expect.poll(() => page.getByTestId('detail-name').textContent()).toBe(child.name);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('detail-name').count()).toBe(0);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowLeft'); // collapse the root
    await expect.poll(() => spanRows.count()).toBe(1);
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => spanRows.count()).toBe(3);
    await page.locator('[data-testid=span-row] .toggle').first().click();
    await expect.poll(() => spanRows.count()).toBe(1);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('#waterfall').isHidden()).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.closest('#invocations') !== null)).toBe(true);
  });

  it('draws the metrics as charts and links the log records to their spans', async () => {
    const page = await open(LAMBDA, 'lambda-metrics');
    const names = ['lambda.duration', 'lambda.inflight', 'lambda.init.duration', 'lambda.invocations', 'process.memory.usage'];
    const charts = page.getByTestId('metric-chart');
    expect(await charts.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.metric))).toEqual(names);
    for (let i = 0; i < names.length; i++) expect(await charts.nth(i).locator('svg circle').count()).toBeGreaterThan(0);
    const logs = page.getByTestId('log-row');
    expect(await logs.count()).toBe(3);
    await logs.first().click();
    await expect.poll(() => page.getByTestId('detail-name').textContent()).toBe('lambda-profiler-demo');
    expect(await page.getByTestId('span-row').count()).toBe(3);
  });

  it('shows every diagnostic of a damaged dump as a notice, and what is readable', async () => {
    const s = await summarize(DAMAGED);
    const page = await open(DAMAGED, 'damaged');
    const notes = page.getByTestId('diagnostic');
    expect(await notes.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.code))).toEqual(s.diagnostics.map((d) => d.code));
    for (let i = 0; i < s.diagnostics.length; i++) expect(await notes.nth(i).textContent()).toContain(s.diagnostics[i]!.message);
    expect(await page.getByTestId('invocation-row').count()).toBe((await all(DAMAGED)).filter((x) => !x.parentSpanId).length);
    await shot(page, 'damaged');
  });

  it('puts the Lambda problems of a misshapen dump on the rows as badges', async () => {
    const m = misshapenDump();
    const check = await checkLambda(m.bytes);
    const page = await open(m.bytes, 'misshapen');
    const badges = async (trace: string) => page.locator(`[data-testid=invocation-row][data-trace="${trace}"] [data-testid=problem-badge]`).evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.code));
    const codes = (trace: string) => [...new Set(check.problems.filter((p) => p.traceId === trace).map((p) => p.code))];
    expect(await badges(m.orphanTrace)).toEqual(['orphan-client-span']);
    for (const t of m.missingTraces) {
      expect(await badges(t)).toEqual(codes(t));
      expect(await badges(t)).toContain('missing-attribute');
    }
    const titles = (await page.locator(`[data-testid=invocation-row][data-trace="${m.missingTraces[0]}"] [data-testid=problem-badge]`).evaluateAll((els) => els.map((e) => e.getAttribute('title')))).join('\n');
    for (const p of check.problems.filter((x) => x.traceId === m.missingTraces[0])) expect(titles).toContain(p.message);
    expect(await page.getByTestId('problem-badge').count()).toBe([m.orphanTrace, ...m.missingTraces].reduce((n, t) => n + codes(t).length, 0));
    await page.locator(`[data-testid=invocation-row][data-trace="${m.orphanTrace}"]`).click();
    expect(await page.locator('[data-testid=span-row] .orphan').count()).toBe(2);
    await shot(page, 'misshapen');
  });

  it('shows hostile values as text: markup in names, attributes and resource runs nothing, a 1 MB value is cut with a way to see it all', async () => {
    const page = await open(hostileDump(), 'hostile');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('body script').count()).toBe(2);
    const row = page.getByTestId('invocation-row').first();
    expect(await row.textContent()).toContain(HOSTILE.script);
    await row.click();
    await expect.poll(() => page.getByTestId('detail-name').textContent()).toBe(HOSTILE.script);
    const detail = page.getByTestId('span-detail');
    expect(await detail.textContent()).toContain(HOSTILE.img);
    const res = detail.getByTestId('resource-attributes');
    expect(await res.textContent()).toContain(HOSTILE.img);
    const bigCell = res.locator('tr[data-key="big.value"] td.value');
    expect((await bigCell.textContent())!.length).toBeLessThan(2100);
    await bigCell.getByRole('button').click();
    expect((await bigCell.textContent())!.length).toBe(HOSTILE.big.length);
    // the span with a 1 MB name is a row whose label is cut
    const names = await page.getByTestId('span-row').allTextContents();
    expect(names.some((n) => n.includes('xxxx') && n.length < 400)).toBe(true);
    await page.getByTestId('span-row').nth(1).click();
    expect(await detail.textContent()).toContain(HOSTILE.img);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await shot(page, 'hostile');
  });

  it('draws only the rows in view of a long list, and the last one when scrolled to', async () => {
    const page = await open(lambdaDump(3000), 'long');
    const rows = page.getByTestId('invocation-row');
    expect(await rows.count()).toBeLessThan(60);
    await page.locator('.inv-body').evaluate((e) => (e.scrollTop = e.scrollHeight));
    await expect.poll(() => rows.last().getAttribute('data-index')).toBe('2999');
    expect(await rows.count()).toBeLessThan(60);
    await page.getByTestId('invocation-row').last().click();
    await expect.poll(() => page.getByTestId('span-row').count()).toBe(3);
    await page.locator('.inv-body').focus();
    await page.keyboard.press('Home');
    await expect.poll(() => page.locator('.inv-body').evaluate((e) => e.scrollTop)).toBe(0);
  });

  it('says that an empty dump is empty', async () => {
    const page = await open(gen.writeDump([]), 'empty');
    expect(await page.getByTestId('empty-notice').textContent()).toMatch(/empty/);
    expect(await page.getByTestId('invocation-row').count()).toBe(0);
    await shot(page, 'empty');
  });

  it('made no request and logged no error on any page', () => {
    expect(opened.length).toBeGreaterThanOrEqual(10);
    for (const w of opened) {
      expect(w.requests).toEqual([]);
      expect(w.errors).toEqual([]);
    }
  });
});
