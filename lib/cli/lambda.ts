/**
 * The `lambda` command group (docs/lambda.md): publish, instrument, uninstrument, status.
 * Each command is a thin shell over `net-profiler/lambda`.
 * @packageDocumentation
 */
import {
  functionStatus,
  instrumentFunction,
  LambdaChangeResult,
  publishLayer,
  uninstrumentFunction,
  type AwsOptions,
  type FunctionStatus,
} from '../lambda';
import { CommandContext, defineCommand, Exit, FlagSpec, jsonFlag, printJson, progressLine } from './framework';

const awsFlags = {
  region: { type: 'string', value: 'R', description: 'AWS region (default: AWS_REGION / the profile)' },
  'endpoint-url': { type: 'string', value: 'URL', description: 'Lambda endpoint, http:// or https:// (default: AWS_ENDPOINT_URL_LAMBDA / AWS_ENDPOINT_URL / AWS)' },
} as const satisfies Record<string, FlagSpec>;

const secretsFlag = {
  'show-secrets': { type: 'boolean', description: 'show secret-looking values of the function\'s environment (masked by default)' },
} as const satisfies Record<string, FlagSpec>;

type AwsFlags = { region: string | undefined; 'endpoint-url': string | undefined };

/** The AWS options of the flags: the SDK checks them (a bad value is a usage error naming the flag). */
function aws(ctx: CommandContext<AwsFlags>): AwsOptions {
  const region = ctx.flags.region;
  const endpointUrl = ctx.flags['endpoint-url'];
  return { ...(region !== undefined ? { region } : {}), ...(endpointUrl !== undefined ? { endpointUrl } : {}), quietSdk: true };
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
      summary: 'publish a layer version (runtimes and architecture from the layer\'s manifest)',
      example: 'net-profiler lambda publish profiler-lambda-layer-1.4.0-linux-arm64.zip --layer-name net-profiler --region eu-central-1',
      flags: {
        'layer-name': { type: 'string', value: 'NAME', required: true, description: 'the layer\'s name' },
        's3-bucket': { type: 'string', value: 'B', description: 'bucket for ZIPs above the 50 MB direct-upload limit' },
        ...awsFlags,
        ...jsonFlag,
      },
      run: async (ctx) => {
          const layerName = ctx.flags['layer-name'];
          const s3Bucket = ctx.flags['s3-bucket'];
          const progress = progressLine(ctx, 'publishing');
          const r = await publishLayer({
            ...aws(ctx),
            zip: ctx.args[0]!,
            layerName,
            ...(s3Bucket ? { s3Bucket } : {}),
            onProgress: (done, total) => progress.update(done, total),
          });
          progress.done();
          if (ctx.flags.json) {
            printJson(ctx, { ok: true, layerVersionArn: r.layerVersionArn, version: r.version, arch: r.arch, runtimes: r.runtimes });
          } else {
            ctx.stdout.write(`published ${r.layerVersionArn} (${r.arch}; ${r.runtimes.join(', ')}; via ${r.uploadedVia === 's3' ? `s3://${r.s3!.bucket}/${r.s3!.key}` : 'direct upload'})\n`);
          }
          return Exit.ok;
        },
    }),
    defineCommand('lambda', {
      name: 'instrument',
      args: [{ name: 'FUNCTION' }],
      summary: 'attach the layer and merge the variables, or print the plan',
      example: 'net-profiler lambda instrument lambda-profiler-demo --layer-arn arn:aws:lambda:eu-central-1:123456789012:layer:net-profiler:3 --dry-run',
      flags: {
        'layer-arn': { type: 'string', value: 'ARN', description: 'a published layer version' },
        zip: { type: 'string', value: 'ZIP', description: 'a layer ZIP to publish first (with --layer-name)' },
        'layer-name': { type: 'string', value: 'NAME', description: 'the name to publish --zip under' },
        's3-bucket': { type: 'string', value: 'B', description: 'bucket for a --zip above the 50 MB direct-upload limit' },
        'dry-run': { type: 'boolean', description: 'print the plan (layers before/after, variables added/changed) and change nothing' },
        force: { type: 'boolean', description: 'replace another AWS_LAMBDA_EXEC_WRAPPER (uninstrument gives it back)' },
        ...secretsFlag,
        ...awsFlags,
        ...jsonFlag,
      },
      exclusive: [['layer-arn', 'zip']],
      run: async (ctx) => {
          const layerArn = ctx.flags['layer-arn'];
          const zip = ctx.flags.zip;
          const layerName = ctx.flags['layer-name'];
          const s3Bucket = ctx.flags['s3-bucket'];
          const progress = progressLine(ctx, 'publishing');
          const r = await instrumentFunction({
            ...aws(ctx),
            onProgress: (done, total) => progress.update(done, total),
            functionName: ctx.args[0]!,
            ...(layerArn !== undefined ? { layerArn } : {}),
            ...(zip !== undefined ? { zip } : {}),
            ...(layerName !== undefined ? { layerName } : {}),
            ...(s3Bucket !== undefined ? { s3Bucket } : {}),
            dryRun: ctx.flags['dry-run'],
            force: ctx.flags.force,
            showSecrets: ctx.flags['show-secrets'],
          });
          progress.done();
          if (ctx.flags.json) {
            const { published: _p, ...doc } = r;
            void _p;
            printJson(ctx, doc);
          } else printChange(ctx, r, 'instrument', ctx.flags['dry-run']);
          return Exit.ok;
        },
    }),
    defineCommand('lambda', {
      name: 'uninstrument',
      args: [{ name: 'FUNCTION' }],
      summary: 'take out the layer and exactly the variables instrument added',
      example: 'net-profiler lambda uninstrument lambda-profiler-demo --region eu-central-1',
      flags: {
        'dry-run': { type: 'boolean', description: 'print the plan and change nothing' },
        ...secretsFlag,
        ...awsFlags,
        ...jsonFlag,
      },
      run: async (ctx) => {
          const r = await uninstrumentFunction({ ...aws(ctx), functionName: ctx.args[0]!, dryRun: ctx.flags['dry-run'], showSecrets: ctx.flags['show-secrets'] });
          if (ctx.flags.json) printJson(ctx, r);
          else printChange(ctx, r, 'uninstrument', ctx.flags['dry-run']);
          return Exit.ok;
        },
    }),
    defineCommand('lambda', {
      name: 'status',
      args: [{ name: 'FUNCTION' }],
      summary: 'instrumented or not, which layer version, what is missing or mismatched (exit 1 when something is)',
      example: 'net-profiler lambda status lambda-profiler-demo --json',
      flags: { ...secretsFlag, ...awsFlags, ...jsonFlag },
      run: async (ctx) => {
          const s = await functionStatus({ ...aws(ctx), functionName: ctx.args[0]!, showSecrets: ctx.flags['show-secrets'] });
          if (ctx.flags.json) printJson(ctx, s);
          else printStatus(ctx, s);
          return s.problems.length > 0 ? Exit.failed : Exit.ok;
        },
    }),
];
