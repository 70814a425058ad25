// The built page template ships in the package (assets/report/report.html) so that
// installing needs no bundler: it must be exactly what `npm run build:report` makes
// from web/src, and admit only its own script and style.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { REPORT_TEMPLATE } from '../../lib/report';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { buildTemplate } = require('../../web/build.js') as { buildTemplate(): Promise<string> };

describe('report template', () => {
  it('is current with web/src (run `npm run build:report` after changing the page)', async () => {
    const built = await buildTemplate();
    const committed = fs.readFileSync(REPORT_TEMPLATE, 'utf8');
    expect(committed === built, 'assets/report/report.html is stale: run npm run build:report').toBe(true);
  });

  it('type-checks (web/tsconfig.json, strict, DOM types)', () => {
    const root = path.resolve(__dirname, '../..');
    const r = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'web/tsconfig.json')], { encoding: 'utf8', timeout: 120_000 });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('loads nothing from elsewhere: a CSP of its own script and style by hash, no URL in any src or href', () => {
    const t = fs.readFileSync(REPORT_TEMPLATE, 'utf8');
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(t)![1]!;
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+';/);
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+';/);
    expect(t).not.toMatch(/\b(src|href)\s*=\s*["']?(https?:|\/\/)/i);
    expect(t).not.toMatch(/@import|@font-face|url\(/i);
  });
});
