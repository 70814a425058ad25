// Reading ZIPs as hostile input (layer.md "Reading ZIPs"): the corpus of hostile ZIPs,
// safe unpack, ranged reads of the directory, caps, ZIP64, other writers' ZIPs, repack.
import * as fs from 'fs';
import * as path from 'path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildLayer, inspectLayer, readCheckedZip, readZipDirectoryFromTail, rebuildLayer, unpackZip, writeZip, ZipRefusedError } from '../../lib/layer';
import { needTool } from '../helpers/tools';
import { cleanup, CORPUS, listTree, RELEASE, run, tmpDir } from './helpers';

afterAll(cleanup);

const HOSTILE: [string, string, string][] = [
  ['traversal.zip', 'unsafe-name', '../evil.txt'],
  ['traversal-inside.zip', 'unsafe-name', 'a/../b.txt'],
  ['absolute.zip', 'unsafe-name', '/etc/evil'],
  ['absolute-unc.zip', 'unsafe-name', '//server/share/evil'],
  ['drive.zip', 'unsafe-name', 'C:/evil.txt'],
  ['backslash.zip', 'unsafe-name', 'a\\..\\evil.txt'],
  ['nul.zip', 'unsafe-name', 'a\0.txt'],
  ['duplicate.zip', 'duplicate-entry', 'a/./b.txt'],
  ['symlink.zip', 'unsupported-entry-type', 'link'],
  ['fifo.zip', 'unsupported-entry-type', 'fifo'],
  ['infozip-stdin-fifo.zip', 'unsupported-entry-type', '-'],
  ['encrypted.zip', 'encrypted-entry', 'hello.txt'],
  ['method-bzip2.zip', 'unsupported-method', 'hello.txt'],
  ['overlap.zip', 'overlapping-entries', 'b.txt'],
  ['local-name-mismatch.zip', 'header-mismatch', 'hello.txt'],
  ['local-size-mismatch.zip', 'header-mismatch', 'hello.txt'],
  ['local-crc-mismatch.zip', 'header-mismatch', 'hello.txt'],
  ['local-method-mismatch.zip', 'header-mismatch', 'hello.txt'],
  ['descriptor-mismatch.zip', 'descriptor-mismatch', 'hello.txt'],
  ['crc-mismatch.zip', 'crc-mismatch', 'hello.txt'],
  ['inflates-more.zip', 'size-mismatch', 'x.txt'],
  ['inflates-less.zip', 'size-mismatch', 'x.txt'],
  ['past-end.zip', 'data-past-end', 'hello.txt'],
  ['eocd-count.zip', 'bad-eocd', ''],
  ['eocd-offset.zip', 'bad-eocd', ''],
  ['eocd-size.zip', 'bad-eocd', ''],
  ['bomb-ratio.zip', 'zip-bomb-ratio', 'zeros.bin'],
  ['bomb-total.zip', 'zip-bomb-total', 'z250'],
  ['truncated.zip', 'not-a-zip', ''],
];

describe('hostile ZIPs', () => {
  it('the corpus holds exactly these hostile cases and the good ones', () => {
    const files = fs.readdirSync(CORPUS).sort();
    expect(files.filter((f) => !f.startsWith('good-'))).toEqual(HOSTILE.map(([f]) => f).sort());
  });

  for (const [file, code, entry] of HOSTILE) {
    it(`${file}: refused (${code}) naming ${entry ? JSON.stringify(entry) : 'the archive'}, nothing written`, async () => {
      const parent = tmpDir();
      const target = path.join(parent, 'target');
      fs.mkdirSync(target);
      const err = await unpackZip(path.join(CORPUS, file), target).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ZipRefusedError);
      const z = err as ZipRefusedError;
      expect(z.code).toBe(code);
      expect(z.entry).toBe(entry);
      expect(z.message).toContain(entry ? `entry ${JSON.stringify(entry).replace('\\u0000', '\\x00')}` : 'archive:');
      expect(listTree(parent)).toEqual(['target/']); // the target as it was, nothing beside it
      await expect(inspectLayer(path.join(CORPUS, file))).rejects.toMatchObject({ code, entry });
    });
  }

  it('the good ones from other writers unpack: Info-ZIP extras, streamed descriptors, Python UTF-8 names, ZIP64 extras, comments', async () => {
    for (const f of fs.readdirSync(CORPUS).filter((x) => x.startsWith('good-'))) {
      const dir = path.join(tmpDir(), 'x');
      const r = await unpackZip(path.join(CORPUS, f), dir);
      expect(r.files, f).toBeGreaterThan(0);
    }
    const dir = path.join(tmpDir(), 'py');
    await unpackZip(path.join(CORPUS, 'good-python-utf8-zip64.zip'), dir);
    expect(fs.readFileSync(path.join(dir, 'café/naïve.txt'), 'utf8')).toBe('utf-8 names\n'.repeat(20));
    const z = await readCheckedZip(path.join(CORPUS, 'good-python-utf8-zip64.zip'));
    expect(z.directory.comment.toString()).toBe('archive comment');
  });

  it('checks sizes as it inflates: a ZIP that really inflates past a lower total cap is refused', async () => {
    const out = path.join(tmpDir(), 'big.zip');
    const mib = Buffer.alloc(900 * 1024, 7); // under the 1 MiB ratio threshold, so only the total counts
    await writeZip(out, [0, 1, 2, 3].map((i) => ({ name: `f${i}`, mode: 0o644, data: mib })));
    await expect(readCheckedZip(out, { maxUnzippedBytes: 3 * mib.length })).rejects.toMatchObject({ code: 'zip-bomb-total', entry: 'f3' });
    await expect(readCheckedZip(out, { maxUnzippedBytes: 4 * mib.length })).resolves.toBeDefined();
    const big = path.join(tmpDir(), 'ratio.zip');
    await writeZip(big, [{ name: 'z', mode: 0o644, data: Buffer.alloc(2 << 20) }]);
    await expect(readCheckedZip(big)).rejects.toMatchObject({ code: 'zip-bomb-ratio', entry: 'z' });
    await expect(readCheckedZip(big, { maxRatio: 5000 })).resolves.toBeDefined();
  });

  it('a ZIP past 250 MB: refused by default, listed with layer-too-large under a higher cap', async () => {
    const zip = path.join(tmpDir(), 'big.zip');
    const mib = Buffer.alloc(1 << 20);
    await writeZip(zip, Array.from({ length: 251 }, (_, i) => ({ name: `z/${String(i).padStart(3, '0')}`, mode: 0o644, data: mib })));
    await expect(inspectLayer(zip)).rejects.toMatchObject({ code: 'zip-bomb-total', entry: 'z/250' });
    const doc = await inspectLayer(zip, { maxUnzippedBytes: 300 << 20 });
    expect(doc.layer.valid).toBe(false);
    expect(doc.layer.unzippedBytes).toBe(251 << 20);
    expect(doc.findings.map((f) => f.code)).toEqual(expect.arrayContaining(['layer-too-large', 'wrapper-missing']));
  });

  it('refuses a file that is also the folder of another entry, writing nothing', async () => {
    const zip = path.join(tmpDir(), 'conflict.zip');
    await writeZip(zip, [{ name: 'a', mode: 0o644, data: Buffer.from('file') }, { name: 'a/b', mode: 0o644, data: Buffer.from('x') }]);
    const parent = tmpDir();
    await expect(unpackZip(zip, path.join(parent, 't'))).rejects.toMatchObject({ code: 'path-conflict', entry: 'a' });
    expect(fs.readdirSync(parent)).toEqual([]);
  });

  it('refuses to unpack into a folder that is not empty, touching nothing', async () => {
    const target = tmpDir();
    fs.writeFileSync(path.join(target, 'mine.txt'), 'x');
    await expect(unpackZip(path.join(CORPUS, 'good-stored.zip'), target)).rejects.toMatchObject({ code: 'target-not-empty' });
    expect(fs.readdirSync(target)).toEqual(['mine.txt']);
  });
});

describe('readZipDirectoryFromTail (ranged reads)', () => {
  it('reads the directory from the tail alone, or says from where it needs bytes', async () => {
    const r = await buildLayer({ release: RELEASE, arch: 'arm64', outDir: tmpDir() });
    if (!r.ok) throw new Error('build');
    const bytes = fs.readFileSync(r.layerZip);
    let from = bytes.length - 64;
    let res = readZipDirectoryFromTail(bytes.subarray(from), bytes.length);
    let rounds = 1;
    while ('needBytesFrom' in res) {
      expect(res.needBytesFrom).toBeLessThan(from);
      from = res.needBytesFrom;
      res = readZipDirectoryFromTail(bytes.subarray(from), bytes.length);
      rounds++;
    }
    expect(rounds).toBe(2);
    const insp = await inspectLayer(r.layerZip);
    expect(res.unzippedBytes).toBe(r.unzippedBytes);
    expect(res.entries).toEqual(insp.entries.map((e) => ({ path: e.path, size: e.size, compressedSize: e.compressedSize })));
    expect(() => readZipDirectoryFromTail(fs.readFileSync(path.join(CORPUS, 'symlink.zip')), fs.statSync(path.join(CORPUS, 'symlink.zip')).size)).toThrow(
      expect.objectContaining({ code: 'unsupported-entry-type', entry: 'link' }),
    );
  });
});

describe('writeZip', () => {
  it('gives the same bytes whatever the batching and parallelism, and whatever order the sources come in', async () => {
    const dir = tmpDir();
    const sources = Array.from({ length: 40 }, (_, i) => ({ name: `d${i % 3}/f${i}`, mode: 0o644, data: Buffer.alloc(300_000 + i * 1000, i) }));
    await writeZip(path.join(dir, 'a.zip'), sources, { parallel: 1 });
    await writeZip(path.join(dir, 'b.zip'), [...sources].reverse(), { parallel: 8 });
    expect(fs.readFileSync(path.join(dir, 'a.zip')).equals(fs.readFileSync(path.join(dir, 'b.zip')))).toBe(true);
  });

  it('refuses two sources of the same name', async () => {
    await expect(writeZip(path.join(tmpDir(), 'x.zip'), [{ name: 'a', mode: 0o644, data: Buffer.from('1') }, { name: 'a', mode: 0o644, data: Buffer.from('2') }])).rejects.toMatchObject({ code: 'duplicate-entry' });
  });

  it('uses ZIP64 exactly when the entry count needs it, and other tools read it', async () => {
    const dir = tmpDir();
    const many = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `e/${String(i).padStart(5, '0')}`, mode: 0o644, data: Buffer.from(String(i)) }));
    const small = path.join(dir, 'small.zip');
    const big = path.join(dir, 'big.zip');
    await writeZip(small, many(65534)); // + the implied directory? no: only the entries given
    await writeZip(big, many(65535));
    const hasZip64End = (f: string) => fs.readFileSync(f).includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]));
    expect(hasZip64End(small)).toBe(false);
    expect(hasZip64End(big)).toBe(true);
    expect((await readCheckedZip(big)).directory.entries).toHaveLength(65535);
    if (needTool('python3', 'Python reads the ZIP64 archive')) {
      const py = run('python3', ['-c', 'import zipfile,sys; z=zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(len(z.infolist()))', big]);
      expect(py.stdout.trim()).toBe('65535');
    }
    if (needTool('unzip', 'Info-ZIP reads the ZIP64 archive', ['-v'])) {
      const t = run('unzip', ['-tq', big]);
      expect(t.code, t.stdout + t.stderr).toBe(0);
    }
  });
});

describe('rebuildLayer (edit the settings in the package, rebuild)', () => {
  it('rebuilds from layer/, copying unchanged entries as they are, and rewrites SHA256SUMS', async () => {
    const r = await buildLayer({ release: RELEASE, arch: 'arm64', outDir: tmpDir() });
    if (!r.ok) throw new Error('build');
    const dir = tmpDir();
    await unpackZip(r.packageZip, path.join(dir, 'p'));
    const pkg = path.join(dir, 'p/profiler-lambda-layer-1.4.0-linux-arm64');
    // untouched: same bytes as the build
    const same = await rebuildLayer(pkg);
    if (!same.ok) throw new Error(JSON.stringify(same.errors));
    expect(same.changed).toEqual([]);
    expect(same.sha256).toBe(r.sha256);
    // edit the settings
    const settings = path.join(pkg, 'layer/profiler/settings/lambda/settings.yaml');
    fs.writeFileSync(settings, fs.readFileSync(settings, 'utf8').replace('ServiceName', 'ServiceName').replace('Enabled: false', 'Enabled: true'));
    const edited = await rebuildLayer(pkg);
    if (!edited.ok) throw new Error(JSON.stringify(edited.errors));
    expect(edited.changed).toEqual(['profiler/settings/lambda/settings.yaml']);
    expect(edited.copied).toBe(9); // every other file of the 10
    expect(edited.sha256).not.toBe(r.sha256);
    const layerZip = path.join(pkg, 'profiler-lambda-layer-1.4.0-linux-arm64.zip');
    const before = await readCheckedZip(r.layerZip);
    const after = await readCheckedZip(layerZip);
    // an untouched entry's compressed bytes are the same bytes
    const so = (z: typeof before) => {
      const e = z.directory.entries.find((x) => x.name.toString() === 'profiler/native/libnet_profiler.so')!;
      return z.bytes.subarray(e.dataOffset, e.dataOffset + e.compressedSize);
    };
    expect(so(after).equals(so(before))).toBe(true);
    const insp = await inspectLayer(layerZip);
    expect(insp.layer.valid).toBe(true);
    if (needTool('sha256sum', 'checks SHA256SUMS')) {
      const c = run('sha256sum', ['-c', 'SHA256SUMS'], { cwd: pkg });
      expect(c.code, c.stdout + c.stderr).toBe(0);
    }
  });

  it('refuses a broken edit and writes nothing', async () => {
    const r = await buildLayer({ release: RELEASE, arch: 'arm64', outDir: tmpDir() });
    if (!r.ok) throw new Error('build');
    const dir = tmpDir();
    await unpackZip(r.packageZip, path.join(dir, 'p'));
    const pkg = path.join(dir, 'p/profiler-lambda-layer-1.4.0-linux-arm64');
    const before = listTree(pkg).map((f) => [f, f.endsWith('/') ? '' : fs.readFileSync(path.join(pkg, f)).toString('base64')]);
    fs.writeFileSync(path.join(pkg, 'layer/profiler/settings/lambda/settings.yaml'), 'General: [\n');
    fs.rmSync(path.join(pkg, 'layer/profiler/agent/net10.0/NetProfiler.Agent.StartupHook.dll'));
    const res = await rebuildLayer(pkg);
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.errors.map((e) => e.code)).toContain('startup-hook-missing');
    expect(res.errors.some((e) => e.file === path.join(pkg, 'layer/profiler/settings/lambda/settings.yaml'))).toBe(true);
    const after = new Map(listTree(pkg).map((f) => [f, f.endsWith('/') ? '' : fs.readFileSync(path.join(pkg, f)).toString('base64')]));
    for (const [f, b] of before) if (!f.includes('settings.yaml') && !f.includes('StartupHook.dll') || f.endsWith('/')) expect(after.get(f), f).toBe(b);
    expect([...after.keys()].filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});
