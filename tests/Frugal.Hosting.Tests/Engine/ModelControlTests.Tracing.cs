using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Frugal.Telemetry;

namespace Frugal.Hosting.Tests.Engine;

public sealed partial class ModelControlTests
{
    [Fact]
    public async Task Run_EscalatedStep_ItsSpanSaysWhatTheLedgerSaysAndNestsUnderTheRun()
    {
        // The span priced the final answer again: the cheap attempt the escalation replaced was missing from it.
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is FrugalTelemetry.SourceName or FrugalTelemetry.DurableTaskSourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        await using var runtime = await StartAsync();
        var definition = Parse(EscalatingStep);

        var (id, _) = await RunAsync(runtime, definition, new JsonObject { ["q"] = "What is the capital of France?" });

        var records = await RecordsAsync(runtime, id);
        var step = Assert.Single(spans, s => s.Source.Name == FrugalTelemetry.SourceName && Equals(s.GetTagItem("frugal.run.id"), id));
        Assert.Equal(2, records.Count);
        Assert.Equal((double)records.Sum(r => r.Dollars), (double)step.GetTagItem("frugal.cost.dollars")!, 12);
        Assert.Equal(records.Sum(r => r.InputTokens), step.GetTagItem("frugal.usage.input_tokens"));
        Assert.Contains(spans, s => s.DisplayName.StartsWith("orchestration:", StringComparison.Ordinal) && s.TraceId == step.TraceId);
    }
}
