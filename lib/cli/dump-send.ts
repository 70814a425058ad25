/**
 * `dump send` (docs/local.md): replays a dump to an OTLP endpoint. Exported as a
 * command spec for the `dump` group.
 * @packageDocumentation
 */
import { defineCommand, Exit, jsonFlag, plural, printJson } from './framework';
import { badArgument } from '../errors';
import { dumpInputFlags, fileArg } from './dump-flags';
import type { SendResult } from '../send';

function parseHeaders(list: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of list) {
    const i = h.indexOf('=');
    if (i <= 0) throw badArgument('header', `--header takes NAME=VALUE, not ${JSON.stringify(h.slice(0, 40))}`);
    out[h.slice(0, i).trim()] = h.slice(i + 1);
  }
  return out;
}

function counts(c: SendResult['accepted']): string {
  return `${c.spans} spans, ${c.metricPoints} metric points, ${c.logRecords} log records`;
}

const total = (c: SendResult['accepted']) => c.spans + c.metricPoints + c.logRecords;

/** 1 when the endpoint refused anything (4xx, partial success); else 3 (never reached, or kept answering a retryable status). */
function exitOf(r: SendResult): number {
  const refused = total(r.rejected) > 0 || r.errors.some((e) => e.message.startsWith('partial success')) || total(r.unsent) === 0;
  return refused ? Exit.failed : Exit.outside;
}

/** `net-profiler dump send`. */
export const dumpSendCommand = defineCommand('dump', {
  name: 'send',
  summary: 'replay a dump to an OTLP endpoint (a Collector, Dynatrace, another receive)',
  example: 'net-profiler dump send local.nptb --settings settings.yaml',
  args: fileArg,
  flags: {
    endpoint: { type: 'string', value: 'URL', description: 'OTLP base URL (/v1/traces, /v1/metrics, /v1/logs are appended)' },
    settings: { type: 'string', value: 'FILE', description: 'endpoint, token, headers and provider from a settings file' },
    dotenv: { type: 'string', value: 'F', description: 'NAME=value file for the ${env:…} references of the settings' },
    protocol: { type: 'string', value: 'P', choices: ['http/protobuf', 'grpc'], description: 'transport (default http/protobuf, or the settings\' Connection.Type)' },
    header: { type: 'string', multiple: true, value: 'NAME=VALUE', description: 'an extra header (repeatable)' },
    token: { type: 'string', value: 'T', description: 'sent as Authorization: Bearer T (Dynatrace: Api-Token T)' },
    'max-request-bytes': { type: 'integer', value: 'N', description: 'largest request before compression (default 4 MiB; Dynatrace at most 8 MB)' },
    concurrency: { type: 'integer', value: 'N', description: 'requests in flight at once (default 2)' },
    'dry-run': { type: 'boolean', description: 'print the batches that would be sent; send nothing' },
    ...dumpInputFlags,
    strict: { type: 'boolean', description: 'refuse a damaged input (the first diagnostic is an error: exit 1)' },
    ...jsonFlag,
  },
  exclusive: [['endpoint', 'settings']],
  async run(ctx) {
    const f = ctx.flags;
    const file = ctx.args[0]!;
    // the replay client (and the settings SDK) load only when this command runs
    const { sendDump } = await import('../send');
    const result = await sendDump(file, {
      ...(f.endpoint !== undefined ? { endpoint: f.endpoint } : {}),
      ...(f.settings !== undefined ? { settings: f.settings } : {}),
      ...(f.dotenv !== undefined ? { dotenv: f.dotenv } : {}),
      ...(f.protocol !== undefined ? { protocol: f.protocol } : {}),
      headers: parseHeaders(f.header),
      ...(f.token !== undefined ? { token: f.token } : {}),
      ...(f['max-request-bytes'] !== undefined ? { maxRequestBytes: f['max-request-bytes'] } : {}),
      ...(f.concurrency !== undefined ? { concurrency: f.concurrency } : {}),
      dryRun: f['dry-run'],
      read: { ...(f.format !== undefined ? { format: f.format } : {}), ...(f.signal !== undefined ? { signal: f.signal } : {}), strict: f.strict },
    });
    const code = f['dry-run'] || result.ok ? Exit.ok : exitOf(result);
    if (f.json) {
      printJson(ctx, result);
      return code;
    }
    for (const w of result.warnings) ctx.stderr.write(`${file}: warning: ${w}\n`);
    if (result.batches) {
      for (const b of result.batches) ctx.stdout.write(`${b.signal}  ${b.bytes} bytes  ${b.spans + b.metricPoints + b.logRecords} items${b.oversize ? '  (over the cap)' : ''}\n`);
      ctx.stderr.write(`${file}: ${plural(result.requests, 'request')} would go to ${result.endpoint} (dry run, nothing sent)\n`);
      return code;
    }
    for (const e of result.errors) ctx.stderr.write(`${file}: error: ${e.message}\n`);
    ctx.stderr.write(
      `${file}: ${plural(result.requests, 'request')} to ${result.endpoint}, ${result.retries} retr${result.retries === 1 ? 'y' : 'ies'}; accepted ${counts(result.accepted)}` +
        `; rejected ${counts(result.rejected)}${result.unsent.spans + result.unsent.metricPoints + result.unsent.logRecords ? `; not delivered ${counts(result.unsent)}` : ''}\n`,
    );
    return code;
  },
});
