// buildLayer: the layer ZIP's tree, modes and bytes; determinism; refusals; the package.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { afterAll, describe, expect, it } from 'vitest';
import { INPUT_CAPS } from '../../lib/constants';
import { IssuesError } from '../../lib/errors';
import { buildLayer, inspectLayer, readCheckedZip } from '../../lib/layer';
import type { BuildLayerOptions } from '../../lib/layer';
import { needTool } from '../helpers/tools';
import { cleanup, copyTree, listTree, RELEASE, run, tmpDir } from './helpers';

// Tools the checks below use: a missing one is a skip with the reason printed (a
// failure under CI=true, where needTool throws).
const UNZIP = needTool('unzip', 'Info-ZIP checks the layer ZIP', ['-v']);
const PYTHON = needTool('python3', "Python's zipfile checks the layer ZIP");
const SHA256SUM = needTool('sha256sum', 'checks SHA256SUMS');

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

/** A build that must pass: `buildLayer` throws when it refuses, so this only names the intent. */
const ok = <T>(p: Promise<T>): Promise<T> => p;

/** The refusal of a build that must be refused (an IssuesError, nothing written). */
async function refused(options: BuildLayerOptions): Promise<IssuesError> {
  const err = await buildLayer(options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'the build must be refused').toBeInstanceOf(IssuesError);
  const e = err as IssuesError;
  expect(e.code).toBe('build-refused');
  return e;
}

describe('layer ZIP from examples/release', () => {
  let sourceDateEpochZip = '';
  let packageBase = '';
  let built: { layerZip: string; unzippedBytes: number } | undefined;
  const arm64Layer = async () => (built ??= await buildLayer({ release: RELEASE, arch: 'arm64', outDir: tmpDir() }));

  it('has exactly the spec tree and modes', async () => {
    const out = tmpDir();
    const r = await ok(buildLayer({ release: RELEASE, arch: 'arm64', outDir: out }));
    expect(path.basename(r.layerZip)).toBe('profiler-lambda-layer-1.4.0-linux-arm64.zip');
    expect(path.basename(r.packageZip)).toBe('profiler-lambda-layer-1.4.0-linux-arm64-package.zip');
    expect(r.entries).toBe(SPEC_TREE.length);
    expect(fs.readdirSync(out).sort()).toEqual([path.basename(r.layerZip), path.basename(r.packageZip)].sort());
    const insp = await inspectLayer(r.layerZip);
    expect(insp.entries.map((e) => [e.path, e.mode])).toEqual(SPEC_TREE);
    expect(insp.layer).toEqual({ valid: true, version: '1.4.0', arch: 'arm64', runtimes: ['dotnet8', 'dotnet10'], unzippedBytes: r.unzippedBytes });
  });

  it.skipIf(!UNZIP)('Info-ZIP tests it and lists UNIX modes and the fixed time (needs unzip)', async () => {
    const r = await arm64Layer();
    const t = run('unzip', ['-t', r.layerZip]);
    expect(t.code, t.stdout).toBe(0);
    expect(t.stdout).toContain('No errors detected');
    const z = run('zipinfo', [r.layerZip]);
    const lines = z.stdout.split('\n').filter((l) => /^[d-]r/.test(l));
    expect(lines).toHaveLength(SPEC_TREE.length);
    for (const l of lines) expect(l).toMatch(/ unx .* 80-Jan-01 00:00 /);
  });

  it.skipIf(!PYTHON)("Python's zipfile reads the same tree, types, time, creator and no extra fields (needs python3)", async () => {
    const r = await arm64Layer();
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
      // the time itself, read back by the SDK's own reader from the central directory
      const z = await readCheckedZip(rc.layerZip);
      const cd = z.bytes.subarray(z.directory.cdOffset);
      // MS-DOS time and date of the first central directory entry (offsets 12 and 14)
      expect([cd.readUInt16LE(12), cd.readUInt16LE(14)]).toEqual([(12 << 11) | (34 << 5) | (56 >> 1), ((2026 - 1980) << 9) | (11 << 5) | 25]);
      sourceDateEpochZip = rc.layerZip;
    } finally {
      if (prev === undefined) delete process.env.SOURCE_DATE_EPOCH;
      else process.env.SOURCE_DATE_EPOCH = prev;
    }
  });

  it.skipIf(!PYTHON)('SOURCE_DATE_EPOCH: Python reads the entry times (needs python3)', () => {
    expect(sourceDateEpochZip).not.toBe('');
    const py = run('python3', ['-c', 'import zipfile,sys; print(set(i.date_time for i in zipfile.ZipFile(sys.argv[1]).infolist()))', sourceDateEpochZip]);
    expect(py.stdout.trim()).toBe('{(2026, 11, 25, 12, 34, 56)}');
  });

  // The compressed bytes of the arm64 example library under libdeflate: a known input's
  // known output, so the default level is checked, not only that it compresses.
  const SO_AT = {
    6: { size: 1275, sha256: '5d44001df55b6cb15da27065c5024ef6bd9a2cb484a31e2628475ddd5add76af' },
    9: { size: 1252, sha256: 'd89dc5702c98ba93ee906936a0abda28f0e784e40478610c49e1d06ca99ab9b7' },
  };
  async function soData(layerZip: string) {
    const z = await readCheckedZip(layerZip);
    const e = z.directory.entries.find((x) => x.name.toString() === 'profiler/native/libnet_profiler.so')!;
    const data = z.bytes.subarray(e.dataOffset, e.dataOffset + e.compressedSize);
    return { method: e.method, size: data.length, sha256: createHash('sha256').update(data).digest('hex') };
  }

  it('stores at level 0 and compresses at level 6 by default (the exact level-6 bytes; level 9 differs)', async () => {
    const r0 = await ok(buildLayer({ release: RELEASE, arch: 'arm64', outDir: tmpDir(), level: 0 }));
    const i0 = await inspectLayer(r0.layerZip);
    for (const e of i0.entries) expect(e.compressedSize).toBe(e.size);
    const byDefault = await soData((await ok(buildLayer({ release: RELEASE, arch: 'arm64', outDir: tmpDir() }))).layerZip);
    expect(byDefault).toEqual({ method: 8, ...SO_AT[6] });
    const at9 = await soData((await ok(buildLayer({ release: RELEASE, arch: 'arm64', outDir: tmpDir(), level: 9 }))).layerZip);
    expect(at9).toEqual({ method: 8, ...SO_AT[9] });
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
    // every line is the SHA-256 of the file it names (checked here, and by sha256sum below)
    const lines = sums.split('\n').filter(Boolean);
    expect(lines).toHaveLength(3 + SPEC_TREE.filter(([p]) => !p.endsWith('/')).length);
    for (const l of lines) {
      const [h, f] = l.split('  ');
      expect(createHash('sha256').update(fs.readFileSync(path.join(base, f!))).digest('hex'), f).toBe(h);
    }
    packageBase = base;
  });

  it.skipIf(!SHA256SUM)('sha256sum -c accepts SHA256SUMS (needs sha256sum)', () => {
    expect(packageBase).not.toBe('');
    const c = run('sha256sum', ['-c', 'SHA256SUMS'], { cwd: packageBase });
    expect(c.code, c.stdout + c.stderr).toBe(0);
    expect(c.stdout.split('\n').filter(Boolean)).toHaveLength(3 + SPEC_TREE.filter(([p]) => !p.endsWith('/')).length);
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
    ['settings not YAML', (d) => fs.writeFileSync(path.join(d, 'settings/lambda/settings.yaml'), 'General:\n  Enabled: [true\n'), 'yaml-syntax', 'settings/lambda/settings.yaml'],
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
      const { errors } = await refused({ release: rel, arch: 'arm64', outDir: out });
      const hit = errors.find((e) => e.code === code && e.file === path.join(rel, file));
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
    const no = await refused({ release: rel, arch: 'arm64', outDir: tmpDir() });
    expect(no.errors).toEqual([expect.objectContaining({ code: 'placeholder', file: s, line: 11, column: 16 })]);
  });

  it('--settings replaces the default settings and is checked as the file named', async () => {
    const mine = path.join(tmpDir(), 'mine.yaml');
    fs.writeFileSync(mine, 'General:\n  Enabled: yes\n');
    const r = await refused({ release: RELEASE, arch: 'arm64', settings: mine, outDir: tmpDir() });
    expect(r.errors.map((e) => [e.file, e.line])).toContainEqual([mine, 2]);
  });

  it('leaves an existing output folder as it was', async () => {
    const rel = tmpDir();
    copyTree(RELEASE, rel);
    editManifest(rel, { clsid: 'nope' });
    const out = tmpDir();
    fs.writeFileSync(path.join(out, 'keep.txt'), 'x');
    await refused({ release: rel, arch: 'arm64', outDir: out });
    expect(fs.readdirSync(out)).toEqual(['keep.txt']);
  });

  it('lists every error at once', async () => {
    const rel = tmpDir();
    copyTree(RELEASE, rel);
    editManifest(rel, { version: 'x', clsid: 'y' });
    fs.rmSync(path.join(rel, 'agent/net8.0'), { recursive: true });
    const r = await refused({ release: rel, arch: 'arm64', outDir: tmpDir() });
    expect(r.errors.map((e) => e.code).sort()).toEqual(['agent-missing', 'bad-clsid', 'bad-version']);
  });

  it('lists every error at once, the missing startup hook with the manifest errors (issue 12 #14)', async () => {
    const rel = tmpDir();
    copyTree(RELEASE, rel);
    editManifest(rel, { version: 'x', clsid: 'y' });
    fs.rmSync(path.join(rel, 'agent/net10.0/NetProfiler.Agent.StartupHook.dll'));
    fs.copyFileSync(path.join(rel, 'native/linux-x64/libnet_profiler.so'), path.join(rel, 'native/linux-arm64/libnet_profiler.so'));
    fs.writeFileSync(path.join(rel, 'settings/lambda/settings.yaml'), 'General:\n  Enabled: yes\n');
    const r = await refused({ release: rel, arch: 'arm64', outDir: tmpDir() });
    expect(r.errors.map((e) => e.code)).toEqual(expect.arrayContaining(['bad-version', 'bad-clsid', 'startup-hook-missing', 'native-wrong-machine']));
    expect(r.errors.find((e) => e.code === 'startup-hook-missing')!.file).toBe(path.join(rel, 'agent/net10.0/NetProfiler.Agent.StartupHook.dll'));
    expect(r.errors.some((e) => e.file === path.join(rel, 'settings/lambda/settings.yaml'))).toBe(true);
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

describe('outputs: bounded folder creation, all or nothing, every file error named (issue 12 #2, #4)', () => {
  it('an --out under /proc fails at once with an fs-* error naming it (no hang)', async () => {
    const err = await buildLayer({ release: RELEASE, arch: 'x64', outDir: '/proc/x/y' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: expect.stringMatching(/^fs-e/), kind: 'outside' });
    expect((err as Error).message).toContain('/proc/x');
  });

  it('the package ZIP path is an existing folder: fs-eisdir naming it, and nothing written (not even the layer ZIP)', async () => {
    const out = tmpDir();
    const pkg = path.join(out, 'profiler-lambda-layer-1.4.0-linux-arm64-package.zip');
    fs.mkdirSync(pkg);
    const err = await buildLayer({ release: RELEASE, arch: 'arm64', outDir: out }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'fs-eisdir', kind: 'outside', file: pkg });
    expect(listTree(out)).toEqual(['profiler-lambda-layer-1.4.0-linux-arm64-package.zip/']);
  });

  it('the layer ZIP path is an existing folder: the same, and a new --out folder is removed again', async () => {
    const parent = tmpDir();
    const out = path.join(parent, 'new/deeper');
    fs.mkdirSync(path.join(parent, 'new'));
    const err = await buildLayer({ release: RELEASE, arch: 'arm64', outDir: path.join(parent, 'new') }).then(() => undefined);
    expect(err).toBeUndefined(); // a plain build into an existing folder works
    fs.mkdirSync(path.join(out, 'profiler-lambda-layer-1.4.0-linux-arm64.zip'), { recursive: true });
    const before = listTree(parent);
    await expect(buildLayer({ release: RELEASE, arch: 'arm64', outDir: out })).rejects.toMatchObject({ code: 'fs-eisdir', file: path.join(out, 'profiler-lambda-layer-1.4.0-linux-arm64.zip') });
    expect(listTree(parent)).toEqual(before);
    const fresh = path.join(parent, 'a/b/c');
    fs.mkdirSync(path.join(parent, 'a'));
    fs.writeFileSync(path.join(parent, 'a/b'), 'a file where a folder is needed');
    await expect(buildLayer({ release: RELEASE, arch: 'arm64', outDir: fresh })).rejects.toMatchObject({ code: 'fs-enotdir', kind: 'outside' });
    expect(fs.readdirSync(path.join(parent, 'a'))).toEqual(['b']);
  });

  it('--out naming an existing file says that --out is a folder', async () => {
    const file = path.join(tmpDir(), 'a-file');
    fs.writeFileSync(file, 'x');
    const err = await buildLayer({ release: RELEASE, arch: 'arm64', outDir: file }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'fs-enotdir', kind: 'outside', file, argument: 'out' });
    expect((err as { fix: string }).fix).toContain('--out is a folder');
    expect(fs.readFileSync(file, 'utf8')).toBe('x');
  });

  it('a release that is missing or a file: fs-enoent naming it / release-not-a-folder', async () => {
    await expect(buildLayer({ release: '/nonexistent/release', arch: 'x64', outDir: tmpDir() })).rejects.toMatchObject({ code: 'fs-enoent', kind: 'outside', file: '/nonexistent/release' });
    const r = await refused({ release: path.join(RELEASE, 'manifest.json'), arch: 'x64', outDir: tmpDir() });
    expect(r.errors).toEqual([expect.objectContaining({ code: 'release-not-a-folder', file: path.join(RELEASE, 'manifest.json') })]);
  });

  it('misused options are bad-argument naming the option', async () => {
    for (const [opts, argument] of [
      [{ arch: 'mips' }, 'arch'],
      [{ arch: 'x64', runtimes: ['dotnet6'] }, 'runtime'],
      [{ arch: 'x64', level: 13 }, 'level'],
      [{ arch: 'x64', level: -1 }, 'level'],
      [{ arch: 'x64', level: 1.5 }, 'level'],
    ] as [Record<string, unknown>, string][]) {
      await expect(buildLayer({ release: RELEASE, outDir: tmpDir(), ...opts } as unknown as BuildLayerOptions)).rejects.toMatchObject({ code: 'bad-argument', kind: 'usage', argument });
    }
  });
});

describe('inputs are read with their cap (issue 12 #3)', () => {
  it('a manifest over the JSON cap is refused with the other errors, naming it', async () => {
    const rel = tmpDir();
    copyTree(RELEASE, rel);
    const m = JSON.parse(fs.readFileSync(path.join(rel, 'manifest.json'), 'utf8'));
    fs.writeFileSync(path.join(rel, 'manifest.json'), JSON.stringify({ ...m, padding: 'x'.repeat(INPUT_CAPS.jsonBytes) }));
    fs.rmSync(path.join(rel, 'agent/net8.0'), { recursive: true });
    const r = await refused({ release: rel, arch: 'arm64', outDir: tmpDir() });
    expect(r.errors.map((e) => [e.code, e.file])).toEqual(expect.arrayContaining([['input-too-large', path.join(rel, 'manifest.json')], ['agent-missing', path.join(rel, 'agent/net8.0')]]));
  });

  it('--settings /dev/zero is refused at once (input-too-large naming it), not read until memory runs out', async () => {
    const r = await refused({ release: RELEASE, arch: 'arm64', settings: '/dev/zero', outDir: tmpDir() });
    expect(r.errors).toEqual([expect.objectContaining({ code: 'input-too-large', file: '/dev/zero', message: expect.stringContaining(String(INPUT_CAPS.settingsBytes)) })]);
  });

  it('a FIFO in the release is an error naming it (never opened)', async () => {
    const rel = tmpDir();
    copyTree(RELEASE, rel);
    const fifo = path.join(rel, 'agent/net8.0/pipe.dll');
    const mk = run('mkfifo', [fifo]);
    expect(mk.code, mk.stderr).toBe(0);
    const r = await refused({ release: rel, arch: 'arm64', outDir: tmpDir() });
    expect(r.errors).toEqual([expect.objectContaining({ code: 'not-a-file', file: fifo })]);
  });

  it('layer inspect of /dev/zero: input-too-large at once', async () => {
    await expect(inspectLayer('/dev/zero')).rejects.toMatchObject({ code: 'input-too-large', file: '/dev/zero' });
  });
});

describe('a full disk (issue 12 #4)', () => {
  // A 16 KiB tmpfs holds the layer ZIP (about 7 KiB) but not the package ZIP (about 23 KiB).
  const probe = path.join(tmpDir('np-full-'), 'probe');
  fs.mkdirSync(probe);
  const canMount = run('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', probe]).code === 0 && run('umount', [probe]).code === 0;
  if (!canMount) console.warn('SKIP: cannot mount a small tmpfs here (needs root and mount): the full-disk case is not run');

  it.skipIf(!canMount)('ENOSPC while writing the package: fs-enospc naming it, and neither ZIP left (needs root to mount a tmpfs)', async () => {
    const disk = path.join(tmpDir('np-full-'), 'disk');
    fs.mkdirSync(disk);
    expect(run('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', disk]).code).toBe(0);
    try {
      const err = await buildLayer({ release: RELEASE, arch: 'arm64', outDir: disk }).catch((e: unknown) => e);
      const pkg = path.join(disk, 'profiler-lambda-layer-1.4.0-linux-arm64-package.zip');
      expect(err).toMatchObject({ code: 'fs-enospc', kind: 'outside', file: pkg, fix: expect.stringContaining('space') });
      expect(fs.readdirSync(disk)).toEqual([]);
    } finally {
      run('umount', [disk]);
    }
  });
});
