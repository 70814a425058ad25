// The stand-in agent's startup hook (DOTNET_STARTUP_HOOKS). CoreCLR calls
// StartupHook.Initialize() before the program's Main. It records what it sees, then
// loads the agent from NET_PROFILER_AGENT_PATH into an AssemblyLoadContext of its own
// and starts it. It never lets the program fail: any error is one line on stderr.
using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using System.Text.Json;

/// <summary>The startup hook type CoreCLR looks for (no namespace, by contract).</summary>
public static class StartupHook
{
    /// <summary>Called by CoreCLR before Main.</summary>
    public static void Initialize()
    {
        string? agentPath = Environment.GetEnvironmentVariable("NET_PROFILER_AGENT_PATH");
        StandinLog.Write("hook", new()
        {
            ["pid"] = Environment.ProcessId.ToString(),
            ["runtime"] = RuntimeInformation.FrameworkDescription,
            ["arch"] = RuntimeInformation.ProcessArchitecture.ToString(),
            ["settings"] = Environment.GetEnvironmentVariable("NET_PROFILER_SETTINGS"),
            ["agentPath"] = agentPath,
            ["home"] = Environment.GetEnvironmentVariable("NET_PROFILER_HOME"),
            ["hooks"] = Environment.GetEnvironmentVariable("DOTNET_STARTUP_HOOKS"),
            ["profiler"] = Environment.GetEnvironmentVariable("CORECLR_PROFILER"),
            ["profilerPath"] = Environment.GetEnvironmentVariable("CORECLR_PROFILER_PATH"),
        });
        if (string.IsNullOrEmpty(agentPath) || !Directory.Exists(agentPath))
        {
            Console.Error.WriteLine("[net-profiler agent] not started: NET_PROFILER_AGENT_PATH is not a folder");
            return;
        }
        try
        {
            var context = new AgentLoadContext(agentPath);
            Assembly agent = context.LoadFromAssemblyPath(Path.Combine(agentPath, "NetProfiler.Agent.dll"));
            MethodInfo start = agent.GetType("NetProfiler.Agent.Agent", throwOnError: true)!
                .GetMethod("Start", BindingFlags.Public | BindingFlags.Static)!;
            start.Invoke(null, null);
        }
        catch (Exception e)
        {
            Console.Error.WriteLine("[net-profiler agent] not started: " + e.GetBaseException().Message);
        }
    }
}

/// <summary>
/// Resolves the agent's dependencies from its own folder, so that the agent's
/// OpenTelemetry (and, on .NET 8, its newer System.Diagnostics.DiagnosticSource) never
/// meets the program's copies. The AWS SDK is the exception: the agent hooks the
/// program's own AWS SDK, so those assemblies come from the program (default context).
/// </summary>
internal sealed class AgentLoadContext : AssemblyLoadContext
{
    private readonly string folder;

    public AgentLoadContext(string folder) : base("NetProfiler.Agent")
    {
        this.folder = folder;
    }

    protected override Assembly? Load(AssemblyName name)
    {
        if (name.Name is null || name.Name.StartsWith("AWSSDK.", StringComparison.Ordinal)) return null;
        string file = Path.Combine(folder, name.Name + ".dll");
        return File.Exists(file) ? LoadFromAssemblyPath(file) : null;
    }
}

/// <summary>Appends one line "WHO {json}" to the file named by NET_PROFILER_STANDIN_LOG.</summary>
internal static class StandinLog
{
    public static void Write(string who, System.Collections.Generic.Dictionary<string, string?> fields)
    {
        string? file = Environment.GetEnvironmentVariable("NET_PROFILER_STANDIN_LOG");
        if (string.IsNullOrEmpty(file)) return;
        try
        {
            File.AppendAllText(file, who + " " + JsonSerializer.Serialize(fields) + "\n");
        }
        catch (IOException)
        {
        }
    }
}
