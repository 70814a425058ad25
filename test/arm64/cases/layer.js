'use strict';
// Builds the arm64 layer ZIP of examples/release through the raw addon (the same
// entries, modes, order and time as lib/layer's buildLayer) and returns its sha256, with
// the reader's view of it and the release checks. The x64 and arm64 prebuilds must give
// the same bytes: that is the cross-arch determinism proof. test/layer also checks that
// this sha256 equals buildLayer's on x64. Only non-throwing paths (see smoke.js).
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

function walk(dir, rel, out) {
  for (const name of fs.readdirSync(path.join(dir, rel)).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    if (fs.statSync(path.join(dir, r)).isDirectory()) walk(dir, r, out);
    else out.push(r);
  }
  return out;
}

module.exports = async (addon, root) => {
  const release = path.join(root, 'examples/release');
  const arch = 'arm64';
  const runtimes = ['dotnet8', 'dotnet10'];
  const manifest = JSON.parse(fs.readFileSync(path.join(release, 'manifest.json'), 'utf8'));
  const files = new Map();
  files.set('profiler/native/libnet_profiler.so', { mode: 0o755, data: fs.readFileSync(path.join(release, `native/linux-${arch}/libnet_profiler.so`)) });
  for (const tfm of ['net8.0', 'net10.0']) {
    for (const f of walk(path.join(release, 'agent', tfm), '', [])) {
      files.set(`profiler/agent/${tfm}/${f}`, { mode: 0o644, data: fs.readFileSync(path.join(release, 'agent', tfm, f)) });
    }
  }
  files.set('profiler/settings/lambda/settings.yaml', { mode: 0o644, data: fs.readFileSync(path.join(release, 'settings/lambda/settings.yaml')) });
  files.set('profiler/manifest.json', { mode: 0o644, data: Buffer.from(JSON.stringify({ ...manifest, arch, runtimes }, null, 2) + '\n') });
  const wrapper = fs
    .readFileSync(path.join(root, 'assets/profiler_wrapper'), 'utf8')
    .replace('@NP_VERSION@', manifest.version)
    .replace('@NP_ARCH@', arch)
    .replace('@NP_CLSID@', manifest.clsid)
    .replace('@NP_STARTUP_HOOK@', manifest.startupHook);
  files.set('profiler_wrapper', { mode: 0o755, data: Buffer.from(wrapper) });
  const dirs = new Set();
  for (const name of files.keys()) {
    const parts = name.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/') + '/');
  }
  const items = [...files.entries()].map(([name, f]) => ({ name: Buffer.from(name), mode: f.mode, data: f.data }));
  for (const d of dirs) items.push({ name: Buffer.from(d), mode: 0o755, dir: true });
  items.sort((a, b) => Buffer.compare(a.name, b.name));

  const dos = addon.zipDosDateTime(315532800);
  // two batches, as the SDK would cut them; the bytes do not depend on the cut
  const half = Math.floor(items.length / 2);
  const parts = await Promise.all([addon.zipCompress(items.slice(0, half), 6, dos), addon.zipCompress(items.slice(half), 6, dos)]);
  const central = [];
  let offset = 0;
  const chunks = [];
  let k = 0;
  for (const p of parts) {
    chunks.push(p.records);
    for (const m of p.entries) {
      const it = items[k++];
      central.push({ name: it.name, mode: it.mode, dir: Boolean(it.dir), crc32: m.crc32, compressedSize: m.compressedSize, size: m.size, method: m.method, offset });
      offset += m.recordBytes; // the native writer says how many bytes each record took
    }
  }
  chunks.push(addon.zipCentral(central, offset, dos));
  const zip = Buffer.concat(chunks);
  // the unzipped-total cap the SDK passes by default (LAMBDA_LIMITS.unzippedBytes of lib/constants.ts)
  const checked = await addon.zipVerify(zip, { maxUnzippedBytes: 262144000 });
  const infos = addon.releaseInspect([files.get('profiler/native/libnet_profiler.so').data, files.get('profiler/agent/net8.0/NetProfiler.Agent.StartupHook.dll').data]);
  const inflated = await addon.zipExtract(zip, checked.entries.filter((e) => !e.dir));
  const inflatedHash = crypto.createHash('sha256');
  for (const b of inflated) inflatedHash.update(b);
  return {
    sha256: crypto.createHash('sha256').update(zip).digest('hex'),
    bytes: zip.length,
    entries: checked.entries.length,
    unzippedBytes: checked.unzippedBytes,
    inflatedSha256: inflatedHash.digest('hex'),
    elf: infos[0].elf,
    cli: infos[1].pe.cli,
  };
};
