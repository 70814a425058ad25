/**
 * The `lambda` command group (docs/lambda.md): publish, instrument, uninstrument, status,
 * upgrade and list, for one function or a selection of many. Each command is a thin shell
 * over `net-profiler/lambda`: the SDK checks every value (a bad one is a usage error
 * naming the flag), and one function given by name keeps the one-function output.
 * @packageDocumentation
 */
import {
  fleetExitCode,
  fleetTable,
  functionStatus,
  functionStatuses,
  instrumentFunction,
  instrumentFunctions,
  isSingle,
  LambdaChangeResult,
  listFunctions,
  listTable,
  publishLayer,
  publishToRegions,
  uninstrumentFunction,
  uninstrumentFunctions,
  upgradeFunctions,
  type AwsOptions,
  type FleetOptions,
  type FleetReport,
  type FleetResult,
  type FunctionStatus,
  type Selection,
} from '../lambda';
import { CommandContext, defineCommand, Exit, FlagSpec, jsonFlag, printJson, progressLine } from './framework';

const awsFlags = {
  region: { type: 'string', multiple: true, value: 'R', description: 'AWS region; repeat it to search several (default: AWS_REGION / the profile)' },
  'endpoint-url': { type: 'string', value: 'URL', description: 'Lambda endpoint, http:// or https:// (default: AWS_ENDPOINT_URL_LAMBDA / AWS_ENDPOINT_URL / AWS)' },
} as const satisfies Record<string, FlagSpec>;

const secretsFlag = {
  'show-secrets': { type: 'boolean', description: 'show secret-looking values of the function\'s environment (masked by default)' },
} as const satisfies Record<string, FlagSpec>;

const selectFlags = {
  'functions-regex': { type: 'string', value: 'RE', description: 'every function of each region whose name matches RE' },
  all: { type: 'boolean', description: 'every dotnet8 and dotnet10 function of each region' },
  concurrency: { type: 'integer', value: 'N', description: 'functions changed at a time per region (default 4)' },
} as const satisfies Record<string, FlagSpec>;

/** The flags of every command over one function or a selection, in the order help lists them. */
const fleetFlags = { ...selectFlags, ...secretsFlag, ...awsFlags, ...jsonFlag } as const satisfies Record<string, FlagSpec>;

/** `--dry-run` of the commands whose plan has nothing more to say. */
const dryRunFlag = {
  'dry-run': { type: 'boolean', description: 'print the plan and change nothing' },
} as const satisfies Record<string, FlagSpec>;

const FUNCTIONS = [{ name: 'FUNCTION', optional: true, variadic: true }] as const;

type AwsFlags = { region: string[]; 'endpoint-url': string | undefined };
type SelectFlags = AwsFlags & { 'functions-regex': string | undefined; all: boolean; concurrency: number | undefined };

/** The AWS options of the flags (one region): the SDK checks them. */
function aws(ctx: CommandContext<AwsFlags>): AwsOptions {
  const region = ctx.flags.region[ctx.flags.region.length - 1];
  const endpointUrl = ctx.flags['endpoint-url'];
  return { ...(region !== undefined ? { region } : {}), ...(endpointUrl !== undefined ? { endpointUrl } : {}), quietSdk: true };
}

function selection(ctx: CommandContext<SelectFlags>): Selection {
  return {
    functions: ctx.args,
    ...(ctx.flags['functions-regex'] !== undefined ? { functionsRegex: ctx.flags['functions-regex'] } : {}),
    ...(ctx.flags.all ? { all: true } : {}),
    regions: ctx.flags.region,
  };
}

/** The run options of a command over many functions: one line per function as it finishes, progress on a TTY. */
function fleet(ctx: CommandContext<SelectFlags & { json: boolean }>, verb: string): FleetOptions {
  const { region: _r, ...one } = aws(ctx);
  void _r;
  return {
    ...one,
    ...(ctx.flags.concurrency !== undefined ? { concurrency: ctx.flags.concurrency } : {}),
    signal: ctx.signal,
    onResult: (r, p) => {
      if (ctx.json) return;
      if (ctx.progress) ctx.stderr.write('\r\x1b[K');
      ctx.stdout.write(`${verb} ${shortName(r)} (${r.region}): ${outcome(r)}\n`);
      if (ctx.progress) ctx.stderr.write(`${p.done}/${p.total} done, ${p.refused} refused, ${p.failed} failed`);
    },
  };
}

function shortName(r: FleetResult): string {
  return String(r.function).replace(/^arn:[^:]+:lambda:[^:]+:\d+:function:/, '');
}

function outcome(r: FleetResult): string {
  if (r.refusal) return `refused ${r.refusal.code}: ${r.refusal.message}`;
  if (r.error) return `failed ${r.error.code}: ${r.error.message}`;
  if (Array.isArray(r.problems)) return r.problems.length ? `problems ${(r.problems as { code: string }[]).map((p) => p.code).join(', ')}` : 'ok';
  return r.applied ? 'changed' : 'unchanged';
}

/** Prints a fleet report (the JSON of docs/lambda.md, or the table) and returns its exit code. */
function printFleet(ctx: CommandContext<{ json: boolean }>, report: FleetReport, dryRun = false): number {
  if (ctx.progress && !ctx.json) ctx.stderr.write('\r\x1b[K');
  if (ctx.json) {
    printJson(ctx, {
      ok: report.ok,
      results: report.results,
      summary: report.summary,
      ...(report.interrupted ? { interrupted: true, notStarted: report.notStarted.map((t) => t.arn ?? t.functionName) } : {}),
    });
  } else {
    ctx.stdout.write(`\n${dryRun ? '(dry run, nothing changed)\n' : ''}${fleetTable(report)}`);
  }
  return fleetExitCode(report);
}

function printChange(ctx: CommandContext<unknown>, r: LambdaChangeResult, verb: string, dryRun: boolean): void {
  const out: string[] = [];
  const bold = (s: string) => (ctx.color ? `\x1b[1m${s}\x1b[0m` : s);
  out.push(bold(`${dryRun ? `${verb} (dry run, nothing changed)` : r.applied ? verb : `${verb} (nothing to change)`}: ${r.function}`));
  if (r.published) out.push(`published ${r.published.layerVersionArn} (${r.published.arch}; ${r.published.runtimes.join(', ')})`);
  out.push('layers before:');
  out.push(...(r.layersBefore.length ? r.layersBefore.map((a) => `  ${a}`) : ['  (none)']));
  out.push('layers after:');
  out.push(...(r.layersAfter.length ? r.layersAfter.map((a) => `  ${r.layersBefore.includes(a) ? ' ' : '+'} ${a}`) : ['  (none)']));
  const added = Object.entries(r.variablesAdded);
  const changed = Object.entries(r.variablesChanged);
  out.push('variables:');
  if (!added.length && !changed.length && !r.variablesRemoved.length) out.push('  (no change)');
  for (const [k, v] of added) out.push(`  + ${k}=${v}`);
  for (const [k, v] of changed) out.push(`  ~ ${k}=${v.to} (was ${v.from})`);
  for (const k of r.variablesRemoved) out.push(`  - ${k}`);
  ctx.stdout.write(out.join('\n') + '\n');
  for (const w of r.warnings) ctx.stderr.write(`warning ${w.code}: ${w.message}\n`);
}

function printStatus(ctx: CommandContext<unknown>, s: FunctionStatus): void {
  const out: string[] = [];
  out.push(`${s.function}: ${s.instrumented ? 'instrumented' : 'not instrumented'} (${s.runtime ?? 'no runtime'}, ${s.architecture})`);
  if (s.layer) out.push(`profiler layer: ${s.layer.layerVersionArn} (version ${s.layer.version}, position ${s.layer.position + 1} of ${s.layers.length}; ${s.layer.architectures.join(', ') || 'any arch'}; ${s.layer.runtimes.join(', ') || 'any runtime'})`);
  out.push(`record: ${s.recorded ? `yes (sets ${Object.keys(s.record!.set).join(', ') || 'nothing'}${Object.keys(s.record!.was).length ? `; replaced ${Object.keys(s.record!.was).join(', ')}` : ''})` : 'none'}`);
  if (s.lastUpdateStatus) out.push(`last update: ${s.lastUpdateStatus}`);
  for (const p of s.problems) out.push(`problem ${p.code}: ${p.message}`);
  ctx.stdout.write(out.join('\n') + '\n');
}

/** The commands of `net-profiler lambda …`, in the order its help lists them. */
export const commands = [
  defineCommand('lambda', {
    name: 'publish',
    args: [{ name: 'ZIP' }],
    summary: 'publish a layer version (runtimes and architecture from the layer\'s manifest), in one region or several',
    example: 'net-profiler lambda publish profiler-lambda-layer-1.4.0-linux-arm64.zip --layer-name net-profiler --region eu-central-1',
    flags: {
      'layer-name': { type: 'string', value: 'NAME', required: true, description: 'the layer\'s name' },
      's3-bucket': { type: 'string', value: 'B', description: 'bucket for ZIPs above the 50 MB direct-upload limit ({region} stands for the region)' },
      ...awsFlags,
      ...jsonFlag,
    },
    run: async (ctx) => {
      const layerName = ctx.flags['layer-name'];
      const s3Bucket = ctx.flags['s3-bucket'];
      if (ctx.flags.region.length > 1) {
        const { region: _r, ...one } = aws(ctx);
        void _r;
        const r = await publishToRegions({ ...one, zip: ctx.args[0]!, layerName, regions: ctx.flags.region, ...(s3Bucket !== undefined ? { s3Bucket } : {}) });
        if (ctx.flags.json) printJson(ctx, r);
        else for (const x of r.results) ctx.stdout.write(x.ok ? `published ${x.layerVersionArn} (${x.region})\n` : `failed ${x.region}: ${x.error!.code}: ${x.error!.message}\n`);
        return r.ok ? Exit.ok : Exit.outside;
      }
      const progress = progressLine(ctx, 'publishing');
      const r = await publishLayer({
        ...aws(ctx),
        zip: ctx.args[0]!,
        layerName,
        ...(s3Bucket !== undefined ? { s3Bucket } : {}),
        onProgress: (done, total) => progress.update(done, total),
      });
      progress.done();
      if (ctx.flags.json) printJson(ctx, { ok: true, layerVersionArn: r.layerVersionArn, version: r.version, arch: r.arch, runtimes: r.runtimes });
      else ctx.stdout.write(`published ${r.layerVersionArn} (${r.arch}; ${r.runtimes.join(', ')}; via ${r.uploadedVia === 's3' ? `s3://${r.s3!.bucket}/${r.s3!.key}` : 'direct upload'})\n`);
      return Exit.ok;
    },
  }),
  defineCommand('lambda', {
    name: 'instrument',
    args: FUNCTIONS,
    summary: 'attach the layer and merge the variables (one function or many), or print the plan',
    example: 'net-profiler lambda instrument lambda-profiler-demo --layer-arn arn:aws:lambda:eu-central-1:123456789012:layer:net-profiler:3 --dry-run',
    flags: {
      'layer-arn': { type: 'string', value: 'ARN', description: 'a published layer version' },
      zip: { type: 'string', value: 'ZIP', description: 'a layer ZIP to publish first (with --layer-name), once per region' },
      'layer-name': { type: 'string', value: 'NAME', description: 'the name to publish --zip under; alone: the newest version of NAME for each function\'s architecture' },
      'layer-version': { type: 'integer', value: 'N', description: 'with --layer-name alone: this version instead of the newest' },
      's3-bucket': { type: 'string', value: 'B', description: 'bucket for a --zip above the 50 MB direct-upload limit ({region} stands for the region)' },
      'dry-run': { type: 'boolean', description: 'print the plan (layers before/after, variables added/changed) and change nothing' },
      force: { type: 'boolean', description: 'replace another AWS_LAMBDA_EXEC_WRAPPER (uninstrument gives it back)' },
      ...fleetFlags,
    },
    exclusive: [['layer-arn', 'zip']],
    interruptible: true,
    run: async (ctx) => {
      const f = ctx.flags;
      const one = {
        ...(f['layer-arn'] !== undefined ? { layerArn: f['layer-arn'] } : {}),
        ...(f.zip !== undefined ? { zip: f.zip } : {}),
        ...(f['layer-name'] !== undefined ? { layerName: f['layer-name'] } : {}),
        ...(f['layer-version'] !== undefined ? { layerVersion: f['layer-version'] } : {}),
        ...(f['s3-bucket'] !== undefined ? { s3Bucket: f['s3-bucket'] } : {}),
        dryRun: f['dry-run'],
        force: f.force,
        showSecrets: f['show-secrets'],
      };
      const sel = selection(ctx);
      if (!isSingle(sel)) return printFleet(ctx, await instrumentFunctions({ ...fleet(ctx, 'instrument'), ...one, selection: sel }), f['dry-run']);
      const progress = progressLine(ctx, 'publishing');
      const r = await instrumentFunction({ ...aws(ctx), ...one, functionName: ctx.args[0]!, onProgress: (done, total) => progress.update(done, total) });
      progress.done();
      if (ctx.flags.json) {
        const { published: _p, ...doc } = r;
        void _p;
        printJson(ctx, doc);
      } else printChange(ctx, r, 'instrument', f['dry-run']);
      return Exit.ok;
    },
  }),
  defineCommand('lambda', {
    name: 'uninstrument',
    args: FUNCTIONS,
    summary: 'take out the layer and exactly the variables instrument added (one function or many)',
    example: 'net-profiler lambda uninstrument lambda-profiler-demo --region eu-central-1',
    flags: { ...dryRunFlag, ...fleetFlags },
    interruptible: true,
    run: async (ctx) => {
      const one = { dryRun: ctx.flags['dry-run'], showSecrets: ctx.flags['show-secrets'] };
      const sel = selection(ctx);
      if (!isSingle(sel)) return printFleet(ctx, await uninstrumentFunctions({ ...fleet(ctx, 'uninstrument'), ...one, selection: sel }), one.dryRun);
      const r = await uninstrumentFunction({ ...aws(ctx), ...one, functionName: ctx.args[0]! });
      if (ctx.flags.json) printJson(ctx, r);
      else printChange(ctx, r, 'uninstrument', one.dryRun);
      return Exit.ok;
    },
  }),
  defineCommand('lambda', {
    name: 'status',
    args: FUNCTIONS,
    summary: 'instrumented or not, which layer version, what is missing or mismatched (exit 1 when something is)',
    example: 'net-profiler lambda status lambda-profiler-demo --json',
    flags: fleetFlags,
    interruptible: true,
    run: async (ctx) => {
      const sel = selection(ctx);
      if (!isSingle(sel)) return printFleet(ctx, await functionStatuses({ ...fleet(ctx, 'status'), showSecrets: ctx.flags['show-secrets'], selection: sel }));
      const s = await functionStatus({ ...aws(ctx), functionName: ctx.args[0]!, showSecrets: ctx.flags['show-secrets'] });
      if (ctx.flags.json) printJson(ctx, s);
      else printStatus(ctx, s);
      return s.problems.length > 0 ? Exit.failed : Exit.ok;
    },
  }),
  defineCommand('lambda', {
    name: 'upgrade',
    args: FUNCTIONS,
    summary: 'move every instrumented function of the selection to the newest version of the layer for its architecture',
    example: 'net-profiler lambda upgrade --all --layer-name net-profiler --region eu-central-1 --region us-east-1 --dry-run',
    flags: {
      'layer-name': { type: 'string', value: 'NAME', required: true, description: 'the layer whose newest version the functions get' },
      ...dryRunFlag,
      ...fleetFlags,
    },
    interruptible: true,
    run: async (ctx) => {
      const report = await upgradeFunctions({ ...fleet(ctx, 'upgrade'), layerName: ctx.flags['layer-name'], dryRun: ctx.flags['dry-run'], showSecrets: ctx.flags['show-secrets'], selection: selection(ctx) });
      return printFleet(ctx, report, ctx.flags['dry-run']);
    },
  }),
  defineCommand('lambda', {
    name: 'list',
    args: [],
    summary: 'every function of the regions: runtime, architecture, instrumented, layer version and the newest one, record intact',
    example: 'net-profiler lambda list --region eu-central-1 --region us-east-1',
    flags: { concurrency: selectFlags.concurrency, ...awsFlags, ...jsonFlag },
    run: async (ctx) => {
      const { region: _r, ...one } = aws(ctx);
      void _r;
      const r = await listFunctions({ ...one, regions: ctx.flags.region, ...(ctx.flags.concurrency !== undefined ? { concurrency: ctx.flags.concurrency } : {}) });
      if (ctx.flags.json) printJson(ctx, { functions: r.functions, ...(r.unreadable.length ? { unreadable: r.unreadable } : {}) });
      else {
        ctx.stdout.write(listTable(r.functions));
        for (const u of r.unreadable) ctx.stderr.write(`net-profiler: could not read ${u.function} (${u.region}): ${u.error.code}: ${u.error.message}\n`);
      }
      return r.unreadable.length ? Exit.outside : Exit.ok;
    },
  }),
];
