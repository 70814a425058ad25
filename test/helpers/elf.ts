// A small ELF64 reader for the prebuild tests: header fields and the symbol versions a
// shared object needs (SHT_GNU_verneed), for any arch, with no objdump.
import * as fs from 'fs';

export interface ElfInfo {
  class: 32 | 64;
  littleEndian: boolean;
  type: number; // ET_DYN = 3
  machine: number; // EM_X86_64 = 62, EM_AARCH64 = 183
  /** Needed versions by library, e.g. {"libc.so.6": ["GLIBC_2.14", …]}. */
  needs: Record<string, string[]>;
}

const SHT_GNU_VERNEED = 0x6ffffffe;

export function readElf(file: string): ElfInfo {
  const b = fs.readFileSync(file);
  if (b.length < 64 || b.readUInt32BE(0) !== 0x7f454c46) throw new Error(`${file}: not an ELF file`);
  const cls = b[4] === 2 ? 64 : 32;
  const le = b[5] === 1;
  if (cls !== 64 || !le) return { class: cls, littleEndian: le, type: 0, machine: 0, needs: {} };
  const type = b.readUInt16LE(16);
  const machine = b.readUInt16LE(18);
  const shoff = Number(b.readBigUInt64LE(40));
  const shentsize = b.readUInt16LE(58);
  const shnum = b.readUInt16LE(60);
  const sections = [];
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * shentsize;
    sections.push({
      type: b.readUInt32LE(o + 4),
      offset: Number(b.readBigUInt64LE(o + 24)),
      size: Number(b.readBigUInt64LE(o + 32)),
      link: b.readUInt32LE(o + 40),
      info: b.readUInt32LE(o + 44),
    });
  }
  const needs: Record<string, string[]> = {};
  for (const s of sections) {
    if (s.type !== SHT_GNU_VERNEED) continue;
    const strtab = sections[s.link]!;
    const str = (off: number) => {
      const start = strtab.offset + off;
      return b.toString('latin1', start, b.indexOf(0, start));
    };
    let o = s.offset;
    for (let n = 0; n < s.info; n++) {
      const cnt = b.readUInt16LE(o + 2);
      const lib = str(b.readUInt32LE(o + 4));
      const aux = b.readUInt32LE(o + 8);
      const next = b.readUInt32LE(o + 12);
      const list = (needs[lib] ??= []);
      let a = o + aux;
      for (let k = 0; k < cnt; k++) {
        list.push(str(b.readUInt32LE(a + 8)));
        const anext = b.readUInt32LE(a + 12);
        if (!anext) break;
        a += anext;
      }
      if (!next) break;
      o += next;
    }
  }
  return { class: cls, littleEndian: le, type, machine, needs };
}

/** The floor: what RHEL 8, the oldest Linux Node 20 supports, ships. */
export const FLOOR: Record<string, string> = { GLIBC: '2.28', GLIBCXX: '3.4.25', CXXABI: '1.3.11' };

function cmp(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

/** The needed versions above the floor, e.g. ["GLIBC_2.34 (libc.so.6)"]. */
export function aboveFloor(info: ElfInfo, floor = FLOOR): string[] {
  const bad: string[] = [];
  for (const [lib, versions] of Object.entries(info.needs)) {
    for (const v of versions) {
      const m = /^(GLIBCXX|GLIBC|CXXABI)_([0-9.]+)$/.exec(v);
      if (m && floor[m[1]!] && cmp(m[2]!, floor[m[1]!]!) > 0) bad.push(`${v} (${lib})`);
    }
  }
  return bad.sort();
}

/** The source hash a binary was built from (the NP_SOURCE_HASH marker), or undefined. */
export function embeddedSourceHash(file: string): string | undefined {
  const b = fs.readFileSync(file);
  const i = b.indexOf('NP_SOURCE_HASH=');
  if (i < 0) return undefined;
  return /^[0-9a-z]+/.exec(b.toString('latin1', i + 15, i + 15 + 64))?.[0];
}
