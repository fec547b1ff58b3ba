using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using Frugal.Costs;
using Frugal.Telemetry;
using Frugal.Workflows;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Frugal.Hosting.Tests.Engine;

public sealed partial class ModelControlTests
{
    [Fact]
    public async Task Run_EscalatedPremiumCallFails_MetricsCountWhatTheLedgerRecords()
    {
        // The escalation was counted only once premium answered: three escalated records in the ledger, none in the metric.
        using var metrics = new FrugalMeasurements();
        await using var runtime = await StartAsync(new()
        {
            ["Emulator:Deployments:gpt-4o:ServerErrorRate"] = "1",
            ["Frugal:Models:Resilience:MaxRetries"] = "0",
        });
        var definition = Named(EscalatingStep);

        var (id, metadata) = await RunToEndAsync(runtime, definition, new JsonObject { ["q"] = "What is the capital of France?" });

        Assert.Equal(OrchestrationRuntimeStatus.Failed, metadata.RuntimeStatus);
        var records = await RecordsAsync(runtime, id);
        var counted = metrics.Of(definition.Name);
        Assert.Equal(records.Count(r => r.Outcome == CostOutcome.Escalated), counted.Where(m => m.Name == "frugal.escalations").Sum(m => m.Value));
        Assert.Equal(3, counted.Where(m => m.Name == "frugal.escalations").Sum(m => m.Value));
        Assert.Equal(3, counted.Where(m => m.Name == "frugal.step.failures").Sum(m => m.Value));
        Assert.Equal((double)records.Sum(r => r.Dollars), counted.Where(m => m.Name == "frugal.cost.dollars").Sum(m => m.Value), 12);
    }

    [Fact]
    public async Task Run_OneCallOfABatchFails_ItsAttemptIsAFailedAttemptOnTheSpanAndTheMetric()
    {
        // The attempt whose 'flaky' call failed (the orchestrator sent it again) had an Ok span tagged frugal.tier
        // "cheap,none", and frugal.step.failures counted nothing, while the ledger recorded the failed call.
        using var metrics = new FrugalMeasurements();
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == FrugalTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var flaky = new FailFirstRequestHandler("flaky");
        await using var runtime = await StartAsync(
            services: s => s.ConfigureHttpClientDefaults(b => b.AddHttpMessageHandler(() => flaky.Share())));
        var definition = Named("""
            steps:
              - id: each
                kind: foreach
                items: ${ input.items }
                batch_size: 4
                do:
                  kind: model
                  tier: cheap
                  prompt: Summarise ${ item }
            """);

        var (id, _) = await RunAsync(runtime, definition, new JsonObject { ["items"] = new JsonArray("alpha", "flaky", "gamma", "delta") });

        var records = await RecordsAsync(runtime, id);
        var first = Assert.Single(spans, s => Equals(s.GetTagItem("frugal.run.id"), id) && Equals(s.GetTagItem("frugal.attempt"), 1));
        Assert.Equal(ActivityStatusCode.Error, first.Status);
        Assert.Equal("Frugal.Models.ModelCallException", first.GetTagItem("error.type"));
        Assert.DoesNotContain("overloaded for the test", first.StatusDescription, StringComparison.Ordinal); // the tenant's text is not stored
        Assert.Equal("cheap", first.GetTagItem("frugal.tier"));
        var second = Assert.Single(spans, s => Equals(s.GetTagItem("frugal.run.id"), id) && Equals(s.GetTagItem("frugal.attempt"), 2));
        Assert.Equal(ActivityStatusCode.Ok, second.Status);
        var counted = metrics.Of(definition.Name);
        var failure = Assert.Single(counted, m => m.Name == "frugal.step.failures");
        Assert.Equal(records.Count(r => r.Outcome == CostOutcome.Failed), failure.Value);
        Assert.Equal("Frugal.Models.ModelCallException", failure.Tags["error.type"]);
        Assert.Equal((double)records.Sum(r => r.Dollars), counted.Where(m => m.Name == "frugal.cost.dollars").Sum(m => m.Value), 12);
    }

    [Theory]
    [InlineData("kind: deterministic\n    operation: template\n    input: x\n    when: \"${ number(steps.first.output) > 1 }\"", "'when'")]
    [InlineData("kind: foreach\n    items: ${ steps.first.output }\n    do: { kind: deterministic, operation: template, input: x }", "'items'")]
    public async Task Run_StepsWhenOrItemsFailsInTheOrchestrator_ItIsAFailedAttemptOnTheSpanAndTheMetric(string failing, string expression)
    {
        // A step whose 'when' or 'items' failed on the run's data failed the run in the orchestrator, where no activity
        // ran for it: no frugal.step span and no frugal.step.failures, so a dashboard of step failures missed it.
        using var metrics = new FrugalMeasurements();
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == FrugalTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var runtime = await StartAsync();
        var definition = Named($$"""
            steps:
              - { id: first, kind: deterministic, operation: template, input: "abc" }
              - id: each
                {{failing}}
            """);

        var (id, metadata) = await RunToEndAsync(runtime, definition, new JsonObject());

        Assert.Equal(OrchestrationRuntimeStatus.Failed, metadata.RuntimeStatus);
        Assert.Contains(expression, metadata.FailureDetails!.ErrorMessage, StringComparison.Ordinal);
        var failure = Assert.Single(metrics.Of(definition.Name), m => m.Name == "frugal.step.failures");
        Assert.Equal("each", failure.Tags["frugal.step"]);
        Assert.Equal("Frugal.Engine.StepInputException", failure.Tags["error.type"]); // as an activity's step failing on bad input
        var span = Assert.Single(spans, s => Equals(s.GetTagItem("frugal.run.id"), id) && Equals(s.GetTagItem("frugal.step"), "each"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal(0, span.GetTagItem("frugal.attempt"));
        Assert.Equal("Frugal.Engine.StepInputException", span.GetTagItem("error.type"));
        Assert.Contains(expression, span.StatusDescription, StringComparison.Ordinal);
        Assert.DoesNotContain("abc", span.StatusDescription, StringComparison.Ordinal); // the tenant's text is not stored
    }

    /// <summary>The workflow under a name of its own, so that the metrics of tests running alongside are told apart.</summary>
    private static WorkflowDefinition Named(string steps) =>
        WorkflowLoader.Parse($"name: control-{Guid.NewGuid():N}\ninput: {{ type: object }}\n" + steps, "control.yaml");

    private sealed record Measurement(string Name, double Value, Dictionary<string, object?> Tags);

    /// <summary>Collects the measurements of the <c>Frugal</c> meter.</summary>
    private sealed class FrugalMeasurements : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<Measurement> _measurements = new();

        public FrugalMeasurements()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == FrugalTelemetry.SourceName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
            _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
            _listener.Start();
        }

        /// <summary>The measurements tagged with <paramref name="workflow"/>.</summary>
        public List<Measurement> Of(string workflow) => [.. _measurements.Where(m => Equals(m.Tags.GetValueOrDefault("frugal.workflow"), workflow))];

        public void Dispose() => _listener.Dispose();

        private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var dictionary = new Dictionary<string, object?>();
            foreach (var (key, tagValue) in tags)
            {
                dictionary[key] = tagValue;
            }

            _measurements.Enqueue(new Measurement(instrument.Name, value, dictionary));
        }
    }
}
