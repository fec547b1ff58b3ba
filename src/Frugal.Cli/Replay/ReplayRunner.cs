using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Frugal.Cli.Local;
using Frugal.Costs;
using Frugal.Engine;
using Frugal.Routing;
using Frugal.Workflows;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Frugal.Cli.Replay;

/// <summary>
/// Replays labelled prompts through a workflow three ways in one host: as written (auto routing), and with its auto
/// steps pinned to cheap and to premium. The model emulator marks each answer correct or wrong from the labels, the
/// cost ledger prices each run, so cost and quality come out side by side from real orchestrations.
/// </summary>
internal static partial class ReplayRunner
{
    public static async Task<IReadOnlyList<ReplayVariant>> RunAsync(
        WorkflowDefinition definition, string dataPath, IReadOnlyList<RoutingExample> rows, IConfiguration configuration, TextWriter progress, CancellationToken cancellationToken)
    {
        // The replay prices its runs in a ledger of its own (the user's is not touched), deleted when it is done.
        var ledgerFolder = Path.Combine(Path.GetTempPath(), $"frugal-replay-{Guid.NewGuid():N}");
        try
        {
            return await ReplayAsync(definition, dataPath, rows, configuration, Path.Combine(ledgerFolder, "costs.db"), progress, cancellationToken);
        }
        finally
        {
            if (Directory.Exists(ledgerFolder))
            {
                Directory.Delete(ledgerFolder, recursive: true);
            }
        }
    }

    private static async Task<IReadOnlyList<ReplayVariant>> ReplayAsync(
        WorkflowDefinition definition, string dataPath, IReadOnlyList<RoutingExample> rows, IConfiguration configuration, string ledgerPath, TextWriter progress, CancellationToken cancellationToken)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Emulator:QualityData"] = Path.GetFullPath(dataPath),
            ["Emulator:Deployments:gpt-4o-mini:QualityTier"] = "cheap",
            ["Emulator:Deployments:gpt-4o:QualityTier"] = "premium",
            ["Frugal:Models:Cheap:Endpoint"] = null,
            ["Frugal:Costs:SqlitePath"] = ledgerPath,
        };
        var merged = new ConfigurationBuilder().AddConfiguration(configuration).AddInMemoryCollection(settings).Build();
        await using var runtime = await LocalRuntime.StartAsync(merged, store: null, progress, cancellationToken: cancellationToken);
        var variants = new List<ReplayVariant>();
        foreach (var (name, variant) in new[]
        {
            ("auto", definition),
            ("cheap-only", Pin(definition, "cheap")),
            ("premium-only", Pin(definition, "premium")),
        })
        {
            await progress.WriteLineAsync($"replaying {rows.Count} prompts: {name} ...");
            variants.Add(await RunVariantAsync(runtime, name, variant, rows, cancellationToken));
        }

        return variants;
    }

    /// <summary>The same workflow with its auto model steps pinned to one tier (the YAML edited, so the run is pinned to it).</summary>
    internal static WorkflowDefinition Pin(WorkflowDefinition definition, string tier) =>
        WorkflowLoader.Parse(AutoTier().Replace(definition.Source, $"${{indent}}tier: {tier}"), definition.File);

    private static async Task<ReplayVariant> RunVariantAsync(
        LocalRuntime runtime, string name, WorkflowDefinition definition, IReadOnlyList<RoutingExample> rows, CancellationToken cancellationToken)
    {
        var client = runtime.Host.Client;
        var clock = Stopwatch.StartNew();
        var ids = new List<string>(rows.Count);
        foreach (var row in rows)
        {
            ids.Add(await WorkflowStarter.StartAsync(client, definition, Input(row), $"replay-{name}", runtime.Host.NewRunId(), cancellationToken));
        }

        var finished = await Task.WhenAll(ids.Select(id => client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cancellationToken)));
        var seconds = clock.Elapsed.TotalSeconds;
        int runs = 0, failed = 0, premium = 0, correct = 0;
        foreach (var metadata in finished)
        {
            var result = metadata.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? metadata.ReadOutputAs<WorkflowRunResult>() : null;
            if (result is null)
            {
                failed++;
                continue;
            }

            runs++;
            premium += result.Steps.Sum(s => s.Tiers.GetValueOrDefault("premium"));
            correct += result.Output?["answer"]?.ToString().StartsWith("CORRECT:", StringComparison.Ordinal) == true ? 1 : 0;
        }

        var ledger = runtime.Host.Services.GetRequiredService<ICostLedger>();
        var dollars = 0m;
        await foreach (var record in ledger.QueryAsync(new CostQuery { Tenant = $"replay-{name}", IncludeDetails = false }, cancellationToken))
        {
            dollars += record.Dollars;
        }

        return new ReplayVariant(name, runs, failed, premium, correct, dollars, seconds);
    }

    [GeneratedRegex(@"^(?<indent>[ \t]*)tier:[ \t]*auto[ \t]*$", RegexOptions.Multiline)]
    private static partial Regex AutoTier();

    /// <summary>The input a replayed run starts with: the row's prompt.</summary>
    public static JsonObject Input(RoutingExample row) => new() { ["prompt"] = row.Prompt };
}
