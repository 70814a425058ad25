/**
 * Starting settings files for each provider and type (`net-profiler settings init`).
 * @packageDocumentation
 */
import { NetProfilerError } from '../errors';

/** Options of {@link initSettings}. */
export interface InitOptions {
  /** `dynatrace` or `otlp` (default `otlp`). */
  provider?: 'dynatrace' | 'otlp';
  /** `awslambda` or `application` (default `awslambda`). */
  type?: 'awslambda' | 'application';
}

/**
 * A commented starting settings.yaml. The dynatrace file keeps one placeholder,
 * `<environment-id>` in the endpoint, which `settings check` reports until it is
 * replaced; the token is an environment reference (`${env:DT_API_TOKEN}`), never a
 * literal. The otlp file checks clean as written (a local collector).
 * @throws NetProfilerError `invalid-argument` (usage) for an unknown provider or type
 */
export function initSettings(options: InitOptions = {}): string {
  const provider = options.provider ?? 'otlp';
  const type = options.type ?? 'awslambda';
  if (provider !== 'dynatrace' && provider !== 'otlp') {
    throw new NetProfilerError('invalid-argument', `unknown provider ${JSON.stringify(provider)}`, { kind: 'usage', fix: 'use dynatrace or otlp' });
  }
  if (type !== 'awslambda' && type !== 'application') {
    throw new NetProfilerError('invalid-argument', `unknown type ${JSON.stringify(type)}`, {
      kind: 'usage',
      fix: type === 'azurefunctions' ? 'azurefunctions is not supported yet; use awslambda or application' : 'use awslambda or application',
    });
  }
  const lambda = type === 'awslambda';
  const lines: string[] = [
    '# net_profiler_rust settings (format 1).',
    '# Check it with: net-profiler settings check settings.yaml',
    '# Keys are case-sensitive. Booleans are true/false (not yes/no).',
    '',
    'General:',
    '  Enabled: true',
    `  Provider: ${provider}`,
    `  Type: ${type}`,
    '',
    'Connection:',
  ];
  if (provider === 'dynatrace') {
    lines.push(
      '  # Your environment\'s OTLP endpoint: https, path ending in /api/v2/otlp.',
      '  EndpointUrl: https://<environment-id>.live.dynatrace.com/api/v2/otlp',
      '  Type: http',
      '  # An API token with the openTelemetryTrace.ingest scope, taken from the',
      '  # environment at start-up (never write the token itself into a layer).',
      '  BearerToken: ${env:DT_API_TOKEN}',
    );
  } else {
    lines.push(
      '  # Base URL of the OTLP endpoint; /v1/traces, /v1/metrics, /v1/logs are appended.',
      '  EndpointUrl: http://localhost:4318',
      '  Type: http',
      '  # BearerToken: ${env:OTLP_TOKEN}',
    );
  }
  lines.push('  TimeoutMs: 10000', '', 'Monitoring:', '  Enabled: true');
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
    '    Ratio: 1.0',
    '  Metrics:',
    '    Enabled: false',
    '    CollectionInterval: 10',
    '    Cpu: false',
    '    Memory: false',
    '',
  );
  return lines.join('\n');
}
