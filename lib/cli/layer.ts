/**
 * The `layer` command group (docs/layer.md, "Command line"). The commands pass their
 * values to the SDK, which validates them; failures are thrown and written by the
 * framework's one failure writer, except the hostile-ZIP refusal, whose document
 * (`{"ok": false, "errors": [{"code", "entry", "message"}]}`, no `warnings`) is the
 * contract's own shape.
 * @packageDocumentation
 */
import * as path from 'path';
import { ARCHES, LAMBDA_LIMITS, RUNTIMES } from '../constants';
import { buildLayer, inspectLayer, rebuildLayer, unpackZip } from '../layer';
import type { BuildMessage, InspectLayerResult } from '../layer';
import { CommandContext, defineCommand, Exit, formatBytes, formatFindings, jsonFlag, plural, printJsonOr, progressLine } from './framework';

function printMessages(ctx: CommandContext<unknown>, msgs: BuildMessage[], severity: 'error' | 'warning'): void {
  for (const m of msgs) {
    ctx.stderr.write(
      formatFindings(m.file, [{ severity, code: m.code, message: m.message, ...(m.line !== undefined ? { line: m.line } : {}), ...(m.column !== undefined ? { column: m.column } : {}), ...(m.fix ? { fix: m.fix } : {}) }], false),
    );
  }
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
    const progress = progressLine(ctx, 'compressing');
    const r = await buildLayer({
      release: ctx.args[0]!,
      arch,
      ...(runtimes.length ? { runtimes } : {}),
      ...(settings !== undefined ? { settings } : {}),
      outDir: ctx.flags.out ?? '.',
      ...(level !== undefined ? { level } : {}),
      onProgress: (d, t) => progress.update(d, t),
    }).finally(() => progress.done());
    printJsonOr(ctx, r, () => {
      printMessages(ctx, r.warnings, 'warning');
      ctx.stdout.write(
        `layer ${r.version} linux-${r.arch} (${r.runtimes.join(', ')}): ${plural(r.entries, 'entry', 'entries')}, ${formatBytes(r.unzippedBytes)} unzipped\n` +
          `  layer ZIP    ${r.layerZip}\n  package ZIP  ${r.packageZip}\n  sha256       ${r.sha256}\n`,
      );
    });
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
    const r = await rebuildLayer(ctx.args[0]!, { onProgress: (d, t) => progress.update(d, t) }).finally(() => progress.done());
    printJsonOr(ctx, r, () => {
      printMessages(ctx, r.warnings, 'warning');
      ctx.stdout.write(
        `rebuilt ${r.layerZip}: ${plural(r.entries, 'entry', 'entries')} (${r.changed.length} changed${r.changed.length ? `: ${r.changed.join(', ')}` : ''}), sha256 ${r.sha256}\n`,
      );
    });
    return Exit.ok;
  },
});

function printInspect(ctx: CommandContext<unknown>, file: string, r: InspectLayerResult): void {
  const out: string[] = [];
  const l = r.layer;
  const isPackage = r.findings.some((f) => f.code === 'layer-package');
  out.push(
    isPackage
      ? `${file}: a layer package, NOT a layer ZIP (see the finding below for the layer ZIP inside it)`
      : `${file}: ${l.valid ? 'valid layer' : 'NOT a valid layer'}; version ${l.version ?? '?'}, arch ${l.arch ?? '?'}, runtimes ${l.runtimes.join(', ') || '?'}`,
  );
  const limit = LAMBDA_LIMITS.unzippedBytes;
  out.push(`unzipped ${formatBytes(l.unzippedBytes)} of Lambda's ${formatBytes(limit)} for a function and its layers (${((l.unzippedBytes / limit) * 100).toFixed(1)}%)`);
  out.push('');
  const w = Math.max(...r.entries.map((e) => String(e.size).length), 4);
  for (const e of r.entries) {
    out.push(`${e.type === 'directory' ? 'd' : '-'} ${e.mode.toString(8).padStart(4, '0')}  ${String(e.size).padStart(w)}  ${e.crc32}  ${e.path}`);
  }
  ctx.stdout.write(out.join('\n') + '\n');
  for (const f of r.findings) {
    const [where, key] = f.path.split('#');
    ctx.stderr.write(
      formatFindings(where || file, [{ severity: f.severity, code: f.code, message: key ? `${key}: ${f.message}` : f.message, ...(f.line !== undefined ? { line: f.line } : {}), ...(f.column !== undefined ? { column: f.column } : {}), ...(f.fix ? { fix: f.fix } : {}) }], ctx.color),
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
    const r = await inspectLayer(ctx.args[0]!);
    printJsonOr(ctx, r, () => printInspect(ctx, ctx.args[0]!, r));
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
    const r = await unpackZip(ctx.args[0]!, ctx.args[1]!);
    printJsonOr(ctx, { ok: true, ...r }, () => ctx.stdout.write(`unpacked ${plural(r.files, 'file')} and ${plural(r.dirs, 'folder')} (${formatBytes(r.bytes)}) into ${path.normalize(r.dir)}\n`));
    return Exit.ok;
  },
});

/** The commands of `net-profiler layer …`, in the order its help lists them. */
export const commands = [build, rebuild, inspect, unpack];
