#!/usr/bin/env node
'use strict';
// Builds the report page template (assets/report/report.html) from web/src: the
// TypeScript modules bundled and minified by esbuild into one inline script, the CSS
// inline, and a Content-Security-Policy that admits exactly these two (by hash) and
// nothing from elsewhere. lib/report fills in the data, title and live markers.
// Run: npm run build:report. test/report/template.test.ts checks the committed file
// is what this builds.
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const SRC = path.join(__dirname, 'src');
const OUT = path.join(ROOT, 'assets', 'report', 'report.html');

const hash = (text) => `sha256-${crypto.createHash('sha256').update(text, 'utf8').digest('base64')}`;

/** Returns the template text. */
async function buildTemplate() {
  const esbuild = require('esbuild');
  const r = await esbuild.build({
    entryPoints: [path.join(SRC, 'main.ts')],
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['chrome100', 'firefox100', 'safari15'],
    charset: 'utf8',
    legalComments: 'none',
    write: false,
    logLevel: 'silent',
  });
  const script = r.outputFiles[0].text.trimEnd();
  const style = fs.readFileSync(path.join(SRC, 'style.css'), 'utf8').trim();
  if (/<\/script/i.test(script) || /<\/style/i.test(style)) throw new Error('the bundle holds a closing tag');
  const page = fs.readFileSync(path.join(SRC, 'page.html'), 'utf8');
  const fill = { __NP_SCRIPT_HASH__: hash(script), __NP_STYLE_HASH__: hash(style), __NP_STYLE__: style, __NP_SCRIPT__: script };
  let out = page;
  for (const [k, v] of Object.entries(fill)) {
    const parts = out.split(k);
    if (parts.length !== 2) throw new Error(`web/src/page.html must hold ${k} once`);
    out = parts.join(v);
  }
  return out;
}

module.exports = { buildTemplate, OUT };

if (require.main === module) {
  buildTemplate().then(
    (text) => {
      fs.mkdirSync(path.dirname(OUT), { recursive: true });
      fs.writeFileSync(OUT, text);
      console.log(`wrote ${path.relative(ROOT, OUT)} (${text.length} bytes)`);
    },
    (e) => {
      console.error(`build:report: ${e.message}`);
      process.exit(1);
    },
  );
}
