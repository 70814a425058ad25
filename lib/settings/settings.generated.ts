// GENERATED from the native key table (native/settings/keys.cc): do not edit. After
// changing the table, run `NP_UPDATE_GENERATED=1 npx vitest run test/settings/generated.test.ts`
// (test/settings/keys-codegen.ts writes it; generated.test.ts proves it up to date).

/**
 * The effective settings: the file's values with every default filled in
 * (docs/settings.md, "Keys"). A key without a default is absent when the file does not set it.
 */
export interface Settings {
  /** Profiler-wide switches. */
  General: {
    /** `false` turns the whole profiler off (the wrapper then starts the runtime untouched). Default `true`. */
    Enabled: boolean;
    /** Where telemetry goes: `dynatrace` (OTLP over HTTP with an Api-Token) or any `otlp` endpoint. Default `"otlp"`. */
    Provider: 'dynatrace' | 'otlp';
    /** What is profiled: an AWS Lambda function or an application (`azurefunctions` is reserved, not supported yet). Default `"application"`. */
    Type: 'awslambda' | 'application';
  };
  /** The OTLP export connection. */
  Connection: {
    /** Base URL of the OTLP endpoint (http or https); /v1/traces, /v1/metrics and /v1/logs are appended. Required when traces or metrics are enabled. May be ${env:NAME}. No default. */
    EndpointUrl?: string;
    /** OTLP transport (Dynatrace: http only). Default `"http"`. */
    Type: 'http' | 'grpc';
    /** Token sent as `Authorization: Bearer …` (dynatrace: `Api-Token …`). Prefer ${env:NAME} over a literal token. No default. */
    BearerToken?: string;
    /** Extra export headers (names per RFC 9110 token syntax). Default `{}`. */
    Headers: Record<string, string>;
    /** Export timeout in milliseconds. From 1 to 60000. Default `10000`. */
    TimeoutMs: number;
  };
  /** What is collected. */
  Monitoring: {
    /** Traces on/off. Default `true`. */
    Enabled: boolean;
    /** Service name; with Type awslambda it may be omitted (the function name is used), otherwise required. No default. */
    ServiceName?: string;
    /** Client instrumentations (AWS ships only in the .NET 10 agent). Default `[]`. */
    Special: Array<'AWS' | 'HttpClient' | 'GrpcClient'>;
    /** Head sampling. */
    Sampling: {
      /** Head sampling ratio: the share of traces kept. From 0 to 1. Default `1`. */
      Ratio: number;
    };
    /** Metrics export. */
    Metrics: {
      /** Metrics on/off. Default `false`. */
      Enabled: boolean;
      /** Service name of the metrics (default: Monitoring.ServiceName). */
      ServiceName?: string;
      /** Collection interval in seconds. From 1 to 3600. Default `10`. */
      CollectionInterval: number;
      /** CPU metrics. Default `false`. */
      Cpu: boolean;
      /** Memory metrics. Default `false`. */
      Memory: boolean;
    };
  };
}
