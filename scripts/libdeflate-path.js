#!/usr/bin/env node
'use strict';
// Prints the static libdeflate to link into the addon for an arch (x64 or arm64).
// The layer ZIP writer needs a Deflate that gives the same bytes on every machine:
// Debian's libdeflate-dev (and libdeflate-dev:arm64 for the cross build) provides it.
const fs = require('fs');
const arch = process.argv[2] || process.arch;
const triplet = arch === 'arm64' ? 'aarch64-linux-gnu' : 'x86_64-linux-gnu';
const candidates = [
  process.env.NP_LIBDEFLATE_A,
  `/usr/lib/${triplet}/libdeflate.a`,
  arch === process.arch ? '/usr/lib/libdeflate.a' : undefined,
  arch === process.arch ? '/usr/local/lib/libdeflate.a' : undefined,
].filter(Boolean);
const found = candidates.find((p) => fs.existsSync(p));
if (!found) {
  process.stderr.write(
    `net-profiler: building from source needs a static libdeflate for ${arch} (looked in ${candidates.join(', ')}).\n` +
      `  Debian/Ubuntu: apt-get install libdeflate-dev${arch === 'arm64' && process.arch !== 'arm64' ? ':arm64' : ''}\n` +
      `  Alpine: apk add libdeflate-dev libdeflate-static\n` +
      `  or set NP_LIBDEFLATE_A=/path/to/libdeflate.a\n`
  );
  process.exit(1);
}
process.stdout.write(found);
