#!/usr/bin/env node
'use strict';
// Writes the hostile-ZIP corpus (test/corpus/zip_reader/): one small ZIP per refusal of
// docs/layer.md, "Reading ZIPs", plus a few good ones from other writers' shapes. They seed the
// zip_reader fuzz target and are each checked by test/layer/zip.test.ts (refused,
// entry named, nothing written). Deterministic; re-run only to change the corpus.
//
// The other writers' ZIPs of the corpus were made once with those tools (they hold
// times, so they are committed rather than regenerated):
//   good-infozip-extras.zip     zip -r good-infozip-extras.zip a.txt d        (UT/ux extras)
//   good-infozip-stream.zip     zip - a.txt d/b.txt | cat > …                  (data descriptors)
//   infozip-stdin-fifo.zip      printf 'streamed\n' | zip -fd - - > …          (entry recorded as a FIFO)
//   good-python-utf8-zip64.zip  Python zipfile: UTF-8 names, archive and entry comments,
//                               force_zip64=True on one entry
//   good-layer-x64.zip          net-profiler layer build examples/release --arch x64
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const out = path.resolve(__dirname, '../test/corpus/zip_reader');

function u16(v) { const b = Buffer.alloc(2); b.writeUInt16LE(v); return b; }
function u32(v) { const b = Buffer.alloc(4); b.writeUInt32LE(v >>> 0); return b; }

// e: {name, data, method, mode, dir, crc, csize, usize, flags, madeBy, localName, localCsize,
//     localCrc, localMethod, descriptor, offset (override), comment (the entry's, in the
//     central directory)}; opts: {count, cdSize, cdOffset, comment (the archive's)}
function zip(entries, opts = {}) {
  const parts = [];
  let off = 0;
  const cds = [];
  for (const e of entries) {
    const raw = Buffer.from(e.data ?? '');
    const method = e.method ?? 0;
    const body = e.body ?? (method === 8 ? zlib.deflateRawSync(raw) : raw);
    const crc = e.crc ?? zlib.crc32(raw);
    const csize = e.csize ?? body.length;
    const usize = e.usize ?? raw.length;
    const name = Buffer.from(e.name, 'latin1');
    const lname = Buffer.from(e.localName ?? e.name, 'latin1');
    const flags = e.flags ?? 0;
    const desc = Boolean(e.descriptor);
    const local = Buffer.concat([
      u32(0x04034b50), u16(20), u16(flags | (desc ? 8 : 0)), u16(e.localMethod ?? method), u32(0),
      u32(desc ? 0 : (e.localCrc ?? crc)), u32(desc ? 0 : (e.localCsize ?? csize)), u32(desc ? 0 : usize),
      u16(lname.length), u16(0), lname,
    ]);
    const offset = e.offset ?? off;
    const rec = [local, body];
    if (desc) rec.push(u32(0x08074b50), u32(e.descCrc ?? crc), u32(csize), u32(e.descUsize ?? usize));
    if (!e.noLocal) {
      parts.push(...rec);
      off += rec.reduce((n, b) => n + b.length, 0);
    }
    const mode = e.mode ?? (e.dir ? 0o40755 : 0o100644);
    const comment = Buffer.from(e.comment ?? '', 'utf8');
    cds.push(Buffer.concat([
      u32(0x02014b50), u16(e.madeBy ?? 0x0314), u16(20), u16(flags | (desc ? 8 : 0)), u16(method), u32(0),
      u32(crc), u32(csize), u32(usize), u16(name.length), u16(0), u16(comment.length), u16(0), u16(0),
      u32((mode << 16) >>> 0), u32(offset), name, comment,
    ]));
  }
  const cd = Buffer.concat(cds);
  const count = opts.count ?? entries.length;
  const comment = Buffer.from(opts.comment ?? '', 'utf8');
  const eocd = Buffer.concat([
    u32(0x06054b50), u16(0), u16(0), u16(count), u16(count), u32(opts.cdSize ?? cd.length), u32(opts.cdOffset ?? off), u16(comment.length), comment,
  ]);
  return Buffer.concat([...parts, cd, eocd]);
}

const cases = {};
const hello = { name: 'hello.txt', data: 'hello\n' };
cases['good-stored.zip'] = zip([{ name: 'a/', dir: true }, { name: 'a/hello.txt', data: 'hello\n' }]);
cases['good-deflate-descriptor.zip'] = zip([{ name: 'x.txt', data: 'x'.repeat(1000), method: 8, descriptor: true }]);
cases['traversal.zip'] = zip([{ name: '../evil.txt', data: 'x' }]);
cases['traversal-inside.zip'] = zip([{ name: 'a/../b.txt', data: 'x' }]);
cases['absolute.zip'] = zip([{ name: '/etc/evil', data: 'x' }]);
cases['absolute-unc.zip'] = zip([{ name: '//server/share/evil', data: 'x' }]);
cases['drive.zip'] = zip([{ name: 'C:/evil.txt', data: 'x' }]);
cases['backslash.zip'] = zip([{ name: 'a\\..\\evil.txt', data: 'x' }]);
cases['nul.zip'] = zip([{ name: 'a\0.txt', data: 'x' }]);
cases['duplicate.zip'] = zip([{ name: 'a/b.txt', data: 'x' }, { name: 'a/./b.txt', data: 'y' }]);
cases['duplicate-empty-segment.zip'] = zip([{ name: 'a/b.txt', data: 'x' }, { name: 'a//b.txt', data: 'y' }]);
// entry comments on every entry (and an archive comment): the reader must step over them
cases['good-entry-comments.zip'] = zip(
  [
    { name: 'd/', dir: true, comment: 'a folder' },
    { name: 'd/one.txt', data: 'one\n'.repeat(50), method: 8, comment: 'the first file, deflated' },
    { name: 'd/two.txt', data: 'two\n', comment: 'ü: a UTF-8 comment' },
  ],
  { comment: 'archive comment' },
);
cases['symlink.zip'] = zip([{ name: 'link', data: '/etc/passwd', mode: 0o120777 }]);
cases['fifo.zip'] = zip([{ name: 'fifo', data: '', mode: 0o10644 }]);
cases['encrypted.zip'] = zip([{ ...hello, flags: 1 }]);
cases['method-bzip2.zip'] = zip([{ ...hello, method: 12, body: Buffer.from('BZh9') }]);
{
  // entry 2's local header sits inside entry 1's data
  const inner = zip([{ name: 'b.txt', data: 'inner' }]).subarray(0, 30 + 5 + 5);
  cases['overlap.zip'] = zip([{ name: 'a.txt', data: inner }, { name: 'b.txt', data: 'inner', offset: 30 + 5, noLocal: true }]);
}
cases['local-name-mismatch.zip'] = zip([{ ...hello, localName: 'other.txt' }]);
cases['local-size-mismatch.zip'] = zip([{ ...hello, localCsize: 5 }]);
cases['local-crc-mismatch.zip'] = zip([{ ...hello, localCrc: 1234 }]);
cases['local-method-mismatch.zip'] = zip([{ ...hello, localMethod: 8 }]);
cases['descriptor-mismatch.zip'] = zip([{ ...hello, descriptor: true, descCrc: 99 }]);
cases['crc-mismatch.zip'] = zip([{ ...hello, crc: 0xdeadbeef }]);
cases['inflates-more.zip'] = zip([{ name: 'x.txt', data: 'x'.repeat(1000), method: 8, usize: 10 }]);
cases['inflates-less.zip'] = zip([{ name: 'x.txt', data: 'x'.repeat(1000), method: 8, usize: 2000, crc: zlib.crc32(Buffer.from('x'.repeat(1000))) }]);
cases['past-end.zip'] = zip([{ ...hello, csize: 5000, usize: 5000, body: Buffer.from('hello\n') }]);
cases['eocd-count.zip'] = zip([hello], { count: 2 });
cases['eocd-offset.zip'] = zip([hello], { cdOffset: 3 });
cases['eocd-size.zip'] = zip([hello], { cdSize: 200 });
{
  const two = Buffer.alloc(2 << 20);
  cases['bomb-ratio.zip'] = zip([{ name: 'zeros.bin', data: two, method: 8 }]);
  // 251 entries declaring 1 MiB each (not over the ratio cap's 1 MiB) pass the 250 MB
  // total: refused from the directory alone, before any data is inflated. (A bomb by
  // total that really inflates is tested with a lower cap in test/layer.)
  const list = [];
  for (let i = 0; i < 251; i++) list.push({ name: `z${String(i).padStart(3, '0')}`, body: Buffer.from([3, 0]), method: 8, usize: 1 << 20 });
  cases['bomb-total.zip'] = zip(list);
}
cases['truncated.zip'] = zip([hello]).subarray(0, 40);

fs.mkdirSync(out, { recursive: true });
for (const [name, bytes] of Object.entries(cases)) fs.writeFileSync(path.join(out, name), bytes);
console.log(`wrote ${Object.keys(cases).length} ZIPs to ${path.relative(process.cwd(), out)}`);
