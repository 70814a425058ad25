/**
 * The `settings` command group (docs/settings.md, "Command line"): check, show, set,
 * init. Every command reads and writes through `net-profiler/settings`; the values are
 * validated there. Only `set` loads the `yaml` package (through the SDK's edit module).
 * @packageDocumentation
 */
import { RUNTIMES } from '../constants';
import {
  checkSettingsFile,
  effectiveSettings,
  explicitKeys,
  initSettings,
  initSettingsFile,
  maskSettings,
  parseAssignments,
  ProfiledType,
  Provider,
  readDotenvFile,
  readSettingsFile,
  resolveSettings,
  setSettingsFile,
  Settings,
  SettingsDiagnostic,
  SettingsError,
} from '../settings';
import { CommandContext, defineCommand, Exit, formatFindings, jsonFlag, plural, printJsonOr } from './framework';
import { settingsPingCommand } from './settings-ping';

function summary(diags: readonly SettingsDiagnostic[]): string {
  const e = diags.filter((d) => d.severity === 'error').length;
  return `${plural(e, 'error')}, ${plural(diags.length - e, 'warning')}`;
}

/**
 * The outcome of a checked file: under `--json` `{file, ok, …extra, diagnostics}`, else
 * the findings on stdout and `FILE: line` on stderr.
 */
function printChecked(ctx: CommandContext<{ json: boolean }>, file: string, ok: boolean, diags: readonly SettingsDiagnostic[], line: string, extra: object = {}): void {
  printJsonOr(ctx, { file, ok, ...extra, diagnostics: diags }, () => {
    ctx.stdout.write(formatFindings(file, diags, ctx.color));
    ctx.stderr.write(`${file}: ${line}\n`);
  });
}

/** A file with errors: the `check` document (`--json`) or the findings, and exit 1. */
function failedCheck(ctx: CommandContext<{ json: boolean }>, file: string, diags: SettingsDiagnostic[], why: string): number {
  printChecked(ctx, file, false, diags, `${why} (${summary(diags)})`);
  return Exit.failed;
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
    const result = await checkSettingsFile(file, { runtimes: ctx.flags.runtime, forLayer: ctx.flags['for-layer'] });
    printChecked(ctx, file, result.ok, result.diagnostics, `${result.ok ? 'ok' : 'failed'} (${summary(result.diagnostics)})`);
    return result.ok ? Exit.ok : Exit.failed;
  },
});

/** Flattens effective settings into aligned `Key.Path  value  (default)` lines. */
function showLines(settings: Settings, explicit: ReadonlySet<string>): string {
  const rows: [string, string, string][] = [];
  const walk = (v: unknown, prefix: string): void => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && prefix !== 'Connection.Headers') {
      for (const [k, child] of Object.entries(v as Record<string, unknown>)) walk(child, prefix ? `${prefix}.${k}` : k);
      return;
    }
    rows.push([prefix, JSON.stringify(v), explicit.has(prefix) ? '' : '(default)']);
  };
  walk(settings, '');
  const w = Math.max(...rows.map((r) => r[0].length));
  const vw = Math.max(...rows.map((r) => r[1].length));
  return rows.map(([k, v, d]) => `${k.padEnd(w)}  ${d ? v.padEnd(vw) + '  ' + d : v}`.trimEnd()).join('\n') + '\n';
}

const show = defineCommand('settings', {
  name: 'show',
  args: [{ name: 'FILE' }],
  summary: 'print the effective settings: the file values plus every default (secrets masked)',
  example: 'net-profiler settings show settings.yaml --resolve --dotenv .env --json',
  flags: {
    resolve: { type: 'boolean', description: 'replace ${env:NAME} values from the environment (or --dotenv)' },
    dotenv: { type: 'string', value: 'F', description: 'NAME=value file to resolve from instead of the environment (implies --resolve)' },
    'show-secrets': { type: 'boolean', description: 'print tokens and secret-looking header values in clear' },
    ...jsonFlag,
  },
  async run(ctx) {
    const file = ctx.args[0] as string;
    const bytes = await readSettingsFile(file);
    let settings: Settings;
    try {
      settings = effectiveSettings(bytes, { file });
    } catch (err) {
      if (err instanceof SettingsError) return failedCheck(ctx, file, err.diagnostics, 'failed');
      throw err;
    }
    const dotenv = ctx.flags.dotenv;
    if (ctx.flags.resolve || dotenv !== undefined) {
      settings = resolveSettings(settings, dotenv !== undefined ? await readDotenvFile(dotenv) : ctx.env);
    }
    settings = maskSettings(settings, ctx.flags['show-secrets']);
    printJsonOr(ctx, settings, () => ctx.stdout.write(showLines(settings, explicitKeys(bytes, file))));
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
    const edits = parseAssignments(assignments);
    try {
      const result = await setSettingsFile(file, edits);
      const changed = edits.map((e) => e.path);
      printChecked(ctx, file, true, result.check.diagnostics, `set ${changed.join(', ')}`, { changed });
      return Exit.ok;
    } catch (err) {
      if (err instanceof SettingsError) return failedCheck(ctx, file, err.diagnostics, 'refused, nothing changed: the result would not check');
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
    // The SDK validates the values (a bad one is `bad-argument`: exit 2 with the usage line).
    const options = { provider: ctx.flags.provider as Provider | undefined, type: ctx.flags.type as ProfiledType | undefined };
    const out = ctx.flags.out;
    if (out === undefined) {
      ctx.stdout.write(initSettings(options));
      return Exit.ok;
    }
    await initSettingsFile(out, { ...options, overwrite: ctx.flags.force });
    const dynatrace = (options.provider ?? 'otlp') === 'dynatrace';
    ctx.stderr.write(`wrote ${out}${dynatrace ? ' (replace <environment-id> in EndpointUrl, then run `net-profiler settings check`)' : ''}\n`);
    return Exit.ok;
  },
});

/** The commands of `net-profiler settings …`, in the order its help lists them. */
export const commands = [check, show, set, init, settingsPingCommand];
