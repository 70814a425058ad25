// The live view (`receive --ui`, docs/report.md): the report page served on loopback
// for a dump being written, refreshed through server-sent events as frames are
// appended, keeping what the user selected; only loopback, only its own Host, only GET.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import type { BrowserContext } from 'playwright-core';
import { parseUiAddress, serveReport } from '../../lib/report';
import type { LiveReport } from '../../lib/report';
import { gen } from '../dump/helpers';
import { HAVE_CHROMIUM, launch, SHOTS } from './browser';
import { tempDir } from './fixtures';

function request(url: string, opts: http.RequestOptions = {}): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, opts, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type']) }));
    });
    req.on('error', reject);
    req.end();
  });
}

const frame = (invocations: number, seq: number, seed: number) =>
  gen.frame('traces', gen.lambdaTraces({ invocations, seed, startNs: 1795479225000000000n + BigInt(seq) * 1000000000n }).proto, seq);

describe('live report server', () => {
  let dir: string;
  let live: LiveReport | undefined;
  beforeAll(() => {
    dir = tempDir();
  });
  afterAll(async () => {
    await live?.close();
  });

  it('reads --ui HOST:PORT, loopback only', () => {
    expect(parseUiAddress('127.0.0.1:8080')).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(parseUiAddress('[::1]:0')).toEqual({ host: '::1', port: 0 });
    expect(parseUiAddress('localhost:9000')).toEqual({ host: 'localhost', port: 9000 });
    expect(parseUiAddress(':4318')).toEqual({ host: '127.0.0.1', port: 4318 });
    for (const bad of ['0.0.0.0:8080', '10.0.0.1:80', '127.0.0.1', '127.0.0.1:99999', 'x'.repeat(10000), '[::]:80'])
      expect(() => parseUiAddress(bad), bad).toThrow(expect.objectContaining({ code: 'bad-argument', argument: 'ui' }));
    try {
      parseUiAddress('x'.repeat(10000));
    } catch (e) {
      expect((e as Error).message.length).toBeLessThan(200);
    }
  });

  it('binds to loopback only and answers only GET of its pages for its own Host', async () => {
    const file = path.join(dir, 'http.nptb');
    fs.writeFileSync(file, Buffer.concat([gen.header(), frame(2, 0, 1)]));
    await expect(serveReport(file, { host: '0.0.0.0' })).rejects.toMatchObject({ code: 'bad-argument', argument: 'ui' });
    await expect(serveReport(file, { host: '192.168.1.10' })).rejects.toMatchObject({ code: 'bad-argument' });
    const s = await serveReport(file, { pollMs: 50 });
    try {
      expect(s.host).toBe('127.0.0.1');
      const page = await request(s.url);
      expect(page.status).toBe(200);
      expect(page.type).toMatch(/text\/html/);
      expect(page.body).toContain('data-live="1"');
      expect(page.body).toContain("connect-src 'self'");
      const data = await request(s.url + 'data.json');
      expect(JSON.parse(data.body).spans.n).toBe(6);
      expect((await request(s.url, { headers: { host: 'evil.example:80' } })).status).toBe(403);
      expect((await request(s.url, { method: 'POST' })).status).toBe(405);
      expect((await request(s.url + 'etc/passwd')).status).toBe(404);
      const taken = serveReport(file, { port: s.port });
      await expect(taken).rejects.toMatchObject({ code: 'ui-address-in-use' });
    } finally {
      await s.close();
    }
  });

  it('tells open pages when the file changes; a missing file shows as a notice until it appears', async () => {
    const file = path.join(dir, 'later.nptb');
    const s = await serveReport(file, { pollMs: 50 });
    try {
      expect(JSON.parse((await request(s.url + 'data.json')).body).notice).toMatch(/later\.nptb/);
      const events: string[] = [];
      const got = new Promise<void>((resolve) => {
        http.get(s.url + 'events', (res) => {
          res.setEncoding('utf8');
          res.on('data', (c: string) => {
            events.push(c);
            if (events.join('').includes('event: update')) {
              res.destroy();
              resolve();
            }
          });
        });
      });
      await new Promise((r) => setTimeout(r, 100));
      fs.writeFileSync(file, Buffer.concat([gen.header(), frame(1, 0, 5)]));
      await got;
      const d = JSON.parse((await request(s.url + 'data.json')).body);
      expect(d.notice).toBeUndefined();
      expect(d.invocations.span.length).toBe(1);
      expect(s.updates).toBeGreaterThanOrEqual(1);
    } finally {
      await s.close();
    }
  });

  describe.skipIf(!HAVE_CHROMIUM)('in chromium', () => {
    let browser: { context: BrowserContext; close: () => Promise<void> };
    beforeAll(async () => {
      browser = await launch();
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('refreshes the open page as frames are appended, keeping the selection', async () => {
      const file = path.join(dir, 'growing.nptb');
      fs.writeFileSync(file, Buffer.concat([gen.header(), gen.frame('metadata', Buffer.from(JSON.stringify(gen.METADATA)), 0), frame(1, 1, 7)]));
      live = await serveReport(file, { pollMs: 50, title: 'live view' });
      const page = await browser.context.newPage();
      const foreign: string[] = [];
      const errors: string[] = [];
      await page.route('**/*', (route) => {
        const u = route.request().url();
        if (u.startsWith(live!.url)) return route.continue();
        foreign.push(u);
        return route.abort();
      });
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(live.url);
      await page.waitForSelector('body[data-ready="1"]');
      const rows = page.getByTestId('invocation-row');
      await expect.poll(() => rows.count()).toBe(1);
      await rows.first().click();
      await page.getByTestId('span-row').nth(1).click();
      const name = await page.getByTestId('detail-name').textContent();
      const spanId = await page.getByTestId('span-row').nth(1).getAttribute('data-span-id');
      // the profiler appends two frames (3 more invocations), the second one torn at first
      fs.appendFileSync(file, frame(2, 2, 8));
      await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(3);
      const whole = frame(1, 3, 9);
      fs.appendFileSync(file, whole.subarray(0, 40));
      await expect.poll(() => page.locator('[data-testid=diagnostic][data-code=truncated]').count(), { timeout: 10_000 }).toBe(1);
      fs.appendFileSync(file, whole.subarray(40));
      await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(4);
      expect(await page.locator('[data-testid=diagnostic]').count()).toBe(0);
      // the selection stayed
      expect(await page.getByTestId('detail-name').textContent()).toBe(name);
      expect(await page.locator('[data-testid=span-row].selected').getAttribute('data-span-id')).toBe(spanId);
      expect(Number(await page.evaluate(() => document.body.dataset.version))).toBeGreaterThanOrEqual(3);
      await page.screenshot({ path: path.join(SHOTS, 'live.png'), fullPage: true });
      expect(foreign).toEqual([]);
      expect(errors).toEqual([]);
      await live.close();
      live = undefined;
    });
  });
});
