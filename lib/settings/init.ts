/**
 * Starting settings files for each provider and type (`net-profiler settings init`).
 * @packageDocumentation
 */
import * as fs from 'fs';
import { badArgument, NetProfilerError, quoteValue } from '../errors';
import { writeFileAtomic } from '../files';
import type { SettingsErrorCode } from './errors';
import { findKey } from './keys';
import type { ProfiledType, Provider } from './types';

/** Options of {@link initSettings}. */
export interface InitOptions {
  /** `dynatrace` or `otlp` (default `otlp`). */
  provider?: Provider;
  /** `awslambda` or `application` (default `awslambda`). */
  type?: ProfiledType;
}

/** The accepted values of an enum key of the table. */
function valuesOf(path: string): readonly string[] {
  return findKey(path)?.values ?? [];
}

/** A key's default as written in the file (`10000`, `false`, `1.0`). */
function dflt(path: string): string {
  const k = findKey(path);
  const v = k?.default;
  return typeof v === 'number' && k?.kind === 'float' && Number.isInteger(v) ? v.toFixed(1) : String(v);
}

/**
 * A commented starting settings.yaml. The dynatrace file keeps one placeholder,
 * `<environment-id>` in the endpoint, which `settings check` reports until it is
 * replaced; the token is an environment reference (`${env:DT_API_TOKEN}`), never a
 * literal. The otlp file checks clean as written (a local collector).
 * @throws NetProfilerError `bad-argument` (argument `provider` or `type`) for a value not accepted
 */
export function initSettings(options: InitOptions = {}): string {
  const provider = options.provider ?? 'otlp';
  const type = options.type ?? 'awslambda';
  const providers = valuesOf('General.Provider');
  const types = valuesOf('General.Type');
  if (!providers.includes(provider)) throw badArgument('provider', `unknown provider ${quoteValue(provider)}`, providers);
  if (!types.includes(type)) {
    const why = (type as string) === 'azurefunctions' ? 'type "azurefunctions" is not supported yet' : `unknown type ${quoteValue(type)}`;
    throw badArgument('type', why, types);
  }
  const lambda = type === 'awslambda';
  const lines: string[] = [
    '# net_profiler_rust settings (format 1).',
    '# Check it with: net-profiler settings check settings.yaml',
    '# Keys are case-sensitive. Booleans are true/false (not yes/no).',
    '',
    'General:',
    `  Enabled: ${dflt('General.Enabled')}`,
    `  Provider: ${provider}`,
    `  Type: ${type}`,
    '',
    'Connection:',
  ];
  if (provider === 'dynatrace') {
    lines.push(
      "  # Your environment's OTLP endpoint: https, path ending in /api/v2/otlp.",
      '  EndpointUrl: https://<environment-id>.live.dynatrace.com/api/v2/otlp',
      `  Type: ${dflt('Connection.Type')}`,
      '  # An API token with the openTelemetryTrace.ingest scope, taken from the',
      '  # environment at start-up (never write the token itself into a layer).',
      '  BearerToken: ${env:DT_API_TOKEN}',
    );
  } else {
    lines.push(
      '  # Base URL of the OTLP endpoint; /v1/traces, /v1/metrics, /v1/logs are appended.',
      '  EndpointUrl: http://localhost:4318',
      `  Type: ${dflt('Connection.Type')}`,
      '  # BearerToken: ${env:OTLP_TOKEN}',
    );
  }
  lines.push(`  TimeoutMs: ${dflt('Connection.TimeoutMs')}`, '', 'Monitoring:', `  Enabled: ${dflt('Monitoring.Enabled')}`);
  if (lambda) {
    lines.push('  # Optional for Lambda: the function name is used when absent.', '  # ServiceName: my-function');
  } else {
    lines.push('  ServiceName: my-service');
  }
  lines.push(
    '  # Client instrumentations: AWS (.NET 10 agent only), HttpClient, GrpcClient.',
    '  Special:',
    lambda ? '    - AWS' : '    - HttpClient',
    '  Sampling:',
    `    Ratio: ${dflt('Monitoring.Sampling.Ratio')}`,
    '  Metrics:',
    `    Enabled: ${dflt('Monitoring.Metrics.Enabled')}`,
    `    CollectionInterval: ${dflt('Monitoring.Metrics.CollectionInterval')}`,
    `    Cpu: ${dflt('Monitoring.Metrics.Cpu')}`,
    `    Memory: ${dflt('Monitoring.Metrics.Memory')}`,
    '',
  );
  return lines.join('\n');
}

/**
 * Writes a starting settings file (see {@link initSettings}) to `file`, atomically.
 * @returns the text written
 * @throws NetProfilerError `file-exists` (nothing written) unless `overwrite` is set;
 *   `bad-argument` as {@link initSettings}; `fs-*` naming the file
 */
export async function initSettingsFile(file: string, options: InitOptions & { overwrite?: boolean } = {}): Promise<string> {
  const text = initSettings(options);
  if (!options.overwrite && fs.existsSync(file)) {
    throw new NetProfilerError<SettingsErrorCode>('file-exists', `${file} already exists; nothing was written`, {
      kind: 'refused',
      file,
      fix: 'choose another -o FILE, or pass --force to overwrite it',
    });
  }
  writeFileAtomic(file, text);
  return text;
}
