import { describe, expect, it } from 'vitest';
import * as fs from 'fs';
import * as path from 'path';
import { crc32c, loadNative } from '../lib/native';
import { cli, ROOT } from './helpers/cli';

describe('native addon: CRC-32C through the whole stack', () => {
  it('matches the known vectors (RFC 3720 B.4 and the check value)', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
    expect(crc32c(Buffer.alloc(32, 0))).toBe(0x8a9136aa);
    expect(crc32c(Buffer.alloc(32, 0xff))).toBe(0x62a8ab43);
    expect(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => i)))).toBe(0x46dd794e);
    expect(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => 31 - i)))).toBe(0x113fdb5c);
  });

  it('continues across chunks and accepts a Uint8Array view at an offset', () => {
    const data = Buffer.from('The quick brown fox jumps over the lazy dog');
    const whole = crc32c(data);
    expect(whole).toBe(0x22620404);
    for (let cut = 0; cut <= data.length; cut += 5) {
      expect(crc32c(data.subarray(cut), crc32c(data.subarray(0, cut)))).toBe(whole);
    }
    const backing = new Uint8Array(100);
    backing.set(data, 13);
    expect(crc32c(backing.subarray(13, 13 + data.length))).toBe(whole);
  });

  it('uses the CPU instructions where present', () => {
    const impl = loadNative().crc32cImplementation;
    const cpuinfo = fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8') : '';
    if (process.arch === 'x64' && /\bsse4_2\b/.test(cpuinfo)) expect(impl).toBe('sse4.2');
    else if (process.arch === 'arm64' && /\bcrc32\b/.test(cpuinfo)) expect(impl).toBe('armv8-crc');
    else expect(['sse4.2', 'armv8-crc', 'portable']).toContain(impl);
  });

  it('refuses what is not bytes with a TypeError', () => {
    expect(() => crc32c('abc' as unknown as Buffer)).toThrow(TypeError);
    expect(() => (loadNative().crc32c as (x: unknown) => number)({})).toThrow(/Buffer or Uint8Array/);
  });
});

describe('CLI skeleton (docs/cli.md common rules)', () => {
  it('--version prints the package version', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const r = cli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('--help lists every group and exits 0', () => {
    const r = cli(['--help']);
    expect(r.code).toBe(0);
    for (const g of ['settings', 'layer', 'lambda', 'dump']) expect(r.stdout).toMatch(new RegExp(`^  ${g}\\b`, 'm'));
  });

  it('an unknown command exits 2 with the usage line and no stack trace', () => {
    const r = cli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'frobnicate'");
    expect(r.stderr).toContain('usage: net-profiler');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });

  it('an unknown command inside a group exits 2', () => {
    const r = cli(['settings', 'frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'settings frobnicate'");
  });

  it('no arguments prints the help on stderr and exits 2', () => {
    const r = cli([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('usage: net-profiler');
  });

  it('every group answers --help', () => {
    for (const g of ['settings', 'layer', 'lambda', 'dump']) {
      const r = cli([g, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`usage: net-profiler ${g} <command>`);
    }
  });
});
