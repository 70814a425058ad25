// A user's own startup hook: records that it ran (NET_PROFILER_STANDIN_LOG).
using System;
using System.IO;

/// <summary>The startup hook type CoreCLR looks for (no namespace, by contract).</summary>
public static class StartupHook
{
    /// <summary>Called by CoreCLR before Main.</summary>
    public static void Initialize()
    {
        string? file = Environment.GetEnvironmentVariable("NET_PROFILER_STANDIN_LOG");
        if (!string.IsNullOrEmpty(file)) File.AppendAllText(file, "userhook {\"pid\":\"" + Environment.ProcessId + "\"}\n");
    }
}
