// buildLayer: the layer ZIP's tree, modes and bytes; determinism; refusals; the package.
import * as fs from 'fs';
import * as path from 'path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildLayer, inspectLayer } from '../../lib/layer';
import type { BuildLayerRefusal, BuildLayerResult } from '../../lib/layer';
import { needTool } from '../helpers/tools';
import { cleanup, copyTree, listTree, RELEASE, run, tmpDir } from './helpers';

afterAll(cleanup);

const SPEC_TREE: [string, number][] = [
  ['profiler/', 0o755],
  ['profiler/agent/', 0o755],
  ['profiler/agent/net10.0/', 0o755],
  ['profiler/agent/net10.0/NetProfiler.Agent.StartupHook.dll', 0o644],
  ['profiler/agent/net10.0/NetProfiler.Agent.dll', 0o644],
  ['profiler/agent/net10.0/NetProfiler.Agent.runtimeconfig.json', 0o644],
  ['profiler/agent/net8.0/', 0o755],
  ['profiler/agent/net8.0/NetProfiler.Agent.StartupHook.dll', 0o644],
  ['profiler/agent/net8.0/NetProfiler.Agent.dll', 0o644],
  ['profiler/agent/net8.0/NetProfiler.Agent.runtimeconfig.json', 0o644],
  ['profiler/manifest.json', 0o644],
  ['profiler/native/', 0o755],
  ['profiler/native/libnet_profiler.so', 0o755],
  ['profiler/settings/', 0o755],
  ['profiler/settings/lambda/', 0o755],
  ['profiler/settings/lambda/settings.yaml', 0o644],
  ['profiler_wrapper', 0o755],
];

async function ok(p: Promise<BuildLayerResult | BuildLayerRefusal>): Promise<BuildLayerResult> {
  const r = await p;
  if (!r.ok) throw new Error(`build refused: ${JSON.stringify(r.errors)}`);
  return r;
}

describe('layer ZIP from examples/release', () => {
  it('has exactly the spec tree and modes, fixed times, and Info-ZIP and Python agree', async () => {
    const out = tmpDir();
    const r = await ok(buildLayer({ release: RELEASE, arch: 'arm64', outDir: out }));
    expect(path.basename(r.layerZip)).toBe('profiler-lambda-layer-1.4.0-linux-arm64.zip');
    expect(path.basename(r.packageZip)).toBe('profiler-lambda-layer-1.4.0-linux-arm64-package.zip');
    expect(r.entries).toBe(SPEC_TREE.length);
    expect(fs.readdirSync(out).sort()).toEqual([path.basename(r.layerZip), path.basename(r.packageZip)].sort());
    const insp = await inspectLayer(r.layerZip);
    expect(insp.entries.map((e) => [e.path, e.mode])).toEqual(SPEC_TREE);
    expect(insp.layer).toEqual({ valid: true, version: '1.4.0', arch: 'arm64', runtimes: ['dotnet8', 'dotnet10'], unzippedBytes: r.unzippedBytes });
    if (needTool('unzip', 'Info-ZIP unzip checks the layer ZIP', ['-v'])) {
      const t = run('unzip', ['-t', r.layerZip]);
      expect(t.code, t.stdout).toBe(0);
      expect(t.stdout).toContain('No errors detected');
      const z = run('zipinfo', [r.layerZip]);
      const lines = z.stdout.split('\n').filter((l) => /^[d-]r/.test(l));
      expect(lines).toHaveLength(SPEC_TREE.length);
      for (const l of lines) expect(l).toMatch(/ unx .* 80-Jan-01 00:00 /);
    }
    if (needTool('python3', 'Python zipfile checks the layer ZIP')) {
      const py = run('python3', ['-c', `
import zipfile, sys, json
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
print(json.dumps([[i.filename, i.external_attr >> 16, i.date_time[0], i.create_system, len(i.extra)] for i in z.infolist()]))
`, r.layerZip]);
      expect(py.code, py.stderr).toBe(0);
      const rows = JSON.parse(py.stdout) as [string, number, number, number, number][];
      expect(rows.map(([n, m]) => [n, m & 0o7777])).toEqual(SPEC_TREE);
      for (const [n, m, year, sys, extra] of rows) {
        expect(m >> 12, n).toBe(n.endsWith('/') ? 0o04 : 0o10); // S_IFDIR / S_IFREG
        expect(year).toBe(1980);
        expect(sys).toBe(3); // made by UNIX
        expect(extra).toBe(0); // no extra field carries a time
      }
    }
  });

  it('fills the manifest and the wrapper from the release', async () => {
    const out = tmpDir();
    const r = await ok(buildLayer({ release: RELEASE, arch: 'x64', runtimes: ['dotnet10'], outDir: out }));
    const dir = tmpDir();
    const { unpackZip } = await import('../../lib/layer');
    await unpackZip(r.layerZip, path.join(dir, 'opt'));
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'opt/profiler/manifest.json'), 'utf8'));
    expect(manifest).toEqual({
      version: '1.4.0',
      clsid: '{9E2B38F2-7355-4C61-A54F-434B7AC266C0}',
      startupHook: 'NetProfiler.Agent.StartupHook.dll',
      arch: 'x64',
      runtimes: ['dotnet10'],
    });
    const wrapper = fs.readFileSync(path.join(dir, 'opt/profiler_wrapper'), 'utf8');
    expect(wrapper).not.toContain('@NP_');
    expect(wrapper).toContain("np_arch='x64'");
    expect(listTree(path.join(dir, 'opt'))).not.toContain('profiler/agent/net8.0/');
    expect(fs.readFileSync(path.join(dir, 'opt/profiler/native/libnet_profiler.so'))).toEqual(fs.readFileSync(path.join(RELEASE, 'native/linux-x64/libnet_profiler.so')));
  });

  it('is byte-identical from copies with other times and creation order; SOURCE_DATE_EPOCH sets the time', async () => {
    const a = tmpDir();
    const b = tmpDir();
    copyTree(RELEASE, a, { mtime: 1_000_000_000 });
    copyTree(RELEASE, b, { reverse: true, mtime: 1_700_000_000 });
    fs.chmodSync(path.join(b, 'manifest.json'), 0o600);
    fs.chmodSync(path.join(b, 'native/linux-arm64/libnet_profiler.so'), 0o644);
    const ra = await ok(buildLayer({ release: a, arch: 'arm64', outDir: tmpDir() }));
    const rb = await ok(buildLayer({ release: b, arch: 'arm64', outDir: tmpDir() }));
    expect(fs.readFileSync(rb.layerZip).equals(fs.readFileSync(ra.layerZip))).toBe(true);
    expect(fs.readFileSync(rb.packageZip).equals(fs.readFileSync(ra.packageZip))).toBe(true);
    expect(rb.sha256).toBe(ra.sha256);
    const prev = process.env.SOURCE_DATE_EPOCH;
    process.env.SOURCE_DATE_EPOCH = '1795610096'; // 2026-11-25 12:34:56 UTC
    try {
      const rc = await ok(buildLayer({ release: a, arch: 'arm64', outDir: tmpDir() }));
      expect(rc.sha256).not.toBe(ra.sha256);
      if (needTool('python3', 'Python reads the entry times')) {
        const py = run('python3', ['-c', 'import zipfile,sys; print(set(i.date_time for i in zipfile.ZipFile(sys.argv[1]).infolist()))', rc.layerZip]);
        expect(py.stdout.trim()).toBe('{(2026, 11, 25, 12, 34, 56)}');
      }
    } finally {
      if (prev === undefined) delete process.env.SOURCE_DATE_EPOCH;
      else process.env.SOURCE_DATE_EPOCH = prev;
    }
  });

  it('stores at level 0 and compresses at level 6', async () => {
    const r0 = await ok(buildLayer({ release: RELEASE, arch: 'arm64', outDir: tmpDir(), level: 0 }));
    const i0 = await inspectLayer(r0.layerZip);
    for (const e of i0.entries) expect(e.compressedSize).toBe(e.size);
    const r6 = await ok(buildLayer({ release: RELEASE, arch: 'arm64', outDir: tmpDir() }));
    const so = (await inspectLayer(r6.layerZip)).entries.find((e) => e.path.endsWith('.so'))!;
    expect(so.compressedSize).toBeLessThan(so.size);
  });

  it('writes a package whose SHA256SUMS checks and whose layer/ is the layer unpacked', async () => {
    const r = await ok(buildLayer({ release: RELEASE, arch: 'arm64', outDir: tmpDir() }));
    const dir = tmpDir();
    const { unpackZip } = await import('../../lib/layer');
    await unpackZip(r.packageZip, path.join(dir, 'p'));
    const base = path.join(dir, 'p/profiler-lambda-layer-1.4.0-linux-arm64');
    expect(fs.readdirSync(base).sort()).toEqual(['SHA256SUMS', 'deploy-layer.sh', 'function-environment.json', 'layer', 'profiler-lambda-layer-1.4.0-linux-arm64.zip']);
    expect(JSON.parse(fs.readFileSync(path.join(base, 'function-environment.json'), 'utf8'))).toEqual({ Variables: { AWS_LAMBDA_EXEC_WRAPPER: '/opt/profiler_wrapper' } });
    expect(fs.statSync(path.join(base, 'deploy-layer.sh')).mode & 0o777).toBe(0o755);
    expect(fs.readFileSync(path.join(base, 'deploy-layer.sh'))).toEqual(fs.readFileSync(path.join(__dirname, '../../assets/deploy-layer.sh')));
    expect(fs.readFileSync(path.join(base, 'profiler-lambda-layer-1.4.0-linux-arm64.zip')).equals(fs.readFileSync(r.layerZip))).toBe(true);
    expect(listTree(path.join(base, 'layer'))).toEqual(SPEC_TREE.map(([p]) => p));
    expect(fs.statSync(path.join(base, 'layer/profiler_wrapper')).mode & 0o777).toBe(0o755);
    const sums = fs.readFileSync(path.join(base, 'SHA256SUMS'), 'utf8');
    expect(sums).toMatch(/^[0-9a-f]{64} {2}profiler-lambda-layer-1\.4\.0-linux-arm64\.zip$/m);
    expect(sums).toMatch(/ {2}layer\/profiler_wrapper$/m);
    if (needTool('sha256sum', 'checks SHA256SUMS')) {
      const c = run('sha256sum', ['-c', 'SHA256SUMS'], { cwd: base });
      expect(c.code, c.stdout + c.stderr).toBe(0);
      expect(c.stdout.split('\n').filter(Boolean)).toHaveLength(3 + SPEC_TREE.filter(([p]) => !p.endsWith('/')).length);
    }
  });
});

describe('broken releases are refused, naming the file, writing nothing', () => {
  type Break = (dir: string) => void;
  const cases: [string, Break, string, string][] = [
    ['no manifest', (d) => fs.rmSync(path.join(d, 'manifest.json')), 'manifest-missing', 'manifest.json'],
    ['manifest not JSON', (d) => fs.writeFileSync(path.join(d, 'manifest.json'), '{"version": '), 'manifest-invalid', 'manifest.json'],
    ['version not semver', (d) => editManifest(d, { version: '1.4' }), 'bad-version', 'manifest.json'],
    ['clsid not a braced GUID', (d) => editManifest(d, { clsid: '9E2B38F2-7355-4C61-A54F-434B7AC266C0' }), 'bad-clsid', 'manifest.json'],
    ['startup hook with a quote', (d) => editManifest(d, { startupHook: "x';rm -rf /;'.dll" }), 'bad-startup-hook', 'manifest.json'],
    ['no native library', (d) => fs.rmSync(path.join(d, 'native/linux-arm64/libnet_profiler.so')), 'native-missing', 'native/linux-arm64/libnet_profiler.so'],
    ['native library of the other arch', (d) => fs.copyFileSync(path.join(d, 'native/linux-x64/libnet_profiler.so'), path.join(d, 'native/linux-arm64/libnet_profiler.so')), 'native-wrong-machine', 'native/linux-arm64/libnet_profiler.so'],
    ['native library not ELF', (d) => fs.writeFileSync(path.join(d, 'native/linux-arm64/libnet_profiler.so'), 'not an elf'), 'native-not-elf', 'native/linux-arm64/libnet_profiler.so'],
    ['native library 32-bit', (d) => patch(d, 'native/linux-arm64/libnet_profiler.so', 4, 1), 'native-not-64bit', 'native/linux-arm64/libnet_profiler.so'],
    ['native library big-endian', (d) => patch(d, 'native/linux-arm64/libnet_profiler.so', 5, 2), 'native-not-little-endian', 'native/linux-arm64/libnet_profiler.so'],
    ['native library an executable', (d) => patch(d, 'native/linux-arm64/libnet_profiler.so', 16, 2), 'native-not-shared-object', 'native/linux-arm64/libnet_profiler.so'],
    ['no agent for a runtime', (d) => fs.rmSync(path.join(d, 'agent/net8.0'), { recursive: true }), 'agent-missing', 'agent/net8.0'],
    ['no startup hook', (d) => fs.rmSync(path.join(d, 'agent/net10.0/NetProfiler.Agent.StartupHook.dll')), 'startup-hook-missing', 'agent/net10.0/NetProfiler.Agent.StartupHook.dll'],
    ['no settings', (d) => fs.rmSync(path.join(d, 'settings/lambda/settings.yaml')), 'settings-missing', 'settings/lambda/settings.yaml'],
    ['settings not YAML', (d) => fs.writeFileSync(path.join(d, 'settings/lambda/settings.yaml'), 'General:\n  Enabled: [true\n'), '', 'settings/lambda/settings.yaml'],
    ['symbolic link out of the tree', (d) => {
      fs.rmSync(path.join(d, 'agent/net8.0/NetProfiler.Agent.dll'));
      fs.symlinkSync('/etc/passwd', path.join(d, 'agent/net8.0/NetProfiler.Agent.dll'));
    }, 'symlink-outside', 'agent/net8.0/NetProfiler.Agent.dll'],
  ];
  for (const [what, breakIt, code, file] of cases) {
    it(what, async () => {
      const rel = tmpDir();
      copyTree(RELEASE, rel);
      breakIt(rel);
      const out = path.join(tmpDir(), 'out');
      const r = await buildLayer({ release: rel, arch: 'arm64', outDir: out });
      expect(r.ok).toBe(false);
      const errors = (r as BuildLayerRefusal).errors;
      const hit = errors.find((e) => (code ? e.code === code : true) && e.file === path.join(rel, file));
      expect(hit, JSON.stringify(errors)).toBeDefined();
      expect(hit!.message.length).toBeGreaterThan(5);
      expect(fs.existsSync(out)).toBe(false);
    });
  }

  it('follows symbolic links that stay inside the release', async () => {
    const rel = tmpDir();
    copyTree(RELEASE, rel);
    fs.rmSync(path.join(rel, 'agent/net10.0/NetProfiler.Agent.dll'));
    fs.symlinkSync('../net8.0/NetProfiler.Agent.dll', path.join(rel, 'agent/net10.0/NetProfiler.Agent.dll'));
    const r = await ok(buildLayer({ release: rel, arch: 'arm64', outDir: tmpDir() }));
    const e = (await inspectLayer(r.layerZip)).entries.find((x) => x.path === 'profiler/agent/net10.0/NetProfiler.Agent.dll');
    expect(e?.type).toBe('file');
    expect(e?.size).toBe(1024);
  });

  it('does not loop on a link to a folder above it', async () => {
    const rel = tmpDir();
    copyTree(RELEASE, rel);
    fs.symlinkSync('..', path.join(rel, 'agent/net8.0/up'));
    fs.symlinkSync('../..', path.join(rel, 'agent/net8.0/top'));
    const r = await ok(buildLayer({ release: rel, arch: 'arm64', outDir: tmpDir() }));
    const names = (await inspectLayer(r.layerZip)).entries.map((e) => e.path);
    expect(names.filter((n) => n.startsWith('profiler/agent/net8.0/up/') || n.startsWith('profiler/agent/net8.0/top/'))).toEqual([]);
  });

  it('warns (and builds) for a .dll that is not a CLI assembly', async () => {
    const rel = tmpDir();
    copyTree(RELEASE, rel);
    fs.copyFileSync(path.join(rel, 'native/linux-x64/libnet_profiler.so'), path.join(rel, 'agent/net8.0/Native.dll'));
    const r = await ok(buildLayer({ release: rel, arch: 'arm64', outDir: tmpDir() }));
    expect(r.warnings).toEqual([expect.objectContaining({ code: 'not-cli-assembly', file: path.join(rel, 'agent/net8.0/Native.dll') })]);
  });

  it('runs the settings checks for the runtimes targeted (errors refuse, warnings pass)', async () => {
    const rel = tmpDir();
    copyTree(RELEASE, rel);
    const s = path.join(rel, 'settings/lambda/settings.yaml');
    fs.writeFileSync(s, fs.readFileSync(s, 'utf8').replace('- HttpClient', '- AWS'));
    const both = await ok(buildLayer({ release: rel, arch: 'arm64', outDir: tmpDir() }));
    expect(both.warnings).toEqual([expect.objectContaining({ code: 'aws-instrumentation-dotnet8', file: s, line: expect.any(Number), column: expect.any(Number) })]);
    const only10 = await ok(buildLayer({ release: rel, arch: 'arm64', runtimes: ['dotnet10'], outDir: tmpDir() }));
    expect(only10.warnings).toEqual([]);
    fs.writeFileSync(s, fs.readFileSync(s, 'utf8').replace('http://localhost:4318', 'https://<environment>/api/v2/otlp'));
    const refused = (await buildLayer({ release: rel, arch: 'arm64', outDir: tmpDir() })) as BuildLayerRefusal;
    expect(refused.ok).toBe(false);
    expect(refused.errors).toEqual([expect.objectContaining({ code: 'placeholder', file: s, line: 11, column: 16 })]);
  });

  it('--settings replaces the default settings and is checked as the file named', async () => {
    const mine = path.join(tmpDir(), 'mine.yaml');
    fs.writeFileSync(mine, 'General:\n  Enabled: yes\n');
    const r = (await buildLayer({ release: RELEASE, arch: 'arm64', settings: mine, outDir: tmpDir() })) as BuildLayerRefusal;
    expect(r.ok).toBe(false);
    expect(r.errors.map((e) => [e.file, e.line])).toContainEqual([mine, 2]);
  });

  it('leaves an existing output folder as it was', async () => {
    const rel = tmpDir();
    copyTree(RELEASE, rel);
    editManifest(rel, { clsid: 'nope' });
    const out = tmpDir();
    fs.writeFileSync(path.join(out, 'keep.txt'), 'x');
    const r = await buildLayer({ release: rel, arch: 'arm64', outDir: out });
    expect(r.ok).toBe(false);
    expect(fs.readdirSync(out)).toEqual(['keep.txt']);
  });

  it('lists every error at once', async () => {
    const rel = tmpDir();
    copyTree(RELEASE, rel);
    editManifest(rel, { version: 'x', clsid: 'y' });
    fs.rmSync(path.join(rel, 'agent/net8.0'), { recursive: true });
    const r = (await buildLayer({ release: rel, arch: 'arm64', outDir: tmpDir() })) as BuildLayerRefusal;
    expect(r.errors.map((e) => e.code).sort()).toEqual(['agent-missing', 'bad-clsid', 'bad-version']);
  });
});

function editManifest(dir: string, fields: Record<string, unknown>): void {
  const p = path.join(dir, 'manifest.json');
  fs.writeFileSync(p, JSON.stringify({ ...JSON.parse(fs.readFileSync(p, 'utf8')), ...fields }));
}

function patch(dir: string, rel: string, offset: number, value: number): void {
  const p = path.join(dir, rel);
  const b = fs.readFileSync(p);
  b[offset] = value;
  fs.writeFileSync(p, b);
}

describe('the arm64 smoke case (test/arm64/cases/layer.js)', () => {
  it('builds, through the raw addon, the same bytes as buildLayer', async () => {
    const prev = process.env.SOURCE_DATE_EPOCH;
    delete process.env.SOURCE_DATE_EPOCH;
    try {
      const r = await ok(buildLayer({ release: RELEASE, arch: 'arm64', outDir: tmpDir() }));
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      const smoke = require('../arm64/cases/layer.js') as (addon: unknown, root: string) => Promise<{ sha256: string; entries: number; elf: { machine: number }; cli: boolean }>;
      const { loadNative } = await import('../../lib/native');
      const res = await smoke(loadNative(), path.join(__dirname, '../..'));
      expect(res.sha256).toBe(r.sha256);
      expect(res.entries).toBe(17);
      expect(res.elf.machine).toBe(183);
      expect(res.cli).toBe(true);
    } finally {
      if (prev !== undefined) process.env.SOURCE_DATE_EPOCH = prev;
    }
  });
});
