#!/usr/bin/env node
'use strict';
// Writes a minimal but well-formed .NET (ECMA-335) assembly: a PE32 DLL whose one .text
// section holds a CLI header and a metadata root (BSJB) with #~, #Strings, #US, #GUID and
// #Blob streams describing a Module, the <Module> type and an Assembly row. No IL code:
// it stands in for the managed agent in examples/release (there is no .NET SDK here).
//   node scripts/make-cli-assembly.js OUT.dll ASSEMBLY_NAME VERSION
// Deterministic: same arguments, same bytes (the MVID is derived from the name).
const fs = require('fs');
const crypto = require('crypto');

function pad4(buf) {
  const n = (4 - (buf.length % 4)) % 4;
  return Buffer.concat([buf, Buffer.alloc(n)]);
}

function build(name, version) {
  const [maj, min, bld] = version.split('.').map((x) => parseInt(x, 10) || 0);
  // #Strings heap
  const strings = [''];
  const strIndex = (s) => {
    let off = 0;
    for (const x of strings) {
      if (x === s) return off;
      off += Buffer.byteLength(x) + 1;
    }
    strings.push(s);
    return off;
  };
  const modName = strIndex(`${name}.dll`);
  const typeName = strIndex('<Module>');
  const asmName = strIndex(name);
  const stringsHeap = pad4(Buffer.concat(strings.map((s) => Buffer.from(s + '\0'))));
  const usHeap = pad4(Buffer.from([0]));
  const guidHeap = crypto.createHash('sha256').update(name).digest().subarray(0, 16);
  const blobHeap = pad4(Buffer.from([0]));

  // #~ stream: Module (0x00), TypeDef (0x02), Assembly (0x20)
  const t = [];
  const u16 = (v) => { const b = Buffer.alloc(2); b.writeUInt16LE(v); t.push(b); };
  const u32 = (v) => { const b = Buffer.alloc(4); b.writeUInt32LE(v); t.push(b); };
  const u64 = (v) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(v); t.push(b); };
  u32(0); t.push(Buffer.from([2, 0, 0, 1]));
  u64((1n << 0n) | (1n << 2n) | (1n << 0x20n));
  u64(0x000016003325fa00n);
  u32(1); u32(1); u32(1);
  // Module: Generation, Name, Mvid, EncId, EncBaseId
  u16(0); u16(modName); u16(1); u16(0); u16(0);
  // TypeDef <Module>: Flags, Name, Namespace, Extends, FieldList, MethodList
  u32(0); u16(typeName); u16(0); u16(0); u16(1); u16(1);
  // Assembly: HashAlgId, Major, Minor, Build, Revision, Flags, PublicKey, Name, Culture
  u32(0x8004); u16(maj); u16(min); u16(bld); u16(0); u32(0); u16(0); u16(asmName); u16(0);
  const tables = pad4(Buffer.concat(t));

  const streams = [
    ['#~', tables],
    ['#Strings', stringsHeap],
    ['#US', usHeap],
    ['#GUID', guidHeap],
    ['#Blob', blobHeap],
  ];
  const versionStr = pad4(Buffer.from('v4.0.30319\0'));
  const headerLen =
    16 + versionStr.length + 4 + streams.reduce((n, [s]) => n + 8 + pad4(Buffer.from(s + '\0')).length, 0);
  const root = [];
  const r32 = (v) => { const b = Buffer.alloc(4); b.writeUInt32LE(v); root.push(b); };
  const r16 = (v) => { const b = Buffer.alloc(2); b.writeUInt16LE(v); root.push(b); };
  r32(0x424a5342); r16(1); r16(1); r32(0); r32(versionStr.length); root.push(versionStr);
  r16(0); r16(streams.length);
  let off = headerLen;
  for (const [s, data] of streams) {
    r32(off); r32(data.length); root.push(pad4(Buffer.from(s + '\0')));
    off += data.length;
  }
  const metadata = Buffer.concat([...root, ...streams.map(([, d]) => d)]);

  const textRva = 0x2000;
  const cli = Buffer.alloc(72);
  cli.writeUInt32LE(72, 0);
  cli.writeUInt16LE(2, 4);
  cli.writeUInt16LE(5, 6);
  cli.writeUInt32LE(textRva + 72, 8);
  cli.writeUInt32LE(metadata.length, 12);
  cli.writeUInt32LE(1, 16); // COMIMAGE_FLAGS_ILONLY
  const text = Buffer.concat([cli, metadata]);
  const rawSize = Math.ceil(text.length / 0x200) * 0x200;

  const headers = Buffer.alloc(0x200);
  headers.write('MZ', 0, 'latin1');
  headers.writeUInt32LE(0x80, 0x3c);
  let p = 0x80;
  headers.write('PE\0\0', p, 'latin1');
  p += 4;
  headers.writeUInt16LE(0x14c, p); // i386 (AnyCPU IL)
  headers.writeUInt16LE(1, p + 2); // sections
  headers.writeUInt16LE(0xe0, p + 16);
  headers.writeUInt16LE(0x2102, p + 18); // executable image, 32-bit, DLL
  p += 20;
  const opt = p;
  headers.writeUInt16LE(0x10b, opt);
  headers[opt + 2] = 8;
  headers.writeUInt32LE(rawSize, opt + 4); // SizeOfCode
  headers.writeUInt32LE(textRva, opt + 20); // BaseOfCode
  headers.writeUInt32LE(0x4000, opt + 24); // BaseOfData
  headers.writeUInt32LE(0x10000000, opt + 28); // ImageBase
  headers.writeUInt32LE(0x2000, opt + 32); // SectionAlignment
  headers.writeUInt32LE(0x200, opt + 36); // FileAlignment
  headers.writeUInt16LE(4, opt + 40); // OS version
  headers.writeUInt16LE(4, opt + 48); // subsystem version
  headers.writeUInt32LE(0x4000, opt + 56); // SizeOfImage
  headers.writeUInt32LE(0x200, opt + 60); // SizeOfHeaders
  headers.writeUInt16LE(3, opt + 68); // console
  headers.writeUInt16LE(0x8540, opt + 70); // dynamic base, NX, no SEH, TS aware
  headers.writeUInt32LE(0x100000, opt + 72);
  headers.writeUInt32LE(0x1000, opt + 76);
  headers.writeUInt32LE(0x100000, opt + 80);
  headers.writeUInt32LE(0x1000, opt + 84);
  headers.writeUInt32LE(16, opt + 92); // NumberOfRvaAndSizes
  headers.writeUInt32LE(textRva, opt + 96 + 14 * 8); // COM descriptor
  headers.writeUInt32LE(72, opt + 96 + 14 * 8 + 4);
  const sec = opt + 0xe0;
  headers.write('.text', sec, 'latin1');
  headers.writeUInt32LE(text.length, sec + 8);
  headers.writeUInt32LE(textRva, sec + 12);
  headers.writeUInt32LE(rawSize, sec + 16);
  headers.writeUInt32LE(0x200, sec + 20);
  headers.writeUInt32LE(0x60000020, sec + 36);
  return Buffer.concat([headers, text, Buffer.alloc(rawSize - text.length)]);
}

module.exports = { build };

if (require.main === module) {
  const [out, name, version] = process.argv.slice(2);
  if (!out || !name) {
    process.stderr.write('usage: node scripts/make-cli-assembly.js OUT.dll ASSEMBLY_NAME [VERSION]\n');
    process.exit(2);
  }
  fs.writeFileSync(out, build(name, version || '1.0.0'));
}
