// The stand-in agent. Started by the startup hook; one run of the program is one
// invocation: a SERVER span from start to exit, flushed before the process ends.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Threading;
using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace NetProfiler.Agent;

/// <summary>Entry point called by the startup hook.</summary>
public static class Agent
{
    internal static readonly ActivitySource Source = new("NetProfiler.Agent", "1.4.0");
    private static TracerProvider? provider;
    private static Activity? invocation;
    private static int finished;
    // Kept so the registrations live as long as the process (a collected one unregisters).
    private static PosixSignalRegistration[]? signals;

    /// <summary>The invocation's SERVER span (null before Start or when not sampled).</summary>
    internal static Activity? Invocation => invocation;

    /// <summary>Starts OpenTelemetry and the invocation span; registers the AWS SDK hook.</summary>
    public static void Start()
    {
        var settings = StandinSettings.Read(Environment.GetEnvironmentVariable("NET_PROFILER_SETTINGS"));
        bool lambda = string.Equals(settings.Type, "awslambda", StringComparison.OrdinalIgnoreCase);
        string function = Env("AWS_LAMBDA_FUNCTION_NAME") ?? Assembly.GetEntryAssembly()?.GetName().Name ?? "dotnet";
        string service = settings.ServiceName ?? Env("OTEL_SERVICE_NAME") ?? function;
        string region = Env("AWS_REGION") ?? Env("AWS_DEFAULT_REGION") ?? "us-east-1";

        var resource = ResourceBuilder.CreateDefault().AddService(service);
        var spanTags = new List<KeyValuePair<string, object?>>();
        if (lambda)
        {
            resource.AddAttributes(new KeyValuePair<string, object>[]
            {
                new("cloud.provider", "aws"),
                new("cloud.platform", "aws_lambda"),
                new("cloud.region", region),
                new("faas.name", function),
                new("faas.version", Env("AWS_LAMBDA_FUNCTION_VERSION") ?? "$LATEST"),
            });
            string account = Env("NET_PROFILER_STANDIN_ACCOUNT") ?? "000000000000";
            spanTags.Add(new("faas.name", function));
            spanTags.Add(new("faas.version", Env("AWS_LAMBDA_FUNCTION_VERSION") ?? "$LATEST"));
            spanTags.Add(new("faas.invocation_id", Env("NET_PROFILER_STANDIN_INVOCATION_ID") ?? Guid.NewGuid().ToString()));
            spanTags.Add(new("cloud.resource_id", $"arn:aws:lambda:{region}:{account}:function:{function}"));
            spanTags.Add(new("cloud.region", region));
            spanTags.Add(new("faas.trigger", "other"));
            spanTags.Add(new("faas.coldstart", true));
        }
        spanTags.Add(new("process.pid", Environment.ProcessId));

        // AddOtlpExporter reads OTEL_EXPORTER_OTLP_ENDPOINT and OTEL_EXPORTER_OTLP_PROTOCOL
        // (grpc or http/protobuf) itself.
        provider = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(resource)
            .AddSource(Source.Name)
            .AddOtlpExporter()
            .Build();
        invocation = Source.StartActivity(function, ActivityKind.Server, default(ActivityContext), spanTags);

        bool aws = AwsHook.TryRegister();
        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
        {
            if (e.ExceptionObject is Exception ex) invocation?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name + ": " + ex.Message);
            Finish();
        };
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Finish();
        // Ended by SIGINT or SIGTERM: flush first; the signal's default action (ending
        // the process) follows, since the handler does not cancel it.
        signals = new[]
        {
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
        };
        Log("agent", new()
        {
            ["pid"] = Environment.ProcessId.ToString(),
            ["lambda"] = lambda ? "true" : "false",
            ["service"] = service,
            ["settingsType"] = settings.Type,
            ["endpoint"] = Env("OTEL_EXPORTER_OTLP_ENDPOINT"),
            ["protocol"] = Env("OTEL_EXPORTER_OTLP_PROTOCOL"),
            ["awsHook"] = aws ? "true" : "false",
            ["traceId"] = invocation?.TraceId.ToString(),
        });
    }

    private static void OnSignal(PosixSignalContext context)
    {
        invocation?.SetTag("process.signal", context.Signal.ToString());
        Finish();
    }

    /// <summary>Ends the invocation and flushes every span (at most 5 s) before the process exits.</summary>
    private static void Finish()
    {
        if (Interlocked.Exchange(ref finished, 1) == 1) return;
        if (invocation is not null)
        {
            invocation.SetTag("process.exit_code", Environment.ExitCode);
            invocation.Stop();
        }
        bool flushed = provider?.ForceFlush(5000) ?? false;
        provider?.Dispose();
        Log("agent-flush", new() { ["pid"] = Environment.ProcessId.ToString(), ["flushed"] = flushed ? "true" : "false" });
    }

    private static string? Env(string name)
    {
        string? v = Environment.GetEnvironmentVariable(name);
        return string.IsNullOrEmpty(v) ? null : v;
    }

    internal static void Log(string who, Dictionary<string, string?> fields)
    {
        string? file = Env("NET_PROFILER_STANDIN_LOG");
        if (file is null) return;
        try
        {
            File.AppendAllText(file, who + " " + System.Text.Json.JsonSerializer.Serialize(fields) + "\n");
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>
/// The two settings the stand-in reads from NET_PROFILER_SETTINGS: General.Type and
/// Monitoring.ServiceName (a line scan of the YAML, enough for the files the tests write).
/// </summary>
internal sealed record StandinSettings(string? Type, string? ServiceName)
{
    public static StandinSettings Read(string? file)
    {
        if (string.IsNullOrEmpty(file) || !File.Exists(file)) return new(null, null);
        string? section = null, type = null, service = null;
        foreach (string raw in File.ReadLines(file))
        {
            string line = raw.Split('#')[0].TrimEnd();
            if (line.Length == 0) continue;
            int indent = line.Length - line.TrimStart().Length;
            string text = line.Trim();
            int colon = text.IndexOf(':');
            if (colon < 0) continue;
            string key = text[..colon].Trim();
            string value = text[(colon + 1)..].Trim().Trim('"', '\'');
            if (indent == 0) { section = key; continue; }
            if (indent > 2) continue;
            if (section == "General" && key == "Type") type = value;
            if (section == "Monitoring" && key == "ServiceName" && value.Length > 0) service = value;
        }
        return new(type, service);
    }
}
