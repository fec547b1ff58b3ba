using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Frugal.Cli.Local;
using Frugal.Costs;
using Frugal.Engine;
using Frugal.Models;
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
    /// <summary>
    /// The three workflows a replay runs: as written, and with every <c>tier: auto</c> model step pinned to cheap and to
    /// premium.
    /// </summary>
    /// <exception cref="CliUsageException">The workflow has no auto step, or one the pin could not reach: the
    /// "cheap-only" and "premium-only" figures would be the auto ones under other names.</exception>
    public static IReadOnlyList<(string Name, WorkflowDefinition Definition)> Variants(WorkflowDefinition definition)
    {
        if (!AutoSteps(definition).Any())
        {
            throw new CliUsageException(
                $"{definition.File}: replay compares the workflow's 'tier: auto' model steps with cheap-only and premium-only runs, and it has none: the three would run the same calls");
        }

        var variants = new List<(string, WorkflowDefinition)> { ("auto", definition) };
        foreach (var tier in new[] { "cheap", "premium" })
        {
            var pinned = Pin(definition, tier);
            if (AutoSteps(pinned).FirstOrDefault() is { } left)
            {
                throw new CliUsageException(
                    $"{left.Location}: step '{left.Id}': replay cannot pin its 'tier: auto' to cheap and premium: it rewrites lines that read 'tier: auto' (in block style); write the key on a line of its own");
            }

            variants.Add(($"{tier}-only", pinned));
        }

        return variants;
    }

    public static async Task<IReadOnlyList<ReplayVariant>> RunAsync(
        IReadOnlyList<(string Name, WorkflowDefinition Definition)> variants, string dataPath, IReadOnlyList<RoutingExample> rows, IConfiguration configuration, TextWriter progress, CancellationToken cancellationToken)
    {
        // The replay prices its runs in a ledger of its own (the user's is not touched), deleted when it is done.
        var ledgerFolder = Path.Combine(Path.GetTempPath(), $"frugal-replay-{Guid.NewGuid():N}");
        try
        {
            return await ReplayAsync(variants, dataPath, rows, configuration, Path.Combine(ledgerFolder, "costs.db"), progress, cancellationToken);
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
        IReadOnlyList<(string Name, WorkflowDefinition Definition)> variants, string dataPath, IReadOnlyList<RoutingExample> rows, IConfiguration configuration, string ledgerPath, TextWriter progress, CancellationToken cancellationToken)
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
        var results = new List<ReplayVariant>();

        // The share is of the calls the workflow routes (its auto steps, pinned in the other variants by the same ids):
        // premium calls per run read 200% for a workflow with two auto steps.
        var autoSteps = AutoSteps(variants[0].Definition).Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        try
        {
            foreach (var (name, variant) in variants)
            {
                await progress.WriteLineAsync($"replaying {rows.Count} prompts: {name} ...");
                results.Add(await RunVariantAsync(runtime, name, variant, autoSteps, rows, cancellationToken));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C or SIGTERM: the host was disposed under the steps in flight, each then printed as a failed attempt
            // ("step answer attempt 1 failed: System.ObjectDisposedException"); they finish first, as frugal run's do.
            await runtime.DrainAsync(progress);
            throw;
        }

        return results;
    }

    /// <summary>The same workflow with its auto model steps pinned to one tier (the YAML edited, so the run is pinned to it).</summary>
    internal static WorkflowDefinition Pin(WorkflowDefinition definition, string tier) =>
        WorkflowLoader.Parse(AutoTier().Replace(definition.Source, $"${{indent}}tier: {tier}${{rest}}"), definition.File);

    /// <summary>The auto model steps, a foreach's body named by its foreach.</summary>
    private static IEnumerable<StepDefinition> AutoSteps(WorkflowDefinition definition) =>
        definition.Steps.Where(s => (s is ForEachStep each ? each.Body : s) is ModelStep { Tier: ModelTier.Auto });

    private static async Task<ReplayVariant> RunVariantAsync(
        LocalRuntime runtime, string name, WorkflowDefinition definition, HashSet<string> autoSteps, IReadOnlyList<RoutingExample> rows, CancellationToken cancellationToken)
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
        int runs = 0, failed = 0, premium = 0, routed = 0, correct = 0, unmarked = 0;
        foreach (var metadata in finished)
        {
            var result = metadata.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? metadata.ReadOutputAs<WorkflowRunResult>() : null;
            if (result is null)
            {
                failed++;
                continue;
            }

            runs++;
            foreach (var step in result.Steps.Where(s => autoSteps.Contains(s.StepId)))
            {
                premium += step.Tiers.GetValueOrDefault(ModelTierKeys.Premium);
                routed += step.Tiers.GetValueOrDefault(ModelTierKeys.Premium) + step.Tiers.GetValueOrDefault(ModelTierKeys.Cheap);
            }

            switch (Mark(result.Output))
            {
                case true:
                    correct++;
                    break;
                case null:
                    unmarked++;
                    break;
            }
        }

        var ledger = runtime.Host.Services.GetRequiredService<ICostLedger>();
        var dollars = 0m;
        var unpriced = 0;
        await foreach (var record in ledger.QueryAsync(new CostQuery { Tenant = $"replay-{name}", IncludeDetails = false }, cancellationToken))
        {
            dollars += record.Unfinished ? 0m : record.Dollars;
            // Counted apart, as the cost report does: a model the price table lacks read as a variant that cost nothing.
            unpriced += !record.Unfinished && !record.Priced ? 1 : 0;
        }

        return new ReplayVariant(name, runs, failed, premium, correct, dollars, seconds) { RoutedCalls = routed, Unmarked = unmarked, UnpricedCalls = unpriced };
    }

    /// <summary>
    /// The emulator's verdict on a run's answer, wherever the workflow's output puts it: a text answer starting with
    /// <c>CORRECT: </c> or <c>WRONG: </c>, or a JSON answer's boolean <c>correct</c>; null when the output carries
    /// neither. Only an output key named <c>answer</c> was read, so a workflow naming it otherwise measured 0 quality.
    /// </summary>
    internal static bool? Mark(JsonNode? output)
    {
        switch (output)
        {
            case JsonValue value when value.TryGetValue<string>(out var text):
                return text.StartsWith("CORRECT:", StringComparison.Ordinal) ? true : text.StartsWith("WRONG:", StringComparison.Ordinal) ? false : null;
            case JsonObject item:
                if (item["correct"] is JsonValue flag && flag.TryGetValue<bool>(out var correct))
                {
                    return correct;
                }

                return item.Select(p => Mark(p.Value)).FirstOrDefault(m => m is not null);
            case JsonArray items:
                return items.Select(Mark).FirstOrDefault(m => m is not null);
            default:
                return null;
        }
    }

    // Quoted or not, before a comment or a Windows line end: the line was left as it was, and "cheap-only" ran auto.
    [GeneratedRegex(@"^(?<indent>[ \t]*(?:-[ \t]+)?)tier:[ \t]*(?:auto|'auto'|""auto"")(?<rest>[ \t]*(?:#[^\r\n]*)?\r?)$", RegexOptions.Multiline)]
    private static partial Regex AutoTier();

    /// <summary>The input a replayed run starts with: the row's prompt.</summary>
    public static JsonObject Input(RoutingExample row) => new() { ["prompt"] = row.Prompt };
}
