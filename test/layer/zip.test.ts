// Reading ZIPs as hostile input (docs/layer.md, "Reading ZIPs"): the corpus of hostile ZIPs,
// safe unpack, ranged reads of the directory, caps, ZIP64, other writers' ZIPs, repack.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { IssuesError } from '../../lib/errors';
import { buildLayer, inspectLayer, readCheckedZip, readZipDirectoryFromTail, rebuildLayer, unpackZip, writeZip, ZipRefusedError } from '../../lib/layer';
import { needTool } from '../helpers/tools';
import { cleanup, CORPUS, listTree, RELEASE, run, tmpDir } from './helpers';

afterAll(cleanup);

// Independent readers: a missing one is a skip with the reason printed (a failure
// under CI=true, where needTool throws).
const PYTHON = needTool('python3', "Python's zipfile is the independent reader of these ZIPs");
const UNZIP = needTool('unzip', 'Info-ZIP is an independent reader of these ZIPs', ['-v']);
const SHA256SUM = needTool('sha256sum', 'checks SHA256SUMS');

/** Python's zipfile's view of a ZIP: every entry with its size, CRC, comment and the SHA-256 of its bytes. */
function pythonEntries(zip: string, readData = true): { name: string; dir: boolean; size: number; crc: number; comment: string; sha256: string | null }[] {
  const py = run('python3', ['-c', `
import zipfile, sys, json, hashlib
z = zipfile.ZipFile(sys.argv[1])
read = sys.argv[2] == '1'
out = []
for i in z.infolist():
    data = z.read(i) if read and not i.is_dir() else None
    out.append({'name': i.filename, 'dir': i.is_dir(), 'size': i.file_size, 'crc': i.CRC, 'comment': i.comment.decode('utf-8'),
                'sha256': hashlib.sha256(data).hexdigest() if data is not None else None})
print(json.dumps(out))
`, zip, readData ? '1' : '0']);
  expect(py.code, py.stderr).toBe(0);
  return JSON.parse(py.stdout);
}

const HOSTILE: [string, string, string][] = [
  ['traversal.zip', 'unsafe-name', '../evil.txt'],
  ['traversal-inside.zip', 'unsafe-name', 'a/../b.txt'],
  ['absolute.zip', 'unsafe-name', '/etc/evil'],
  ['absolute-unc.zip', 'unsafe-name', '//server/share/evil'],
  ['drive.zip', 'unsafe-name', 'C:/evil.txt'],
  ['backslash.zip', 'unsafe-name', 'a\\..\\evil.txt'],
  ['nul.zip', 'unsafe-name', 'a\0.txt'],
  ['duplicate.zip', 'duplicate-entry', 'a/./b.txt'],
  ['duplicate-empty-segment.zip', 'duplicate-entry', 'a//b.txt'],
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

  it('is an IssuesError whose one issue names the code and the entry', async () => {
    const err = await unpackZip(path.join(CORPUS, 'traversal.zip'), path.join(tmpDir(), 't')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IssuesError);
    expect((err as IssuesError).errors).toEqual([{ code: 'unsafe-name', entry: '../evil.txt', message: expect.stringContaining('..') }]);
    expect((err as IssuesError).file).toBe(path.join(CORPUS, 'traversal.zip'));
  });

  const GOOD = fs.readdirSync(CORPUS).filter((x) => x.startsWith('good-'));
  it.skipIf(!PYTHON)("the good ones from other writers unpack entry by entry as Python's zipfile reads them: Info-ZIP extras, streamed descriptors, UTF-8 names, ZIP64 extras, comments (needs python3)", async () => {
    expect(GOOD.length).toBeGreaterThanOrEqual(7);
    for (const f of GOOD) {
      const dir = path.join(tmpDir(), 'x');
      const r = await unpackZip(path.join(CORPUS, f), dir);
      const theirs = pythonEntries(path.join(CORPUS, f));
      const ours = (await readCheckedZip(path.join(CORPUS, f))).directory.entries;
      expect(ours.map((e) => [e.name.toString('utf8'), e.dir, e.size, e.crc32]), f).toEqual(theirs.map((t) => [t.name, t.dir, t.size, t.crc]));
      for (const t of theirs) {
        const p = path.join(dir, ...t.name.split('/').filter(Boolean));
        if (t.dir) expect(fs.statSync(p).isDirectory(), `${f}: ${t.name}`).toBe(true);
        else expect(createHash('sha256').update(fs.readFileSync(p)).digest('hex'), `${f}: ${t.name}`).toBe(t.sha256);
      }
      expect(r.files, f).toBe(theirs.filter((t) => !t.dir).length);
      expect(listTree(dir).filter((n) => !n.endsWith('/')), f).toEqual(theirs.filter((t) => !t.dir).map((t) => t.name).sort());
    }
  });

  it.skipIf(!PYTHON)('entry comments are stepped over: every entry of a ZIP with a comment on each is read (needs python3)', async () => {
    const f = path.join(CORPUS, 'good-entry-comments.zip');
    const theirs = pythonEntries(f);
    expect(theirs.map((t) => t.comment)).toEqual(['a folder', 'the first file, deflated', 'ü: a UTF-8 comment']);
    const z = await readCheckedZip(f);
    expect(z.directory.entries.map((e) => e.name.toString())).toEqual(['d/', 'd/one.txt', 'd/two.txt']);
    expect(z.directory.comment.toString()).toBe('archive comment');
    const dir = path.join(tmpDir(), 'c');
    await unpackZip(f, dir);
    expect(fs.readFileSync(path.join(dir, 'd/one.txt'), 'utf8')).toBe('one\n'.repeat(50));
    expect(fs.readFileSync(path.join(dir, 'd/two.txt'), 'utf8')).toBe('two\n');
  });

  it('the good ones: Python UTF-8 names and the archive comment', async () => {
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
  let zip64ByCount = '';
  it('gives the same bytes whatever the batching and parallelism, and whatever order the sources come in', async () => {
    const dir = tmpDir();
    const sources = Array.from({ length: 40 }, (_, i) => ({ name: `d${i % 3}/f${i}`, mode: 0o644, data: Buffer.alloc(300_000 + i * 1000, i) }));
    await writeZip(path.join(dir, 'a.zip'), sources, { parallel: 1 });
    await writeZip(path.join(dir, 'b.zip'), [...sources].reverse(), { parallel: 8 });
    expect(fs.readFileSync(path.join(dir, 'a.zip')).equals(fs.readFileSync(path.join(dir, 'b.zip')))).toBe(true);
  });

  it('refuses two sources of the same path (a//b and a/b included) and names the reader would refuse, writing nothing', async () => {
    const dir = tmpDir();
    const one = (name: string, dir?: boolean) => ({ name, mode: 0o644, ...(dir ? { dir } : { data: Buffer.from(name) }) });
    for (const [sources, what] of [
      [[one('a'), one('a')], 'two sources are named "a" and "a"'],
      [[one('a/b'), one('a//b')], 'two sources are named "a//b" and "a/b"'],
      [[one('a/./b'), one('a/b')], 'the same path'],
      [[one('../x')], "'..'"],
      [[one('/etc/x')], 'absolute'],
      [[one('a\\b')], 'backslash'],
      [[one('d/')], "ends with '/'"],
    ] as [{ name: string; mode: number }[], string][]) {
      const err = await writeZip(path.join(dir, 'x.zip'), sources).catch((e: unknown) => e);
      expect(err, what).toMatchObject({ code: 'bad-argument', kind: 'usage', argument: 'sources' });
      expect((err as Error).message).toContain(what);
    }
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  // A known input's compressed size and bytes at each level: the level given is the level used.
  const KNOWN = Buffer.from(Array.from({ length: 4000 }, (_, i) => `line ${i} of the known input: ${(i * 7919) % 1000}\n`).join(''));
  const KNOWN_AT = {
    6: { size: 17379, sha256: '5c55dba6b5bf0fb0457aa1f94d0b3e1af5b10ce7e3efc2e0ea6305b6ab46aeb6' },
    9: { size: 17456, sha256: 'fc94eb3dea069cb61beb6dfa81a2c9ca0b2d21454651aedc8fe7105d43228ede' },
  };
  it('compresses a known input to its known bytes: level 6 by default, level 9 differs', async () => {
    const dir = tmpDir();
    const data = async (level?: number) => {
      const f = path.join(dir, `l${level ?? 'default'}.zip`);
      await writeZip(f, [{ name: 'known.txt', mode: 0o644, data: KNOWN }], level === undefined ? {} : { level });
      const z = await readCheckedZip(f);
      const e = z.directory.entries[0]!;
      const bytes = z.bytes.subarray(e.dataOffset, e.dataOffset + e.compressedSize);
      expect(zlib.inflateRawSync(bytes).equals(KNOWN)).toBe(true); // an independent inflater agrees
      return { size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
    };
    expect(await data()).toEqual(KNOWN_AT[6]);
    expect(await data(6)).toEqual(KNOWN_AT[6]);
    expect(await data(9)).toEqual(KNOWN_AT[9]);
  });

  it('uses ZIP64 exactly when the entry count needs it, and reads it back', async () => {
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
    zip64ByCount = big;
  });

  it.skipIf(!PYTHON)('Python reads the ZIP64 archive of 65,535 entries (needs python3)', () => {
    expect(zip64ByCount).not.toBe('');
    const py = run('python3', ['-c', 'import zipfile,sys; z=zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(len(z.infolist()))', zip64ByCount]);
    expect(py.stdout.trim()).toBe('65535');
  });

  it.skipIf(!UNZIP)('Info-ZIP tests the ZIP64 archive of 65,535 entries (needs unzip)', () => {
    expect(zip64ByCount).not.toBe('');
    const t = run('unzip', ['-tq', zip64ByCount]);
    expect(t.code, t.stdout + t.stderr).toBe(0);
  });

  it.skipIf(!PYTHON)("uses ZIP64 when one entry's size needs it (a 4 GiB entry copied raw), and the next entry's offset is right (needs python3)", async () => {
    // 4 GiB of zeros as deflate: one 1 MiB block flushed (so every copy is the same
    // bytes, byte-aligned), repeated 4096 times, then an empty final block.
    const chunk = 1 << 20;
    const block = zlib.deflateRawSync(Buffer.alloc(chunk), { level: 1, finishFlush: zlib.constants.Z_FULL_FLUSH });
    const size = 4096 * chunk;
    const data = Buffer.concat([...Array.from({ length: 4096 }, () => block), Buffer.from([0x03, 0x00])]);
    let crc = 0;
    const zeros = Buffer.alloc(chunk);
    for (let i = 0; i < 4096; i++) crc = zlib.crc32(zeros, crc);
    const zip = path.join(tmpDir(), 'huge-entry.zip');
    await writeZip(zip, [
      { name: 'a-huge.bin', mode: 0o644, raw: { data, crc32: crc, size, method: 8 } },
      { name: 'b-after.txt', mode: 0o644, data: Buffer.from('after the huge one\n') },
    ]);
    const bytes = fs.readFileSync(zip);
    expect(bytes.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(false); // no ZIP64 end record: the count and offsets do not need it
    // the local header of the huge entry carries the ZIP64 extra field (tag 1, 16 bytes)
    expect(bytes.readUInt32LE(18)).toBe(0xffffffff);
    expect(bytes.readUInt16LE(28)).toBe(20);
    expect(bytes.readUInt16LE(30 + 'a-huge.bin'.length)).toBe(1);
    const dirFromTail = readZipDirectoryFromTail(bytes, bytes.length, { maxUnzippedBytes: 2 * size, maxRatio: 1e6 });
    expect(dirFromTail).toMatchObject({ entries: [{ path: 'a-huge.bin', size }, { path: 'b-after.txt', size: 19 }] });
    const py = run('python3', ['-c', `
import zipfile, sys, json
z = zipfile.ZipFile(sys.argv[1])
i = z.getinfo('a-huge.bin')
print(json.dumps([i.file_size, i.compress_size, i.CRC, z.read('b-after.txt').decode()]))
`, zip]);
    expect(py.code, py.stderr).toBe(0);
    expect(JSON.parse(py.stdout)).toEqual([size, data.length, crc, 'after the huge one\n']);
  });
});

describe('rebuildLayer (edit the settings in the package, rebuild)', () => {
  let rebuiltPackage = '';
  it('rebuilds from layer/, copying unchanged entries as they are, and rewrites SHA256SUMS', async () => {
    const r = await buildLayer({ release: RELEASE, arch: 'arm64', outDir: tmpDir() });
    const dir = tmpDir();
    await unpackZip(r.packageZip, path.join(dir, 'p'));
    const pkg = path.join(dir, 'p/profiler-lambda-layer-1.4.0-linux-arm64');
    // untouched: same bytes as the build
    const same = await rebuildLayer(pkg);
    expect(same.changed).toEqual([]);
    expect(same.sha256).toBe(r.sha256);
    // edit the settings
    const settings = path.join(pkg, 'layer/profiler/settings/lambda/settings.yaml');
    fs.writeFileSync(settings, fs.readFileSync(settings, 'utf8').replace('ServiceName', 'ServiceName').replace('Enabled: false', 'Enabled: true'));
    const edited = await rebuildLayer(pkg);
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
    rebuiltPackage = pkg;
  });

  it.skipIf(!SHA256SUM)('sha256sum -c accepts the rewritten SHA256SUMS (needs sha256sum)', () => {
    expect(rebuiltPackage).not.toBe('');
    const c = run('sha256sum', ['-c', 'SHA256SUMS'], { cwd: rebuiltPackage });
    expect(c.code, c.stdout + c.stderr).toBe(0);
  });

  it('reports every error of the edited layer in one pass, a bad manifest field included (issue 12 #14)', async () => {
    const r = await buildLayer({ release: RELEASE, arch: 'arm64', outDir: tmpDir() });
    const dir = tmpDir();
    await unpackZip(r.packageZip, path.join(dir, 'p'));
    const pkg = path.join(dir, 'p/profiler-lambda-layer-1.4.0-linux-arm64');
    const mf = path.join(pkg, 'layer/profiler/manifest.json');
    fs.writeFileSync(mf, JSON.stringify({ ...JSON.parse(fs.readFileSync(mf, 'utf8')), version: 'one', clsid: 'nope' }));
    fs.rmSync(path.join(pkg, 'layer/profiler/agent/net8.0/NetProfiler.Agent.StartupHook.dll'));
    fs.copyFileSync(path.join(RELEASE, 'native/linux-x64/libnet_profiler.so'), path.join(pkg, 'layer/profiler/native/libnet_profiler.so'));
    const err = (await rebuildLayer(pkg).catch((e: unknown) => e)) as IssuesError;
    expect(err).toBeInstanceOf(IssuesError);
    expect(err.errors.map((e) => e.code).sort()).toEqual(['bad-clsid', 'bad-version', 'native-wrong-machine', 'startup-hook-missing']);
  });

  it('refuses a broken edit and writes nothing', async () => {
    const r = await buildLayer({ release: RELEASE, arch: 'arm64', outDir: tmpDir() });
    const dir = tmpDir();
    await unpackZip(r.packageZip, path.join(dir, 'p'));
    const pkg = path.join(dir, 'p/profiler-lambda-layer-1.4.0-linux-arm64');
    const before = listTree(pkg).map((f) => [f, f.endsWith('/') ? '' : fs.readFileSync(path.join(pkg, f)).toString('base64')]);
    fs.writeFileSync(path.join(pkg, 'layer/profiler/settings/lambda/settings.yaml'), 'General: [\n');
    fs.rmSync(path.join(pkg, 'layer/profiler/agent/net10.0/NetProfiler.Agent.StartupHook.dll'));
    const res = (await rebuildLayer(pkg).catch((e: unknown) => e)) as IssuesError;
    expect(res).toBeInstanceOf(IssuesError);
    expect(res.code).toBe('rebuild-refused');
    expect(res.errors.map((e) => e.code)).toContain('startup-hook-missing');
    expect(res.errors.some((e) => e.file === path.join(pkg, 'layer/profiler/settings/lambda/settings.yaml'))).toBe(true);
    const after = new Map(listTree(pkg).map((f) => [f, f.endsWith('/') ? '' : fs.readFileSync(path.join(pkg, f)).toString('base64')]));
    for (const [f, b] of before) if (!f.includes('settings.yaml') && !f.includes('StartupHook.dll') || f.endsWith('/')) expect(after.get(f), f).toBe(b);
    expect([...after.keys()].filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});
