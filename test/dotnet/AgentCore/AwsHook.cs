// CLIENT spans around the program's AWS SDK calls, through the SDK's pipeline
// customizer registry (the hook AWS SDK instrumentations use), with the attributes the
// Lambda invocation shape asks for: rpc.system aws-api, rpc.service, rpc.method, and
// aws.dynamodb.table_names for DynamoDB.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Reflection;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.Runtime.Internal;

namespace NetProfiler.Agent;

internal static class AwsHook
{
    /// <summary>Registers the pipeline customizer when the program has the AWS SDK; false otherwise.</summary>
    public static bool TryRegister()
    {
        try
        {
            return Register();
        }
        catch (Exception e) when (e is System.IO.FileNotFoundException or System.IO.FileLoadException or TypeLoadException)
        {
            return false;
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static bool Register()
    {
        RuntimePipelineCustomizerRegistry.Instance.Register(new SpanCustomizer());
        return true;
    }
}

internal sealed class SpanCustomizer : IRuntimePipelineCustomizer
{
    public string UniqueName => "NetProfiler.Agent.Standin";

    public void Customize(Type type, RuntimePipeline pipeline)
    {
        pipeline.AddHandlerBefore<Marshaller>(new SpanHandler());
    }
}

internal sealed class SpanHandler : PipelineHandler
{
    public override void InvokeSync(IExecutionContext executionContext)
    {
        Activity? span = Begin(executionContext);
        try
        {
            base.InvokeSync(executionContext);
            End(span, executionContext, null);
        }
        catch (Exception e)
        {
            End(span, executionContext, e);
            throw;
        }
    }

    public override async Task<T> InvokeAsync<T>(IExecutionContext executionContext)
    {
        Activity? span = Begin(executionContext);
        try
        {
            T result = await base.InvokeAsync<T>(executionContext).ConfigureAwait(false);
            End(span, executionContext, null);
            return result;
        }
        catch (Exception e)
        {
            End(span, executionContext, e);
            throw;
        }
    }

    private static Activity? Begin(IExecutionContext context)
    {
        IRequestContext request = context.RequestContext;
        string service = request.ServiceMetaData?.ServiceId ?? "AWS";
        string method = request.OriginalRequest.GetType().Name;
        if (method.EndsWith("Request", StringComparison.Ordinal)) method = method[..^"Request".Length];
        var tags = new List<KeyValuePair<string, object?>>
        {
            new("rpc.system", "aws-api"),
            new("rpc.service", service),
            new("rpc.method", method),
        };
        string? region = request.ClientConfig?.RegionEndpoint?.SystemName ?? request.ClientConfig?.AuthenticationRegion;
        if (region is not null) tags.Add(new("cloud.region", region));
        if (request.OriginalRequest.GetType().GetProperty("TableName", BindingFlags.Public | BindingFlags.Instance)?.GetValue(request.OriginalRequest) is string table)
        {
            tags.Add(new("aws.dynamodb.table_names", new[] { table }));
        }
        ActivityContext parent = (Activity.Current ?? Agent.Invocation)?.Context ?? default;
        return Agent.Source.StartActivity(service + "." + method, ActivityKind.Client, parent, tags);
    }

    private static void End(Activity? span, IExecutionContext context, Exception? error)
    {
        if (span is null) return;
        var response = context.ResponseContext;
        if (response?.HttpResponse is not null) span.SetTag("http.response.status_code", (int)response.HttpResponse.StatusCode);
        string? requestId = response?.Response?.ResponseMetadata?.RequestId;
        if (requestId is not null) span.SetTag("aws.request_id", requestId);
        if (error is not null) span.SetStatus(ActivityStatusCode.Error, error.Message);
        span.Stop();
    }
}
