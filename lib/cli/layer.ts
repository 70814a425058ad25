/**
 * The `layer` command group (`cli.md`).
 * @packageDocumentation
 */
import * as path from 'path';
import { NetProfilerError } from '../errors';
import { buildLayer, inspectLayer, rebuildLayer, unpackZip, ZipRefusedError } from '../layer';
import type { BuildLayerRefusal, BuildMessage, InspectLayerResult } from '../layer';
import type { LayerArch, LayerRuntime } from '../layer';
import { CommandContext, CommandSpec, Exit, flagList, flagString, formatBytes, formatFindings, GroupSpec, printJson, progressLine, UsageError } from './framework';

function json(ctx: CommandContext): boolean {
  return ctx.flags.json === true;
}

function printMessages(ctx: CommandContext, msgs: BuildMessage[], severity: 'error' | 'warning'): void {
  for (const m of msgs) {
    ctx.stderr.write(
      formatFindings(m.file, [{ severity, code: m.code, message: m.message, ...(m.line !== undefined ? { line: m.line } : {}), ...(m.column !== undefined ? { column: m.column } : {}), ...(m.fix ? { fix: m.fix } : {}) }], false),
    );
  }
}

function refusal(ctx: CommandContext, r: BuildLayerRefusal, what: string): number {
  if (json(ctx)) printJson(ctx, r);
  else {
    printMessages(ctx, r.errors, 'error');
    printMessages(ctx, r.warnings, 'warning');
    ctx.stderr.write(`net-profiler: ${what} refused (${r.errors.length} error${r.errors.length === 1 ? '' : 's'}); nothing was written\n`);
  }
  return Exit.failed;
}

/** A ZIP that cannot be read safely: exit 1 with the `{ok: false, errors}` document. */
function zipRefused(ctx: CommandContext, err: unknown): number {
  if (!(err instanceof ZipRefusedError)) throw err;
  if (json(ctx)) printJson(ctx, { ok: false, errors: [{ code: err.code, entry: err.entry, message: err.message }] });
  else ctx.stderr.write(`net-profiler: ${err.file ?? ''}: error ${err.code}: ${err.message}\n`);
  return Exit.failed;
}

function parseLevel(ctx: CommandContext): number | undefined {
  const s = flagString(ctx.flags, 'level');
  if (s === undefined) return undefined;
  if (!/^\d+$/.test(s) || Number(s) > 12) throw new UsageError(`--level must be an integer from 0 to 12, not '${s}'`, build.usage);
  return Number(s);
}

const build: CommandSpec = {
  name: 'build',
  usage: 'layer build RELEASE --arch arm64|x64 [--runtime dotnet8,dotnet10] [--settings FILE] [--out DIR] [--level N] [--json]',
  summary: 'check a profiler release and write the layer ZIP and the layer package ZIP',
  example: 'net-profiler layer build examples/release --arch arm64 --out build/',
  flags: {
    arch: { type: 'string', value: 'ARCH', description: 'arm64 or x64 (required)' },
    runtime: { type: 'string', multiple: true, value: 'R', description: 'dotnet8 and/or dotnet10, comma-separated (default both)' },
    settings: { type: 'string', value: 'FILE', description: "settings file to use instead of the release's default" },
    out: { type: 'string', short: 'o', value: 'DIR', description: 'output folder (default .)' },
    level: { type: 'string', value: 'N', description: 'Deflate level 0..12, 0 stores (default 6)' },
    json: { type: 'boolean', description: 'print the result as one JSON document' },
  },
  positionals: { min: 1, max: 1 },
  async run(ctx) {
    const arch = flagString(ctx.flags, 'arch');
    if (arch === undefined) throw new UsageError('--arch is required (arm64 or x64)', build.usage);
    if (arch !== 'arm64' && arch !== 'x64') throw new UsageError(`--arch must be arm64 or x64, not '${arch}'`, build.usage);
    const runtimes = flagList(ctx.flags, 'runtime');
    for (const r of runtimes) if (r !== 'dotnet8' && r !== 'dotnet10') throw new UsageError(`--runtime must be dotnet8 or dotnet10, not '${r}'`, build.usage);
    const level = parseLevel(ctx);
    const progress = progressLine(ctx, 'compressing');
    const settings = flagString(ctx.flags, 'settings');
    const r = await buildLayer({
      release: ctx.args[0]!,
      arch: arch as LayerArch,
      ...(runtimes.length ? { runtimes: runtimes as LayerRuntime[] } : {}),
      ...(settings !== undefined ? { settings } : {}),
      outDir: flagString(ctx.flags, 'out') ?? '.',
      ...(level !== undefined ? { level } : {}),
      onProgress: (d, t) => progress.update(d, t),
    });
    progress.done();
    if (!r.ok) return refusal(ctx, r, 'build');
    if (json(ctx)) printJson(ctx, r);
    else {
      printMessages(ctx, r.warnings, 'warning');
      ctx.stdout.write(
        `layer ${r.version} linux-${r.arch} (${r.runtimes.join(', ')}): ${r.entries} entries, ${formatBytes(r.unzippedBytes)} unzipped\n` +
          `  layer ZIP    ${r.layerZip}\n  package ZIP  ${r.packageZip}\n  sha256       ${r.sha256}\n`,
      );
    }
    return Exit.ok;
  },
};

const rebuild: CommandSpec = {
  name: 'rebuild',
  usage: 'layer rebuild PACKAGE_DIR [--json]',
  summary: "after editing PACKAGE_DIR/layer/: check it, rebuild the layer ZIP and rewrite SHA256SUMS",
  example: 'net-profiler layer rebuild profiler-lambda-layer-1.4.0-linux-arm64',
  flags: { json: { type: 'boolean', description: 'print the result as one JSON document' } },
  positionals: { min: 1, max: 1 },
  async run(ctx) {
    const progress = progressLine(ctx, 'compressing');
    const r = await rebuildLayer(ctx.args[0]!, { onProgress: (d, t) => progress.update(d, t) });
    progress.done();
    if (!r.ok) return refusal(ctx, r, 'rebuild');
    if (json(ctx)) printJson(ctx, r);
    else {
      printMessages(ctx, r.warnings, 'warning');
      ctx.stdout.write(
        `rebuilt ${r.layerZip}: ${r.entries} entries (${r.changed.length} changed${r.changed.length ? `: ${r.changed.join(', ')}` : ''}), sha256 ${r.sha256}\n`,
      );
    }
    return Exit.ok;
  },
};

function printInspect(ctx: CommandContext, file: string, r: InspectLayerResult): void {
  const out: string[] = [];
  const l = r.layer;
  out.push(`${file}: ${l.valid ? 'valid layer' : 'NOT a valid layer'}; version ${l.version ?? '?'}, arch ${l.arch ?? '?'}, runtimes ${l.runtimes.join(', ') || '?'}`);
  out.push(`unzipped ${formatBytes(l.unzippedBytes)} of Lambda's 250 MB for a function and its layers (${((l.unzippedBytes / 262_144_000) * 100).toFixed(1)}%)`);
  out.push('');
  const w = Math.max(...r.entries.map((e) => String(e.size).length), 4);
  for (const e of r.entries) {
    out.push(`${e.type === 'directory' ? 'd' : '-'} ${e.mode.toString(8).padStart(4, '0')}  ${String(e.size).padStart(w)}  ${e.crc32}  ${e.path}`);
  }
  ctx.stdout.write(out.join('\n') + '\n');
  for (const f of r.findings) {
    const [where, key] = f.path.split('#');
    ctx.stderr.write(
      formatFindings(where ?? f.path, [{ severity: f.severity, code: f.code, message: key ? `${key}: ${f.message}` : f.message, ...(f.line !== undefined ? { line: f.line } : {}), ...(f.column !== undefined ? { column: f.column } : {}), ...(f.fix ? { fix: f.fix } : {}) }], ctx.color),
    );
  }
}

const inspect: CommandSpec = {
  name: 'inspect',
  usage: 'layer inspect ZIP [--json]',
  summary: 'entries, modes, manifest, arch, runtimes, settings findings, size against the Lambda limits',
  example: 'net-profiler layer inspect build/profiler-lambda-layer-1.4.0-linux-arm64.zip',
  flags: { json: { type: 'boolean', description: 'print the result as one JSON document' } },
  positionals: { min: 1, max: 1 },
  async run(ctx) {
    let r: InspectLayerResult;
    try {
      r = await inspectLayer(ctx.args[0]!);
    } catch (err) {
      return zipRefused(ctx, err);
    }
    if (json(ctx)) printJson(ctx, r);
    else printInspect(ctx, ctx.args[0]!, r);
    return Exit.ok;
  },
};

const unpack: CommandSpec = {
  name: 'unpack',
  usage: 'layer unpack ZIP DIR [--json]',
  summary: 'extract a ZIP safely (every entry checked first; DIR must be new or empty)',
  example: 'net-profiler layer unpack build/profiler-lambda-layer-1.4.0-linux-arm64.zip layer/',
  flags: { json: { type: 'boolean', description: 'print the result as one JSON document' } },
  positionals: { min: 2, max: 2 },
  async run(ctx) {
    try {
      const r = await unpackZip(ctx.args[0]!, ctx.args[1]!);
      if (json(ctx)) printJson(ctx, { ok: true, ...r });
      else ctx.stdout.write(`unpacked ${r.files} files and ${r.dirs} folders (${formatBytes(r.bytes)}) into ${path.normalize(r.dir)}\n`);
      return Exit.ok;
    } catch (err) {
      if (err instanceof NetProfilerError && !(err instanceof ZipRefusedError)) throw err;
      return zipRefused(ctx, err);
    }
  },
};

/** `net-profiler layer …` */
export const layerGroup: GroupSpec = {
  name: 'layer',
  summary: 'build, rebuild, inspect and unpack the Lambda layer',
  commands: [build, rebuild, inspect, unpack],
};
