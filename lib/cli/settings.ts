/**
 * The `settings` command group (`cli.md`): check, show, set, init.
 * @packageDocumentation
 */
import * as fs from 'fs';
import { NetProfilerError, fileError } from '../errors';
import {
  checkSettings,
  editSettings,
  effectiveSettings,
  initSettings,
  initSettingsFile,
  parseEnvFile,
  parseSettings,
  parseValueFor,
  resolveSettings,
  Runtime,
  RUNTIMES,
  Settings,
  SettingsDiagnostic,
  SettingsEdit,
  SettingsError,
  writeFileAtomic,
} from '../settings';
import { CommandContext, defineCommand, Exit, formatFindings, jsonFlag, printJson, UsageError } from './framework';

async function readFile(file: string): Promise<Buffer> {
  try {
    return await fs.promises.readFile(file);
  } catch (err) {
    throw fileError(err, file);
  }
}

function summary(diags: SettingsDiagnostic[]): string {
  const e = diags.filter((d) => d.severity === 'error').length;
  const w = diags.length - e;
  return `${e} error${e === 1 ? '' : 's'}, ${w} warning${w === 1 ? '' : 's'}`;
}

function printFindings(ctx: CommandContext<unknown>, file: string, diags: SettingsDiagnostic[]): void {
  ctx.stdout.write(formatFindings(file, diags, ctx.color));
}

const check = defineCommand('settings', {
  name: 'check',
  summary: 'report every finding of a settings.yaml at once (exit 1 when there is an error)',
  example: 'net-profiler settings check settings.yaml --runtime dotnet8 --for-layer',
  args: [{ name: 'FILE' }],
  flags: {
    runtime: { type: 'string', multiple: true, commaList: true, value: 'R', choices: RUNTIMES, description: 'target runtime (enables runtime checks)' },
    'for-layer': { type: 'boolean', description: 'the file goes into a Lambda layer (warns about literal tokens)' },
    ...jsonFlag,
  },
  async run(ctx) {
    const file = ctx.args[0] as string;
    const runtimes: Runtime[] = ctx.flags.runtime;
    const bytes = await readFile(file);
    const result = checkSettings(bytes, { file, runtimes: runtimes as Runtime[], forLayer: ctx.flags['for-layer'] === true });
    if (ctx.flags.json) {
      printJson(ctx, { file, ok: result.ok, diagnostics: result.diagnostics });
    } else {
      printFindings(ctx, file, result.diagnostics);
      ctx.stderr.write(`${file}: ${result.ok ? 'ok' : 'failed'} (${summary(result.diagnostics)})\n`);
    }
    return result.ok ? Exit.ok : Exit.failed;
  },
});

/** Flattens effective settings into aligned `Key.Path  value  (default)` lines. */
function showLines(settings: Settings, explicit: (p: string) => boolean): string {
  const rows: [string, string, string][] = [];
  const walk = (v: unknown, prefix: string): void => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && !(prefix === 'Connection.Headers')) {
      for (const [k, child] of Object.entries(v as Record<string, unknown>)) walk(child, prefix ? `${prefix}.${k}` : k);
      return;
    }
    rows.push([prefix, JSON.stringify(v), explicit(prefix) ? '' : '(default)']);
  };
  walk(settings, '');
  const w = Math.max(...rows.map((r) => r[0].length));
  const vw = Math.max(...rows.map((r) => r[1].length));
  return rows.map(([k, v, d]) => `${k.padEnd(w)}  ${d ? v.padEnd(vw) + '  ' + d : v}`.trimEnd()).join('\n') + '\n';
}

const show = defineCommand('settings', {
  name: 'show',
  args: [{ name: 'FILE' }],
  summary: 'print the effective settings: the file values plus every default',
  example: 'net-profiler settings show settings.yaml --resolve --env-file .env --json',
  flags: {
    resolve: { type: 'boolean', description: 'replace ${env:NAME} values from the environment (or --env-file)' },
    'env-file': { type: 'string', value: 'F', description: 'NAME=value file to resolve from instead of the environment (implies --resolve)' },
    ...jsonFlag,
  },
  async run(ctx) {
    const file = ctx.args[0] as string;
    const bytes = await readFile(file);
    let settings: Settings;
    try {
      settings = effectiveSettings(bytes, { file });
    } catch (err) {
      if (err instanceof SettingsError) {
        if (ctx.flags.json) printJson(ctx, { file, ok: false, diagnostics: err.diagnostics });
        else {
          printFindings(ctx, file, err.diagnostics);
          ctx.stderr.write(`${file}: failed (${summary(err.diagnostics)})\n`);
        }
        return Exit.failed;
      }
      throw err;
    }
    const envFile = ctx.flags['env-file'];
    if (ctx.flags.resolve || envFile !== undefined) {
      let env: Record<string, string | undefined> = ctx.env;
      if (envFile !== undefined) {
        let text: string;
        try {
          text = await fs.promises.readFile(envFile, 'utf8');
        } catch (err) {
          throw fileError(err, envFile);
        }
        env = parseEnvFile(text, envFile);
      }
      settings = resolveSettings(settings, env);
    }
    if (ctx.flags.json) {
      printJson(ctx, settings);
    } else {
      const value = parseSettings(bytes, file);
      const present = (p: string): boolean => {
        let cur: unknown = value;
        for (const part of p.split('.')) {
          if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, part)) return false;
          cur = (cur as Record<string, unknown>)[part];
        }
        return cur !== null;
      };
      ctx.stdout.write(showLines(settings, present));
    }
    return Exit.ok;
  },
});

const set = defineCommand('settings', {
  name: 'set',
  args: [{ name: 'FILE' }, { name: 'KEY=VALUE', variadic: true }],
  summary: 'edit keys in place, keeping comments and layout; refuses (file untouched) when the result would not check',
  example: 'net-profiler settings set settings.yaml Connection.EndpointUrl=https://abc12345.live.dynatrace.com/api/v2/otlp Monitoring.Metrics.Enabled=true',
  flags: { ...jsonFlag },
  async run(ctx) {
    const [file, ...assignments] = ctx.args as [string, ...string[]];
    const edits: SettingsEdit[] = assignments.map((a) => {
      const eq = a.indexOf('=');
      if (eq <= 0) throw new UsageError(`${JSON.stringify(a.slice(0, 40))} is not KEY=VALUE`, 'KEY=VALUE');
      const key = a.slice(0, eq);
      const raw = a.slice(eq + 1);
      return { path: key, value: raw === '' ? undefined : parseValueFor(key, raw) };
    });
    const bytes = await readFile(file);
    let mode = 0o644;
    try {
      mode = (await fs.promises.stat(file)).mode & 0o7777;
    } catch {
      /* read above succeeded; keep the default mode */
    }
    try {
      const result = editSettings(bytes, edits, { file });
      await writeFileAtomic(file, result.text, mode);
      if (ctx.flags.json) {
        printJson(ctx, { file, ok: true, changed: edits.map((e) => e.path), diagnostics: result.check.diagnostics });
      } else {
        printFindings(ctx, file, result.check.diagnostics);
        ctx.stderr.write(`${file}: set ${edits.map((e) => e.path).join(', ')}\n`);
      }
      return Exit.ok;
    } catch (err) {
      if (err instanceof SettingsError) {
        if (ctx.flags.json) printJson(ctx, { file, ok: false, diagnostics: err.diagnostics });
        else {
          printFindings(ctx, file, err.diagnostics);
          ctx.stderr.write(`${file}: refused, nothing changed: the result would not check (${summary(err.diagnostics)})\n`);
        }
        return Exit.failed;
      }
      if (err instanceof NetProfilerError && err.code === 'unknown-key') throw new UsageError(`${err.message}${err.fix ? `; ${err.fix}` : ''}`, 'KEY=VALUE');
      throw err;
    }
  },
});

const init = defineCommand('settings', {
  name: 'init',
  args: [],
  summary: 'write a commented starting settings.yaml (to stdout, or to FILE)',
  example: 'net-profiler settings init --provider dynatrace --type awslambda -o settings.yaml',
  flags: {
    provider: { type: 'string', value: 'P', description: 'dynatrace or otlp (default otlp)' },
    type: { type: 'string', value: 'T', description: 'awslambda or application (default awslambda)' },
    out: { type: 'string', short: 'o', value: 'FILE', description: 'write to FILE instead of stdout (refuses to overwrite without --force)' },
    force: { type: 'boolean', description: 'overwrite FILE if it exists' },
  },
  async run(ctx) {
    const provider = ctx.flags.provider ?? 'otlp';
    const type = ctx.flags.type ?? 'awslambda';
    if (provider !== 'dynatrace' && provider !== 'otlp') throw new UsageError(`unknown provider ${JSON.stringify(provider.slice(0, 40))} (expected dynatrace or otlp)`, 'provider');
    if (type !== 'awslambda' && type !== 'application') {
      throw new UsageError(
        type === 'azurefunctions' ? 'type azurefunctions is not supported yet' : `unknown type ${JSON.stringify(type.slice(0, 40))} (expected awslambda or application)`,
        'type',
      );
    }
    const out = ctx.flags.out;
    if (out === undefined) {
      ctx.stdout.write(initSettings({ provider, type }));
      return Exit.ok;
    }
    await initSettingsFile(out, { provider, type, overwrite: ctx.flags.force === true });
    ctx.stderr.write(`wrote ${out}${provider === 'dynatrace' ? ' (replace <environment-id> in EndpointUrl, then run `net-profiler settings check`)' : ''}\n`);
    return Exit.ok;
  },
});

/** The commands of `net-profiler settings …`, in the order its help lists them. */
export const commands = [check, show, set, init];
