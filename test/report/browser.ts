// Starts Debian's chromium through playwright-core for the report tests: headless, a
// fresh profile, no network of its own. `CHROMIUM` says whether it is here.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';

import { needTool } from '../helpers/tools';

export const CHROMIUM_PATH = '/usr/bin/chromium';
/** False (with the reason printed) when chromium is missing; under CI=true a missing chromium throws. */
export const HAVE_CHROMIUM = needTool(CHROMIUM_PATH, 'the report tests open the page in Debian\'s chromium (apt-get install chromium)');

export const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** A browser with a fresh profile, and a way to close and remove it. */
export async function launch(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'np-chromium-'));
  const context = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM_PATH, headless: true, args: ARGS, viewport: { width: 1400, height: 1000 } });
  return {
    context,
    close: async () => {
      await context.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Everything a page did that a test must see: requests beyond the page, console errors, page errors. */
export interface Watch {
  requests: string[];
  errors: string[];
}

/**
 * Opens a report file: every request other than the file itself is recorded and
 * aborted (route interception), console errors and page errors are recorded.
 */
export async function openReport(context: BrowserContext, file: string): Promise<{ page: Page; watch: Watch }> {
  const page = await context.newPage();
  const url = 'file://' + path.resolve(file);
  const watch: Watch = { requests: [], errors: [] };
  await page.route('**/*', (route) => {
    const u = route.request().url();
    if (u === url) return route.continue();
    watch.requests.push(u);
    return route.abort();
  });
  page.on('console', (m) => {
    if (m.type() === 'error') watch.errors.push(m.text());
  });
  page.on('pageerror', (e) => watch.errors.push(String(e)));
  page.on('request', (r) => {
    if (r.url() !== url && !watch.requests.includes(r.url())) watch.requests.push(r.url());
  });
  await page.goto(url);
  await page.waitForSelector('body[data-ready="1"]');
  return { page, watch };
}

/** Where the tests' screenshots go (not committed). */
export const SHOTS = path.join(os.tmpdir(), 'np-report-shots');
fs.mkdirSync(SHOTS, { recursive: true });
