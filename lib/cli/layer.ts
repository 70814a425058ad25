/**
 * The `layer` command group (`cli.md`).
 * @packageDocumentation
 */
import * as path from 'path';
import { NetProfilerError } from '../errors';
import { buildLayer, inspectLayer, rebuildLayer, unpackZip, ZipRefusedError } from '../layer';
import type { BuildLayerRefusal, BuildMessage, InspectLayerResult } from '../layer';
import type { LayerArch, LayerRuntime } from '../layer';
import { CommandContext, defineCommand, Exit, formatBytes, formatFindings, jsonFlag, printJson, progressLine, UsageError } from './framework';
import { ARCHES, RUNTIMES } from '../constants';

function json(ctx: CommandContext<{ json: boolean }>): boolean {
  return ctx.flags.json;
}

function printMessages(ctx: CommandContext<unknown>, msgs: BuildMessage[], severity: 'error' | 'warning'): void {
  for (const m of msgs) {
    ctx.stderr.write(
      formatFindings(m.file, [{ severity, code: m.code, message: m.message, ...(m.line !== undefined ? { line: m.line } : {}), ...(m.column !== undefined ? { column: m.column } : {}), ...(m.fix ? { fix: m.fix } : {}) }], false),
    );
  }
}

function refusal(ctx: CommandContext<{ json: boolean }>, r: BuildLayerRefusal, what: string): number {
  if (json(ctx)) printJson(ctx, r);
  else {
    printMessages(ctx, r.errors, 'error');
    printMessages(ctx, r.warnings, 'warning');
    ctx.stderr.write(`net-profiler: ${what} refused (${r.errors.length} error${r.errors.length === 1 ? '' : 's'}); nothing was written\n`);
  }
  return Exit.failed;
}

/** A ZIP that cannot be read safely: exit 1 with the `{ok: false, errors}` document. */
function zipRefused(ctx: CommandContext<{ json: boolean }>, err: unknown): number {
  if (!(err instanceof ZipRefusedError)) throw err;
  if (json(ctx)) printJson(ctx, { ok: false, errors: [{ code: err.code, entry: err.entry, message: err.message }] });
  else ctx.stderr.write(`net-profiler: ${err.file ?? ''}: error ${err.code}: ${err.message}\n`);
  return Exit.failed;
}

const build = defineCommand('layer', {
  name: 'build',
  summary: 'check a profiler release and write the layer ZIP and the layer package ZIP',
  example: 'net-profiler layer build examples/release --arch arm64 --out build/',
  args: [{ name: 'RELEASE' }],
  flags: {
    arch: { type: 'string', value: 'ARCH', required: true, choices: ARCHES, description: 'the layer architecture' },
    runtime: { type: 'string', multiple: true, commaList: true, value: 'R', choices: RUNTIMES, description: 'the runtimes, comma-separated (default both)' },
    settings: { type: 'string', value: 'FILE', description: "settings file to use instead of the release's default" },
    out: { type: 'string', short: 'o', value: 'DIR', description: 'output folder (default .)' },
    level: { type: 'integer', value: 'N', description: 'Deflate level 0..12, 0 stores (default 6)' },
    json: { type: 'boolean', description: 'print the result as one JSON document' },
  },
  async run(ctx) {
    const { arch, runtime: runtimes, level, settings } = ctx.flags;
    if (level !== undefined && (level < 0 || level > 12)) throw new UsageError(`--level must be an integer from 0 to 12, not ${level}`, 'level');
    const progress = progressLine(ctx, 'compressing');
    const r = await buildLayer({
      release: ctx.args[0]!,
      arch: arch as LayerArch,
      ...(runtimes.length ? { runtimes: runtimes as LayerRuntime[] } : {}),
      ...(settings !== undefined ? { settings } : {}),
      outDir: ctx.flags.out ?? '.',
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
});

const rebuild = defineCommand('layer', {
  name: 'rebuild',
  summary: "after editing PACKAGE_DIR/layer/: check it, rebuild the layer ZIP and rewrite SHA256SUMS",
  example: 'net-profiler layer rebuild profiler-lambda-layer-1.4.0-linux-arm64',
  args: [{ name: 'PACKAGE_DIR' }],
  flags: { ...jsonFlag },
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
});

function printInspect(ctx: CommandContext<unknown>, file: string, r: InspectLayerResult): void {
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

const inspect = defineCommand('layer', {
  name: 'inspect',
  summary: 'entries, modes, manifest, arch, runtimes, settings findings, size against the Lambda limits',
  example: 'net-profiler layer inspect build/profiler-lambda-layer-1.4.0-linux-arm64.zip',
  args: [{ name: 'ZIP' }],
  flags: { ...jsonFlag },
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
});

const unpack = defineCommand('layer', {
  name: 'unpack',
  summary: 'extract a ZIP safely (every entry checked first; DIR must be new or empty)',
  example: 'net-profiler layer unpack build/profiler-lambda-layer-1.4.0-linux-arm64.zip layer/',
  args: [{ name: 'ZIP' }, { name: 'DIR' }],
  flags: { ...jsonFlag },
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
});

/** The commands of `net-profiler layer …`, in the order its help lists them. */
export const commands = [build, rebuild, inspect, unpack];
