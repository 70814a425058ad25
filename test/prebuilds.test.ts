// The committed prebuilds: right ELF for each arch, within the RHEL 8 symbol-version
// floor, built from the current sources, loadable; and the one-source-list rule.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { aboveFloor, embeddedSourceHash, readElf } from './helpers/elf';
import { ROOT } from './helpers/cli';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { sourceHash } = require('../scripts/source-hash.js') as { sourceHash(): string };
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { list } = require('../scripts/native-sources.js') as { list(kind: string): string[] };

const PREBUILDS = [
  { dir: 'linux-x64', machine: 62, name: 'EM_X86_64' },
  { dir: 'linux-arm64', machine: 183, name: 'EM_AARCH64' },
];

function prebuildFile(dir: string): string {
  const d = path.join(ROOT, 'prebuilds', dir);
  const files = fs.existsSync(d) ? fs.readdirSync(d).filter((f) => f.endsWith('.node')) : [];
  expect(files, `prebuilds/${dir} must hold exactly one .node file (run npm run prebuild)`).toHaveLength(1);
  return path.join(d, files[0]!);
}

describe.each(PREBUILDS)('prebuilds/$dir', ({ dir, machine, name }) => {
  it(`is a 64-bit little-endian ELF shared object for ${name}`, () => {
    const elf = readElf(prebuildFile(dir));
    expect(elf.class).toBe(64);
    expect(elf.littleEndian).toBe(true);
    expect(elf.type).toBe(3); // ET_DYN
    expect(elf.machine).toBe(machine);
  });

  it('needs no symbol version above GLIBC_2.28, GLIBCXX_3.4.25, CXXABI_1.3.11 (RHEL 8)', () => {
    const elf = readElf(prebuildFile(dir));
    expect(Object.keys(elf.needs)).toContain('libc.so.6');
    expect(aboveFloor(elf)).toEqual([]);
  });

  it('was built from the current native sources', () => {
    const embedded = embeddedSourceHash(prebuildFile(dir));
    expect(embedded, `prebuilds/${dir} is stale: the native sources changed since it was built. Refresh both with: npm run prebuild`).toBe(sourceHash());
  });
});

describe('the floor and staleness checks can fail', () => {
  it('flags a shared object that needs a newer glibc', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'np-elf-'));
    try {
      fs.writeFileSync(path.join(tmp, 'new.c'), '#include <stdlib.h>\nunsigned f(void) { return arc4random(); }\n');
      const r = spawnSync('cc', ['-shared', '-fPIC', '-o', path.join(tmp, 'new.so'), path.join(tmp, 'new.c')]);
      expect(r.status, String(r.stderr)).toBe(0);
      expect(aboveFloor(readElf(path.join(tmp, 'new.so')))).toEqual(['GLIBC_2.36 (libc.so.6)']);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('reads a different hash from a binary built from other sources', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'np-hash-'));
    try {
      const f = path.join(tmp, 'old.node');
      fs.writeFileSync(f, Buffer.concat([Buffer.alloc(100), Buffer.from('NP_SOURCE_HASH=0123456789abcdef0123456789abcdef\0')]));
      expect(embeddedSourceHash(f)).toBe('0123456789abcdef0123456789abcdef');
      expect(embeddedSourceHash(f)).not.toBe(sourceHash());
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe(`prebuilds/linux-${process.arch} on this machine`, () => {
  it('loads by path and computes', () => {
    const addon = require(prebuildFile(`linux-${process.arch}`)) as { crc32c(b: Buffer): number; sourceHash: string };
    expect(addon.crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(addon.sourceHash).toBe(embeddedSourceHash(prebuildFile(`linux-${process.arch}`)));
  });
});

describe('one list of native sources', () => {
  it('binding.gyp and native/CMakeLists.txt both take their sources from scripts/native-sources.js', () => {
    const gyp = fs.readFileSync(path.join(ROOT, 'binding.gyp'), 'utf8');
    expect(gyp).toContain('<!@(node scripts/native-sources.js core glue)');
    const gypSources = /"sources":\s*\[([^\]]*)\]/.exec(gyp)![1]!.split(',').map((s) => s.trim()).filter(Boolean);
    expect(gypSources).toEqual(['"<!@(node scripts/native-sources.js core glue)"']);
    const cmake = fs.readFileSync(path.join(ROOT, 'native/CMakeLists.txt'), 'utf8');
    expect(cmake).toMatch(/np_sources\(NP_CORE_SOURCES core\)/);
    expect(cmake).toMatch(/add_library\(np_core STATIC \$\{NP_CORE_SOURCES\}\)/);
    // No source file is named directly in either build.
    expect(cmake).not.toMatch(/\.cc\b/);
  });

  it('the core list is every C++ file under native/ except tests and fuzz targets', () => {
    const all: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(path.join(ROOT, d), { withFileTypes: true })) {
        const r = `${d}/${e.name}`;
        if (e.isDirectory()) walk(r);
        else if (/\.(cc|cpp)$/.test(e.name) && !r.startsWith('native/tests/') && !r.startsWith('native/fuzz/')) all.push(r);
      }
    };
    walk('native');
    expect(list('core')).toEqual(all.sort());
    expect(list('core')).toContain('native/core/crc32c.cc');
    expect(list('glue')).toContain('src/addon.cc');
  });
});

describe('loading when no binary fits', () => {
  it('names the platform, arch and Node looked for, and how to build from source', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'np-load-'));
    try {
      fs.mkdirSync(path.join(tmp, 'dist'));
      for (const f of ['native.js', 'errors.js']) fs.copyFileSync(path.join(ROOT, 'dist', f), path.join(tmp, 'dist', f));
      fs.mkdirSync(path.join(tmp, 'node_modules'));
      fs.symlinkSync(path.join(ROOT, 'node_modules/node-gyp-build'), path.join(tmp, 'node_modules/node-gyp-build'));
      fs.writeFileSync(path.join(tmp, 'package.json'), '{"name":"net-profiler"}');
      const script = `try { require('./dist/native.js').loadNative(); console.log('loaded') } catch (e) { console.log(JSON.stringify({code: e.code, message: e.message, fix: e.fix})) }`;
      const r = spawnSync(process.execPath, ['-e', script], { cwd: tmp, encoding: 'utf8' });
      const out = JSON.parse(r.stdout);
      expect(out.code).toBe('native-addon-missing');
      expect(out.message).toContain(`${process.platform}-${process.arch}`);
      expect(out.message).toContain(process.version);
      expect(out.fix).toContain('npm install --build-from-source');
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
