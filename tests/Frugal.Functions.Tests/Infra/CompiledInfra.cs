using System.Text.Json.Nodes;

namespace Frugal.Functions.Tests.Infra;

/// <summary>infra/main.bicep compiled once with `bicep build --stdout` for all <see cref="InfraTests"/>.</summary>
public sealed class CompiledInfra
{
    private readonly Lazy<Task<Result>> _result = new(CompileAsync);

    /// <summary>The compiler's exit code, the ARM template it printed and its diagnostics.</summary>
    internal Task<Result> GetAsync() => _result.Value;

    private static async Task<Result> CompileAsync()
    {
        // Only a guard against a hung compiler; no test asserts a duration.
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var (exitCode, stdout, stderr) = await BicepCli.RunAsync(
            RepositoryPaths.Root, cancellation.Token, "build", Path.Combine("infra", "main.bicep"), "--stdout");
        var template = exitCode == 0 ? JsonNode.Parse(stdout)?.AsObject() : null;
        return new Result(exitCode, template, stderr);
    }

    internal sealed record Result(int ExitCode, JsonObject? Template, string Diagnostics);
}
