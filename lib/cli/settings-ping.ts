/**
 * `settings ping` (docs/local.md): one empty export to the endpoint of a settings
 * file. Exported as a command spec for the `settings` group.
 * @packageDocumentation
 */
import { defineCommand, Exit, formatFindings, jsonFlag, printJson } from './framework';

/** `net-profiler settings ping`. */
export const settingsPingCommand = defineCommand('settings', {
  name: 'ping',
  summary: 'send one empty export to the endpoint of a settings file: reachable, accepted, or why not',
  example: 'net-profiler settings ping settings.yaml --dotenv .env',
  args: [{ name: 'FILE' }],
  flags: {
    dotenv: { type: 'string', value: 'F', description: 'NAME=value file for the ${env:…} references' },
    'timeout-ms': { type: 'integer', value: 'N', description: 'how long to wait for the answer (default Connection.TimeoutMs)' },
    ...jsonFlag,
  },
  async run(ctx) {
    const file = ctx.args[0]!;
    // the client loads only when this command runs
    const { pingSettings } = await import('../send');
    const r = await pingSettings(file, {
      ...(ctx.flags.dotenv !== undefined ? { dotenv: ctx.flags.dotenv } : {}),
      ...(ctx.flags['timeout-ms'] !== undefined ? { timeoutMs: ctx.flags['timeout-ms'] } : {}),
    });
    const code = r.outcome === 'accepted' ? Exit.ok : r.outcome === 'rejected' ? Exit.failed : Exit.outside;
    if (ctx.flags.json) {
      printJson(ctx, { ok: r.ok, endpoint: r.endpoint, status: r.status, ms: r.ms, message: r.message, ...(r.diagnostics ? { diagnostics: r.diagnostics } : {}) });
      return code;
    }
    if (r.diagnostics) ctx.stdout.write(formatFindings(file, r.diagnostics, ctx.color));
    const status = r.status !== null ? `HTTP ${r.status}` : 'no HTTP status';
    ctx.stdout.write(`${r.endpoint ?? file}: ${r.ok ? 'ok' : 'failed'} (${status}, ${r.ms} ms): ${r.message}\n`);
    return code;
  },
});
