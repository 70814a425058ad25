// The `layer` command group through the real bin (needs `npm run build`).
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCheckedZip } from '../../lib/layer';
import { cli } from '../helpers/cli';
import { cleanup, CORPUS, listTree, RELEASE, tmpDir } from './helpers';

/** The compressed bytes of the native library in a layer ZIP: size and SHA-256. */
async function soData(layerZip: string) {
  const z = await readCheckedZip(layerZip);
  const e = z.directory.entries.find((x) => x.name.toString() === 'profiler/native/libnet_profiler.so')!;
  const data = z.bytes.subarray(e.dataOffset, e.dataOffset + e.compressedSize);
  return { size: data.length, sha256: createHash('sha256').update(data).digest('hex') };
}
// libdeflate's output for the x64 example library at levels 6 (the default) and 9
const X64_SO_AT_6 = { size: 1268, sha256: '336b42d239facc73a8c0c5c548c8aaee5137e67867724b203ef0ff48b6bd8205' };
const X64_SO_AT_9 = { size: 1254, sha256: '206c9ad5df67143cc60008ebd72a91f4283824dd907ae6e8ca8d590ab5b5047d' };

afterAll(cleanup);

describe('net-profiler layer', () => {
  it('build --json: the document of docs/layer.md, and the README command works', () => {
    const out = tmpDir();
    const r = cli(['layer', 'build', RELEASE, '--arch', 'arm64', '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout);
    expect(doc).toEqual({
      ok: true,
      layerZip: path.join(out, 'profiler-lambda-layer-1.4.0-linux-arm64.zip'),
      packageZip: path.join(out, 'profiler-lambda-layer-1.4.0-linux-arm64-package.zip'),
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      version: '1.4.0',
      arch: 'arm64',
      runtimes: ['dotnet8', 'dotnet10'],
      entries: 17,
      unzippedBytes: expect.any(Number),
      warnings: [],
    });
    const human = cli(['layer', 'build', 'examples/release', '--arch', 'arm64', '--out', path.join(out, 'h') + '/']);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain(`sha256       ${doc.sha256}`);
  });

  it('build --runtime and --settings and --level (the level is the one used)', async () => {
    const out = tmpDir();
    const settings = path.join(out, 'mine.yaml');
    fs.writeFileSync(settings, 'General:\n  Enabled: true\n  Type: awslambda\nConnection:\n  EndpointUrl: http://localhost:4318\n');
    const r = cli(['layer', 'build', RELEASE, '--arch', 'x64', '--runtime', 'dotnet10', '--settings', settings, '--level', '9', '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).runtimes).toEqual(['dotnet10']);
    const i = cli(['layer', 'inspect', JSON.parse(r.stdout).layerZip, '--json']);
    const doc = JSON.parse(i.stdout);
    expect(doc.layer.runtimes).toEqual(['dotnet10']);
    expect(doc.entries.find((e: { path: string }) => e.path === 'profiler/settings/lambda/settings.yaml').size).toBe(fs.statSync(settings).size);
    expect(await soData(JSON.parse(r.stdout).layerZip)).toEqual(X64_SO_AT_9);
    const six = cli(['layer', 'build', RELEASE, '--arch', 'x64', '--runtime', 'dotnet10', '--out', path.join(out, 'six'), '--json']);
    expect(six.code, six.stderr).toBe(0);
    expect(await soData(JSON.parse(six.stdout).layerZip)).toEqual(X64_SO_AT_6);
  });

  it('build writes into the current folder when --out is not given (default .)', () => {
    const cwd = tmpDir();
    const r = cli(['layer', 'build', RELEASE, '--arch', 'arm64', '--json'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.layerZip).toBe('profiler-lambda-layer-1.4.0-linux-arm64.zip');
    expect(doc.packageZip).toBe('profiler-lambda-layer-1.4.0-linux-arm64-package.zip');
    expect(fs.readdirSync(cwd).sort()).toEqual(['profiler-lambda-layer-1.4.0-linux-arm64-package.zip', 'profiler-lambda-layer-1.4.0-linux-arm64.zip']);
  });

  it('--out under /proc: exit 3 at once with the fs error naming it, no hang', () => {
    const r = cli(['layer', 'build', RELEASE, '--arch', 'x64', '--out', '/proc/x', '--json'], { timeout: 20_000 });
    expect(r.code).toBe(3);
    const doc = JSON.parse(r.stdout);
    expect(doc).toEqual({ ok: false, error: expect.objectContaining({ code: expect.stringMatching(/^fs-e/), message: expect.stringContaining('/proc/x') }) });
  });

  it('the package ZIP path is a folder: exit 3 with fs-eisdir naming it, nothing left behind', () => {
    const out = tmpDir();
    const pkg = path.join(out, 'profiler-lambda-layer-1.4.0-linux-arm64-package.zip');
    fs.mkdirSync(pkg);
    const r = cli(['layer', 'build', RELEASE, '--arch', 'arm64', '--out', out, '--json']);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout)).toEqual({ ok: false, error: expect.objectContaining({ code: 'fs-eisdir', file: pkg, message: expect.stringContaining(pkg), fix: expect.any(String) }) });
    expect(listTree(out)).toEqual(['profiler-lambda-layer-1.4.0-linux-arm64-package.zip/']);
    const human = cli(['layer', 'build', RELEASE, '--arch', 'arm64', '--out', out]);
    expect(human.code).toBe(3);
    expect(human.stderr).toContain(`${pkg}: error fs-eisdir: `);
    expect(human.stderr).not.toMatch(/\n\s+at /);
  });

  it('--out naming an existing file: exit 3, says --out is a folder', () => {
    const file = path.join(tmpDir(), 'not-a-folder');
    fs.writeFileSync(file, 'x');
    const r = cli(['layer', 'build', RELEASE, '--arch', 'arm64', '--out', file]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('error fs-enotdir');
    expect(r.stderr).toContain('--out is a folder');
    expect(fs.readFileSync(file, 'utf8')).toBe('x');
  });

  it('inspect of a ZIP over the cap (/dev/zero): exit 1, input-too-large naming it', () => {
    const r = cli(['layer', 'inspect', '/dev/zero', '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({ ok: false, error: expect.objectContaining({ code: 'input-too-large', file: '/dev/zero' }) });
  });

  it('inspect of the package ZIP says it is a package and which file to use', () => {
    const out = tmpDir();
    const b = JSON.parse(cli(['layer', 'build', RELEASE, '--arch', 'arm64', '--out', out, '--json']).stdout);
    const r = cli(['layer', 'inspect', b.packageZip, '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.layer.valid).toBe(false);
    const inner = 'profiler-lambda-layer-1.4.0-linux-arm64/profiler-lambda-layer-1.4.0-linux-arm64.zip';
    expect(doc.findings).toEqual([expect.objectContaining({ code: 'layer-package', severity: 'error', message: expect.stringContaining(inner), fix: expect.stringContaining('layer unpack') })]);
    const human = cli(['layer', 'inspect', b.packageZip]);
    expect(human.stdout).toContain('a layer package, NOT a layer ZIP');
    expect(human.stderr).toContain(inner);
  });

  it('words: one file and one folder are singular; rebuild speaks of the layer folder, not a release', () => {
    const one = cli(['layer', 'unpack', path.join(CORPUS, 'good-stored.zip'), path.join(tmpDir(), 'u')]);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toMatch(/^unpacked 1 file and 1 folder \(/);
    const out = tmpDir();
    const b = JSON.parse(cli(['layer', 'build', RELEASE, '--arch', 'arm64', '--out', out, '--json']).stdout);
    const dir = path.join(tmpDir(), 'pkg');
    expect(cli(['layer', 'unpack', b.packageZip, dir]).code).toBe(0);
    const pkg = path.join(dir, 'profiler-lambda-layer-1.4.0-linux-arm64');
    fs.symlinkSync('/etc/hostname', path.join(pkg, 'layer/profiler/agent/net8.0/extra.txt'));
    const r = cli(['layer', 'rebuild', pkg]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error symlink-outside: symbolic link points outside the package\'s layer/ folder');
    expect(r.stderr).not.toContain('release');
    expect(r.stderr).toContain('rebuild refused (1 error); nothing was written');
  });

  it('a refused build: exit 1, the refusal document, nothing written', () => {
    const rel = tmpDir();
    fs.cpSync(RELEASE, rel, { recursive: true });
    fs.copyFileSync(path.join(rel, 'native/linux-x64/libnet_profiler.so'), path.join(rel, 'native/linux-arm64/libnet_profiler.so'));
    const out = path.join(tmpDir(), 'out');
    const r = cli(['layer', 'build', rel, '--arch', 'arm64', '--out', out, '--json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.ok).toBe(false);
    expect(doc.errors).toEqual([expect.objectContaining({ code: 'native-wrong-machine', file: path.join(rel, 'native/linux-arm64/libnet_profiler.so') })]);
    expect(doc.warnings).toEqual([]);
    expect(fs.existsSync(out)).toBe(false);
    const human = cli(['layer', 'build', rel, '--arch', 'arm64', '--out', out]);
    expect(human.code).toBe(1);
    expect(human.stderr).toContain(`${path.join(rel, 'native/linux-arm64/libnet_profiler.so')}: error native-wrong-machine: `);
    expect(human.stderr).toContain('    fix: use the linux-arm64 build');
    expect(human.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('usage errors exit 2 with the usage line; a missing release exits 3', () => {
    for (const args of [['layer', 'build', RELEASE], ['layer', 'build', RELEASE, '--arch', 'mips'], ['layer', 'build', RELEASE, '--arch', 'x64', '--level', '13'], ['layer', 'build', RELEASE, '--arch', 'x64', '--runtime', 'dotnet6'], ['layer', 'build', '--arch', 'x64'], ['layer', 'inspect'], ['layer', 'nope']]) {
      const r = cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/usage: net-profiler layer/);
    }
    // with --json: one JSON document, the error naming the argument, and the usage line
    for (const [args, argument] of [
      [['layer', 'build', 'rel', '--arch', '--json'], 'arch'],
      [['layer', 'build', RELEASE, '--arch', 'x64', '--level', '13', '--json'], 'level'],
      [['layer', 'build', RELEASE, '--arch', 'x64', '--level', '-1', '--json'], 'level'],
      [['layer', 'build', RELEASE, '--arch', 'mips', '--json'], 'arch'],
    ] as [string[], string][]) {
      const r = cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      const doc = JSON.parse(r.stdout);
      expect(doc, args.join(' ')).toEqual({ ok: false, error: expect.objectContaining({ code: 'bad-argument', argument, usage: expect.stringMatching(/^net-profiler layer build /) }) });
    }
    // a huge value is quoted as a short prefix, not echoed whole
    const huge = cli(['layer', 'build', RELEASE, '--arch', 'x'.repeat(120_000)]);
    expect(huge.code).toBe(2);
    expect(huge.stderr.length).toBeLessThan(2000);
    const missing = cli(['layer', 'build', '/nonexistent/release', '--arch', 'x64']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('/nonexistent/release');
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  });

  it('--help on the group and every command, with an example', () => {
    const g = cli(['layer', '--help']);
    expect(g.code).toBe(0);
    for (const c of ['build', 'rebuild', 'inspect', 'unpack']) {
      expect(g.stdout).toContain(c);
      const h = cli(['layer', c, '--help']);
      expect(h.code).toBe(0);
      expect(h.stdout).toMatch(/example:\n {2}net-profiler layer /);
    }
  });

  it('inspect: a valid layer, a readable ZIP that is not a layer (exit 0 with findings), a hostile ZIP (exit 1)', () => {
    const out = tmpDir();
    const b = JSON.parse(cli(['layer', 'build', RELEASE, '--arch', 'arm64', '--out', out, '--json']).stdout);
    const ok = cli(['layer', 'inspect', b.layerZip, '--json']);
    expect(ok.code).toBe(0);
    const doc = JSON.parse(ok.stdout);
    expect(doc.layer).toEqual({ valid: true, version: '1.4.0', arch: 'arm64', runtimes: ['dotnet8', 'dotnet10'], unzippedBytes: b.unzippedBytes });
    expect(doc.entries[16]).toEqual({ path: 'profiler_wrapper', type: 'file', mode: 493, size: expect.any(Number), compressedSize: expect.any(Number), crc32: expect.stringMatching(/^[0-9a-f]{8}$/) });
    expect(doc.findings).toEqual([]);
    const human = cli(['layer', 'inspect', b.layerZip]);
    expect(human.stdout).toContain('valid layer; version 1.4.0, arch arm64');
    expect(human.stdout).toMatch(/- 0755 +\d+ +[0-9a-f]{8} +profiler_wrapper/);

    const notLayer = cli(['layer', 'inspect', path.join(CORPUS, 'good-infozip-extras.zip'), '--json']);
    expect(notLayer.code).toBe(0);
    const nd = JSON.parse(notLayer.stdout);
    expect(nd.layer.valid).toBe(false);
    expect(nd.findings.map((f: { code: string }) => f.code)).toEqual(expect.arrayContaining(['wrapper-missing', 'manifest-missing']));

    const hostile = cli(['layer', 'inspect', path.join(CORPUS, 'traversal.zip'), '--json']);
    expect(hostile.code).toBe(1);
    expect(JSON.parse(hostile.stdout)).toEqual({ ok: false, errors: [{ code: 'unsafe-name', entry: '../evil.txt', message: expect.stringContaining('..') }] });
  });

  it('inspect reports a wrong-arch native library and settings findings as findings', async () => {
    const out = tmpDir();
    const b = JSON.parse(cli(['layer', 'build', RELEASE, '--arch', 'arm64', '--out', out, '--json']).stdout);
    const dir = path.join(tmpDir(), 'pkg');
    expect(cli(['layer', 'unpack', b.packageZip, dir]).code).toBe(0);
    const pkg = path.join(dir, 'profiler-lambda-layer-1.4.0-linux-arm64');
    fs.copyFileSync(path.join(RELEASE, 'native/linux-x64/libnet_profiler.so'), path.join(pkg, 'layer/profiler/native/libnet_profiler.so'));
    const settings = path.join(pkg, 'layer/profiler/settings/lambda/settings.yaml');
    fs.writeFileSync(settings, fs.readFileSync(settings, 'utf8').replace('http://localhost:4318', 'https://<environment>/api/v2/otlp').replace('- HttpClient', '- AWS'));
    // a hand-made ZIP of that tree (Info-ZIP keeps the modes of the files)
    const { writeZip } = await import('../../lib/layer');
    const files: { name: string; mode: number; file: string }[] = [];
    const walk = (rel: string) => {
      for (const n of fs.readdirSync(path.join(pkg, 'layer', rel))) {
        const r = rel ? `${rel}/${n}` : n;
        if (fs.statSync(path.join(pkg, 'layer', r)).isDirectory()) walk(r);
        else files.push({ name: r, mode: r === 'profiler_wrapper' ? 0o755 : 0o644, file: path.join(pkg, 'layer', r) });
      }
    };
    walk('');
    const zip = path.join(out, 'hand.zip');
    await writeZip(zip, files);
    const r = cli(['layer', 'inspect', zip, '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.layer.valid).toBe(false);
    const settingsPath = 'profiler/settings/lambda/settings.yaml';
    expect(doc.findings).toEqual([
      expect.objectContaining({ code: 'native-wrong-machine', severity: 'error', path: 'profiler/native/libnet_profiler.so' }),
      expect.objectContaining({ code: 'placeholder', severity: 'error', path: `${settingsPath}#Connection.EndpointUrl`, line: 11, column: 16 }),
      expect.objectContaining({ code: 'aws-instrumentation-dotnet8', severity: 'warning', path: expect.stringMatching(new RegExp(`^${settingsPath}#`)), line: expect.any(Number) }),
    ]);
    const human = cli(['layer', 'inspect', zip]);
    expect(human.stderr).toMatch(new RegExp(`${settingsPath}:11:16: error placeholder: Connection.EndpointUrl: `));
  });

  it('shows progress on a TTY stderr, never with --json', async () => {
    const { runCli } = await import('../../lib/cli/main');
    const { Writable } = await import('stream');
    const sink = (tty: boolean) => {
      const chunks: string[] = [];
      const w = new Writable({ write(c, _e, cb) { chunks.push(String(c)); cb(); } }) as NodeJS.WritableStream & { isTTY?: boolean };
      w.isTTY = tty;
      return { w, text: () => chunks.join('') };
    };
    const out = sink(false);
    const err = sink(true);
    const code = await runCli(['layer', 'build', RELEASE, '--arch', 'arm64', '--out', tmpDir()], { stdout: out.w, stderr: err.w, env: {} });
    expect(code).toBe(0);
    expect(err.text()).toMatch(/compressing 100% \(/);
    const jout = sink(false);
    const jerr = sink(true);
    expect(await runCli(['layer', 'build', RELEASE, '--arch', 'arm64', '--out', tmpDir(), '--json'], { stdout: jout.w, stderr: jerr.w, env: {} })).toBe(0);
    expect(jerr.text()).toBe('');
    expect(JSON.parse(jout.text()).ok).toBe(true);
  });

  it('unpack and rebuild: the seed flow (edit the settings, rebuild)', () => {
    const out = tmpDir();
    const b = JSON.parse(cli(['layer', 'build', RELEASE, '--arch', 'arm64', '--out', out, '--json']).stdout);
    const dir = path.join(tmpDir(), 'pkg');
    const u = cli(['layer', 'unpack', b.packageZip, dir]);
    expect(u.code, u.stderr).toBe(0);
    expect(u.stdout).toMatch(/^unpacked 14 files and \d+ folders/);
    const pkg = path.join(dir, 'profiler-lambda-layer-1.4.0-linux-arm64');
    const s = path.join(pkg, 'layer/profiler/settings/lambda/settings.yaml');
    fs.appendFileSync(s, '# edited\n');
    const r = cli(['layer', 'rebuild', pkg, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ ok: true, version: '1.4.0', arch: 'arm64', changed: ['profiler/settings/lambda/settings.yaml'] });
    expect(doc.sha256).not.toBe(b.sha256);
    const hostile = cli(['layer', 'unpack', path.join(CORPUS, 'symlink.zip'), path.join(dir, 'x')]);
    expect(hostile.code).toBe(1);
    expect(hostile.stderr).toContain('error unsupported-entry-type: entry "link"');
    expect(fs.existsSync(path.join(dir, 'x'))).toBe(false);
  });
});
