// The test program: one run is one invocation of the article's handler.
//   LambdaProfilerDemo [--no-aws] [--sleep-ms N] [--exit N] [INPUT_JSON]
// Prints the result as JSON on stdout and one line on stderr, records what it is
// (NET_PROFILER_STANDIN_LOG), and exits with --exit's code (default 0).
using System.Runtime.InteropServices;
using System.Text.Json;

namespace LambdaProfilerDemo;

public static class Program
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<int> Main(string[] args)
    {
        bool aws = true;
        int sleepMs = 0, exitCode = 0;
        string input = "{\"id\":\"article-demo\",\"left\":84,\"right\":2}";
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--no-aws": aws = false; break;
                case "--sleep-ms": sleepMs = int.Parse(args[++i]); break;
                case "--exit": exitCode = int.Parse(args[++i]); break;
                default: input = args[i]; break;
            }
        }
        string? log = Environment.GetEnvironmentVariable("NET_PROFILER_STANDIN_LOG");
        if (!string.IsNullOrEmpty(log))
        {
            File.AppendAllText(log, "demo " + JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["pid"] = Environment.ProcessId.ToString(),
                ["runtime"] = RuntimeInformation.FrameworkDescription,
                ["arch"] = RuntimeInformation.ProcessArchitecture.ToString(),
                ["args"] = string.Join(" ", args),
            }) + "\n");
        }

        var request = JsonSerializer.Deserialize<CalculatorInput>(input, Json)
            ?? throw new ArgumentException("the input is null");
        CalculatorResult result = aws
            ? await new Function().FunctionHandler(request)
            : new(request.Id, request.Left, request.Right, request.Left / request.Right);
        if (sleepMs > 0)
        {
            Console.Error.WriteLine("demo: sleeping");
            await Task.Delay(sleepMs);
        }
        Console.WriteLine(JsonSerializer.Serialize(result, Json));
        Console.Error.WriteLine("demo: done");
        return exitCode;
    }
}
