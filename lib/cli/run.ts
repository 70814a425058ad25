/**
 * The top-level `run` command (docs/run.md): a local .NET program under the profiler,
 * with a local receiver, then the dump's summary and trace tree.
 * @packageDocumentation
 */
import { defineCommand, Exit, jsonFlag, plural, printJson } from './framework';
import { RUNTIMES } from '../constants';
import { badArgument } from '../errors';
import { formatExports, planRun, runProgram } from '../run';
import type { RunOptions } from '../run';

/** `net-profiler run`. Export name for lib/cli/main.ts: `runCommand`. */
export const runCommand = defineCommand('', {
  name: 'run',
  summary: 'run a local .NET program under the profiler, with a local receiver; then its summary and trace tree',
  example: 'net-profiler run --layer-dir layer -- dotnet bin/Release/net10.0/App.dll',
  args: [{ name: 'COMMAND', variadic: true, optional: true }],
  interruptible: true,
  flags: {
    release: { type: 'string', value: 'DIR', description: 'a profiler release tree' },
    layer: { type: 'string', value: 'ZIP', description: 'a layer ZIP (unpacked to a temporary folder, removed afterwards)' },
    'layer-dir': { type: 'string', value: 'DIR', description: 'an unpacked layer (net-profiler layer unpack)' },
    runtime: { type: 'string', choices: RUNTIMES, description: "the agent's runtime (default: from the program's runtimeconfig, else dotnet10)" },
    settings: { type: 'string', value: 'FILE', description: "settings to use instead of the release's or layer's" },
    out: { type: 'string', short: 'o', value: 'FILE', description: 'the dump to write (default receive-<UTC time>.nptb here)' },
    'no-receive': { type: 'boolean', description: 'start no receiver; use the settings as they are' },
    'flush-wait': { type: 'integer', value: 'S', description: 'longest wait for the last exports after the program ended (default 5)' },
    'print-env': { type: 'boolean', description: "print the variables as export lines for a shell or an IDE; run nothing" },
    ...jsonFlag,
  },
  exclusive: [['release', 'layer', 'layer-dir']],
  async run(ctx) {
    const f = ctx.flags;
    const source = {
      ...(f.release !== undefined ? { release: f.release } : {}),
      ...(f.layer !== undefined ? { layer: f.layer } : {}),
      ...(f['layer-dir'] !== undefined ? { layerDir: f['layer-dir'] } : {}),
    };
    const common = {
      ...source,
      ...(f.runtime !== undefined ? { runtime: f.runtime } : {}),
      ...(f.settings !== undefined ? { settings: f.settings } : {}),
      env: ctx.env,
    };
    if (f['print-env']) {
      const plan = await planRun({ ...common, ...(ctx.args.length ? { command: ctx.args } : {}) });
      for (const w of plan.warnings) ctx.stderr.write(`${plan.settings}:${w.line}:${w.column}: warning ${w.code}: ${w.message}\n`);
      if (f.json) printJson(ctx, { runtime: plan.runtime, arch: plan.arch, settings: plan.settings, variables: plan.variables });
      else ctx.stdout.write(formatExports(plan.variables));
      return Exit.ok;
    }
    if (ctx.args.length === 0) throw badArgument('COMMAND', 'give the command to run after --, such as: -- dotnet bin/App.dll');
    const options: RunOptions = {
      ...common,
      command: ctx.args,
      ...(f.out !== undefined ? { out: f.out } : {}),
      noReceive: f['no-receive'],
      ...(f['flush-wait'] !== undefined ? { flushWaitSeconds: f['flush-wait'] } : {}),
      // Ctrl-C (SIGINT) comes through the framework as ctx.signal; SIGTERM directly.
      forwardSignals: ['SIGTERM'],
      signal: ctx.signal,
      onNote: (line) => ctx.stderr.write(`net-profiler run: ${line}\n`),
    };
    const result = await runProgram(options);
    const how = result.signal ? `was ended by ${result.signal} (exit ${result.exitCode})` : `exited with ${result.exitCode}`;
    if (f.json) {
      printJson(ctx, { exitCode: result.exitCode, out: result.out ?? null, summary: result.summary ?? null });
      return result.exitCode;
    }
    ctx.stderr.write(`net-profiler run: the program ${how}\n`);
    if (result.out && result.receive && result.summary) {
      const s = result.summary;
      ctx.stderr.write(
        `net-profiler run: ${result.out}: ${plural(result.receive.requests, 'request')}, ${plural(s.spans, 'span')} in ${plural(s.traces, 'trace')}, ${plural(s.metricPoints, 'metric point')}, ${plural(s.logRecords, 'log record')}${s.services.length ? `; services ${s.services.join(', ')}` : ''}\n`,
      );
      if (s.spans > 0) {
        const { printTraceTrees } = await import('../report');
        await printTraceTrees(result.out, (t) => void ctx.stderr.write(t), { color: ctx.colorErr });
      }
    }
    return result.exitCode;
  },
});
