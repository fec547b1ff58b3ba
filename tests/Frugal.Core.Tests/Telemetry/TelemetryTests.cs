using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using Frugal.Core.Tests.Budgets;
using Frugal.Costs;
using Frugal.Engine;
using Azure.Monitor.OpenTelemetry.Exporter;
using Frugal.Telemetry;
using Frugal.Workflows;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Frugal.Core.Tests.Telemetry;

public sealed class TelemetryTests
{
    [Fact]
    public async Task GetResponseAsync_ModelPipeline_EmitsGenAiTokenUsageAndDuration()
    {
        using var listener = new Instruments(FrugalTelemetry.ModelsSourceName);
        await using var models = await BudgetedModels.StartAsync(new Dictionary<string, string?>());

        await models.Cheap.GetResponseAsync("Say hello.", BudgetedModels.Options("acme", "run-otel", "cheap"));

        Assert.Contains(listener.Measurements, m => m.Name == "gen_ai.client.token.usage" && m.Value > 0);
        Assert.Contains(listener.Measurements, m => m.Name == "gen_ai.client.operation.duration");
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public void AddFrugalTelemetry_AzureMonitorWithManagedIdentity_ExportersCarryAnEntraCredential(string useManagedIdentity, bool credential)
    {
        // infra/ deploys Application Insights with local authentication off: telemetry sent with the connection string's
        // key alone is refused there, so the app's exporters must present a token.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Frugal:Telemetry:Exporter"] = "azuremonitor",
            ["Frugal:Telemetry:AzureMonitorConnectionString"] = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://127.0.0.1:9/",
            ["Frugal:Telemetry:UseManagedIdentity"] = useManagedIdentity,
        }).Build();
        using var provider = new ServiceCollection()
            .AddFrugalTelemetry(configuration)
            .BuildServiceProvider();

        _ = provider.GetRequiredService<OpenTelemetry.Trace.TracerProvider>(); // the exporter applies its configuration then
        var options = provider.GetRequiredService<IOptionsMonitor<AzureMonitorExporterOptions>>().Get(Options.DefaultName);

        Assert.Equal(credential, options.Credential is Azure.Identity.DefaultAzureCredential);
        Assert.StartsWith("InstrumentationKey=", options.ConnectionString, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("notaurl")]
    [InlineData("collector:4317")]
    [InlineData("ftp://collector:4317")]
    public void AddFrugalTelemetry_OtlpEndpointNotAnHttpAddress_FailsNamingTheKey(string endpoint)
    {
        // A relative address ended frugal run with "error: This operation is not supported for a relative URI" (exit 1).
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Frugal:Telemetry:Exporter"] = "otlp",
            ["Frugal:Telemetry:OtlpEndpoint"] = endpoint,
        }).Build();

        var ex = Assert.Throws<OptionsValidationException>(() => new ServiceCollection().AddFrugalTelemetry(configuration));

        Assert.Equal([$"Frugal:Telemetry:OtlpEndpoint must be an absolute http or https address such as http://localhost:4317 (was '{endpoint}')."], ex.Failures);
    }

    [Fact]
    public void AddFrugalTelemetry_OtlpEndpointHttp_IsAccepted()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Frugal:Telemetry:Exporter"] = "otlp",
            ["Frugal:Telemetry:OtlpEndpoint"] = "http://localhost:4317",
        }).Build();

        var services = new ServiceCollection().AddFrugalTelemetry(configuration);

        Assert.NotEmpty(services);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("none")]
    [InlineData("otlp")]
    public void AddFrugalTelemetry_SamplingRatioOutOfRange_FailsWhateverTheExporter(string? exporter)
    {
        // With no exporter (the default) the ratio was never checked: 2 passed unseen until an exporter was turned on.
        var settings = new Dictionary<string, string?> { ["Frugal:Telemetry:TraceSamplingRatio"] = "2" };
        if (exporter is not null)
        {
            settings["Frugal:Telemetry:Exporter"] = exporter;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

        var ex = Assert.Throws<OptionsValidationException>(() => new ServiceCollection().AddFrugalTelemetry(configuration));

        Assert.Equal(["Frugal:Telemetry:TraceSamplingRatio must be between 0 and 1 (was 2)."], ex.Failures);
    }

    [Fact]
    public void AddFrugalTelemetry_HostSource_IsListenedTo()
    {
        // The Functions worker starts its invocation span, which carries the host's trace context, only when its source
        // is listened to; unheard, every step span there began a trace of its own.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Frugal:Telemetry:Exporter"] = "otlp",
            ["Frugal:Telemetry:OtlpEndpoint"] = "http://127.0.0.1:9",
        }).Build();
        string hostSource = "Test.Host." + Guid.NewGuid().ToString("N");
        using var provider = new ServiceCollection()
            .AddFrugalTelemetry(configuration, hostSources: [hostSource])
            .BuildServiceProvider();
        using var source = new ActivitySource(hostSource);

        _ = provider.GetRequiredService<OpenTelemetry.Trace.TracerProvider>();

        Assert.True(source.HasListeners());
    }

    [Fact]
    public void HttpRequestDuration_Buckets_AreSecondsNotMilliseconds()
    {
        // Without advice the SDK's default boundaries (0, 5, 10, 25 ... 10000) put every request under 5 s in one bucket.
        var boundaries = FrugalMetrics.HttpRequestDuration.Advice?.HistogramBucketBoundaries;

        Assert.NotNull(boundaries);
        Assert.Equal(0.005, boundaries[0]);
        Assert.Equal(10, boundaries[^1]);
    }

    [Fact]
    public void Record_CostRecordWithDollarsAndCacheHit_CountsDollarsAndHitWithTags()
    {
        using var listener = new Instruments(FrugalTelemetry.SourceName);
        string workflow = "wf-" + Guid.NewGuid().ToString("N");

        FrugalMetrics.Record(new CostRecord
        {
            RunId = "r", Workflow = workflow, StepId = "s", Tenant = "acme", Tier = CostTier.Premium, Model = "gpt-4o",
            Dollars = 0.25m, Cache = CacheOutcome.Semantic,
        });

        var dollars = Assert.Single(listener.Measurements, m => m.Name == "frugal.cost.dollars" && Equals(m.Tags["frugal.workflow"], workflow));
        Assert.Equal(0.25, dollars.Value);
        Assert.Equal("premium", dollars.Tags["frugal.tier"]);
        Assert.Equal("gpt-4o", dollars.Tags["gen_ai.request.model"]);
        Assert.Equal("acme", dollars.Tags["frugal.tenant"]);
        var hit = Assert.Single(listener.Measurements, m => m.Name == "frugal.cache.hits" && Equals(m.Tags["frugal.workflow"], workflow));
        Assert.Equal("semantic", hit.Tags["frugal.cache"]);
    }

    [Fact]
    public void Complete_StepAttempt_SpanCarriesRunStepTierAndWhatItsCostRecordsAddUpTo()
    {
        using var spans = new Spans(FrugalTelemetry.SourceName, "test.chat");
        using var chatSource = new ActivitySource("test.chat");
        var request = new StepRequest("triage", "h", "acme", "answer", 2, []) { RunId = "run-42" };

        using (var span = StepTelemetry.Start(request))
        {
            // The cheap answer an escalation replaced, then the premium answer (counted while a chat span is current),
            // then a timed-out attempt nobody could price.
            StepTelemetry.Count(Record() with { Model = "gpt-4o-mini", InputTokens = 1000, OutputTokens = 100, Dollars = 0.00021m });
            using (chatSource.StartActivity("chat"))
            {
                StepTelemetry.Count(Record() with { Model = "gpt-4o", InputTokens = 1000, OutputTokens = 100, Dollars = 0.0035m });
            }

            StepTelemetry.Count(Record() with { Model = "gpt-4o", Priced = false });
            StepTelemetry.Complete(span, request, new StepResponse([new CallResult(JsonValue.Create("ok"), "premium", "gpt-4o", 1000, 100)]), TenantTextPolicy.None);
        }

        var step = Assert.Single(spans.Stopped, s => Equals(s.GetTagItem("frugal.run.id"), "run-42"));
        Assert.Equal("frugal.step answer", step.DisplayName);
        Assert.Equal("triage", step.GetTagItem("frugal.workflow"));
        Assert.Equal("answer", step.GetTagItem("frugal.step"));
        Assert.Equal(2, step.GetTagItem("frugal.attempt"));
        Assert.Equal("premium", step.GetTagItem("frugal.tier"));
        Assert.Equal("gpt-4o,gpt-4o-mini", step.GetTagItem("gen_ai.request.model"));
        Assert.Equal(2000L, step.GetTagItem("frugal.usage.input_tokens"));
        Assert.Equal(200L, step.GetTagItem("frugal.usage.output_tokens"));
        Assert.Null(step.GetTagItem("gen_ai.usage.input_tokens"));
        Assert.Equal(0.00371, (double)step.GetTagItem("frugal.cost.dollars")!, 9);
        Assert.Equal(1, step.GetTagItem("frugal.cost.unpriced"));
    }

    [Fact]
    public async Task RecordAsync_RecordTheLedgerHeldAlready_MetricsAndSpanCountWhatTheLedgerStored()
    {
        // Counted when queued, a record appended again (the ledger keeps it once, by its key and invocation) was counted
        // twice in frugal.cost.dollars and on the step's span. A re-execution of the attempt is a real cost, kept apart.
        using var listener = new Instruments(FrugalTelemetry.SourceName);
        using var spans = new Spans(FrugalTelemetry.SourceName);
        var folder = Path.Combine(Path.GetTempPath(), "frugal-telemetry-" + Guid.NewGuid().ToString("N"));
        var workflow = "wf-dup-" + Guid.NewGuid().ToString("N");
        var call = Record() with { Workflow = workflow, Model = "gpt-4o", Dollars = 0.25m, Invocation = "first" };
        var request = new StepRequest(workflow, "h", "acme", "answer", 1, []) { RunId = "run-dup" };
        try
        {
            using var ledger = new SqliteCostLedger(Path.Combine(folder, "costs.db"));
            await using (var recorder = new CostRecorder(ledger, Options.Create(new CostsOptions())))
            {
                using var span = StepTelemetry.Start(request);
                await recorder.RecordAsync(call, CancellationToken.None);
                await recorder.RecordAsync(call, CancellationToken.None);
                await recorder.RecordAsync(call with { Invocation = "again", Dollars = 0.5m }, CancellationToken.None);
                StepTelemetry.Complete(span, request, new StepResponse([new CallResult(JsonValue.Create("ok"), "premium", "gpt-4o", 0, 0)]), TenantTextPolicy.None);
            }

            var stored = await ledger.QueryAsync(new CostQuery { Workflow = workflow }, CancellationToken.None).ToListAsync();
            Assert.Equal(0.75m, stored.Sum(r => r.Dollars));
            Assert.Equal(0.75, listener.Measurements.Where(m => m.Name == "frugal.cost.dollars" && Equals(m.Tags["frugal.workflow"], workflow)).Sum(m => m.Value), 9);
            var step = Assert.Single(spans.Stopped, s => Equals(s.GetTagItem("frugal.workflow"), workflow));
            Assert.Equal(0.75, (double)step.GetTagItem("frugal.cost.dollars")!, 9);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task RecordAsync_BatchMixesNewAndHeldRecords_MetricsAndSpanCountTheNewOnes()
    {
        // Records queued while the ledger is busy share its next commit; of those, metrics and the step's span count
        // the ones the ledger stored anew, whatever their places in the batch.
        using var listener = new Instruments(FrugalTelemetry.SourceName);
        using var spans = new Spans(FrugalTelemetry.SourceName);
        var workflow = "wf-mixed-" + Guid.NewGuid().ToString("N");
        var request = new StepRequest(workflow, "h", "acme", "answer", 1, []) { RunId = "run-mixed" };
        var ledger = new HoldingLedger();
        await using var recorder = new CostRecorder(ledger, Options.Create(new CostsOptions()));
        var first = recorder.RecordAsync(Record() with { Workflow = "wf-other-" + Guid.NewGuid().ToString("N") }, CancellationToken.None);
        await ledger.Appending.Task.WaitAsync(TimeSpan.FromSeconds(30));

        using (var span = StepTelemetry.Start(request))
        {
            var batch = new[]
            {
                recorder.RecordAsync(Record() with { Workflow = workflow, RunId = "new-1", Dollars = 0.25m }, CancellationToken.None),
                recorder.RecordAsync(Record() with { Workflow = workflow, RunId = HoldingLedger.Held, Dollars = 4m }, CancellationToken.None),
                recorder.RecordAsync(Record() with { Workflow = workflow, RunId = "new-2", Dollars = 0.5m }, CancellationToken.None),
            };
            ledger.Release.SetResult();
            await Task.WhenAll([first, .. batch]).WaitAsync(TimeSpan.FromSeconds(30));
            StepTelemetry.Complete(span, request, new StepResponse([new CallResult(JsonValue.Create("ok"), "premium", "gpt-4o", 0, 0)]), TenantTextPolicy.None);
        }

        Assert.Equal([1, 3], ledger.Batches);
        Assert.Equal(0.75, listener.Measurements.Where(m => m.Name == "frugal.cost.dollars" && Equals(m.Tags["frugal.workflow"], workflow)).Sum(m => m.Value), 9);
        var step = Assert.Single(spans.Stopped, s => Equals(s.GetTagItem("frugal.workflow"), workflow));
        Assert.Equal(0.75, (double)step.GetTagItem("frugal.cost.dollars")!, 9);
    }

    [Fact]
    public async Task RecordAsync_CommitFails_MetricsCountNothing()
    {
        // Counted when queued, a record whose commit failed was in frugal.cost.dollars and not in the ledger, and again
        // when the activity's retry recorded its own.
        using var listener = new Instruments(FrugalTelemetry.SourceName);
        var workflow = "wf-fail-" + Guid.NewGuid().ToString("N");
        await using var recorder = new CostRecorder(new FailingLedger(), Options.Create(new CostsOptions()));

        await Assert.ThrowsAsync<IOException>(() => recorder.RecordAsync(Record() with { Workflow = workflow, Dollars = 0.25m, Priced = false }, CancellationToken.None));

        Assert.DoesNotContain(listener.Measurements, m => Equals(m.Tags.GetValueOrDefault("frugal.workflow"), workflow));
    }

    [Fact]
    public async Task RecordAsync_MetricListenerThrows_CommittedRecordStillCompletes()
    {
        // Counting runs after the commit: a listener that threw there failed every waiter of a batch already durable,
        // so each activity was retried and its billed call paid again.
        var workflow = "wf-listener-" + Guid.NewGuid().ToString("N");
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == FrugalTelemetry.SourceName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            foreach (var (key, value) in tags)
            {
                if (key == "frugal.workflow" && Equals(value, workflow))
                {
                    throw new InvalidOperationException("listener failed");
                }
            }
        });
        listener.Start();
        var ledger = new ListLedger();
        await using var recorder = new CostRecorder(ledger, Options.Create(new CostsOptions()));

        await recorder.RecordAsync(Record() with { Workflow = workflow, Dollars = 0.25m }, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Single(ledger.Records, r => r.Workflow == workflow);
    }

    [Fact]
    public void Complete_DeterministicStep_SpanNamesNoModel()
    {
        using var spans = new Spans(FrugalTelemetry.SourceName);
        var request = new StepRequest("triage", "h", "acme", "faq", 1, []) { RunId = "run-44" };

        using (var span = StepTelemetry.Start(request))
        {
            StepTelemetry.Count(Record() with { Tier = CostTier.Deterministic });
            StepTelemetry.Complete(span, request, new StepResponse([new CallResult(JsonValue.Create("ok"), "deterministic", null, 0, 0)]), TenantTextPolicy.None);
        }

        var step = Assert.Single(spans.Stopped, s => Equals(s.GetTagItem("frugal.run.id"), "run-44"));
        Assert.DoesNotContain(step.TagObjects, t => t.Key == "gen_ai.request.model");
        Assert.Equal(0.0, (double)step.GetTagItem("frugal.cost.dollars")!);
    }

    [Fact]
    public void Fail_StepAttempt_MarksSpanErrorAndCountsFailure()
    {
        using var listener = new Instruments(FrugalTelemetry.SourceName);
        var request = new StepRequest("wf-fail-" + Guid.NewGuid().ToString("N"), "h", "acme", "answer", 1, []) { RunId = "run-43" };

        StepTelemetry.Fail(null, request, new InvalidOperationException("boom"), TenantTextPolicy.None);

        var failure = Assert.Single(listener.Measurements, m => m.Name == "frugal.step.failures" && Equals(m.Tags["frugal.workflow"], request.Workflow));
        // The span's error.type is the fully qualified name, as the conventions ask; the metric's was the short name, so
        // a dashboard could not join the two.
        Assert.Equal("System.InvalidOperationException", failure.Tags["error.type"]);
    }

    [Theory]
    [InlineData("GET", "GET")]
    [InlineData("PATCH", "PATCH")]
    [InlineData("FOO", "_OTHER")]
    [InlineData("get", "_OTHER")]
    public void RecordHttpRequest_Method_IsAKnownMethodOrOther(string method, string tagged)
    {
        // The raw method was the tag: a client sending made-up methods made a new metric series with each.
        using var listener = new Instruments(FrugalTelemetry.SourceName);
        string route = "/api/test/" + Guid.NewGuid().ToString("N");

        FrugalMetrics.RecordHttpRequest(route, method, 405, 0.001);

        var measurement = Assert.Single(listener.Measurements, m => m.Name == "frugal.http.request.duration" && Equals(m.Tags["http.route"], route));
        Assert.Equal(tagged, measurement.Tags["http.request.method"]);
    }

    [Fact]
    public async Task RecordAsync_DeploymentNamedOtherThanItsModel_UnpricedCountsWhatTheLedgerLeftUnpriced()
    {
        // An Azure deployment named 'chat-...' answers naming its model: the ledger prices the answer by that model. The
        // write-ahead record's bound, priced by the deployment's name, counted one unpriced call per call all the same.
        string deployment = "chat-" + Guid.NewGuid().ToString("N"), unknown = "mystery-" + Guid.NewGuid().ToString("N");
        using var services = new ServiceCollection().AddKeyedSingleton<IChatClient>("cheap", new NamedChatClient(deployment)).BuildServiceProvider();
        var ledger = new ListLedger();
        await using var recorder = new CostRecorder(ledger, Options.Create(new CostsOptions()));
        var steps = new StepCostRecorder(recorder, PriceTable.LoadDefault(), TimeProvider.System, services: services);
        var call = new ModelCall(ModelTier.Cheap, "hello");
        var request = new StepRequest("wf-unpriced-" + Guid.NewGuid().ToString("N"), "h", "acme", "answer", 1, [call, call]) { RunId = "run-45" };
        using var listener = new Instruments(FrugalTelemetry.SourceName);

        string[] answeredBy = ["gpt-4o-mini-2024-07-18", unknown];
        for (var i = 0; i < answeredBy.Length; i++)
        {
            string started = await steps.RecordStartAsync(request, i, call, DateTimeOffset.UtcNow, CancellationToken.None);
            await steps.RecordAsync(
                request, i, call, new CallResult(JsonValue.Create("ok"), "cheap", answeredBy[i], 10, 5), DateTimeOffset.UtcNow, null, null, CancellationToken.None, started);
        }

        var unpriced = Assert.Single(ledger.Records, r => !r.Unfinished && !r.Priced);
        Assert.Equal(unknown, unpriced.Model);
        var counted = listener.Measurements.Where(m => m.Name == "frugal.cost.unpriced"
            && m.Tags.GetValueOrDefault("gen_ai.request.model") is string model && (model == deployment || model == unknown)).ToList();
        var measurement = Assert.Single(counted);
        Assert.Equal(unknown, measurement.Tags["gen_ai.request.model"]);
        Assert.Equal(1, measurement.Value);
    }

    private static CostRecord Record() => new() { RunId = "r", Workflow = "triage", StepId = "answer", Tenant = "acme" };

    /// <summary>
    /// A ledger whose first append waits for <see cref="Release"/>, and that holds already every record of run
    /// <see cref="Held"/>.
    /// </summary>
    private sealed class HoldingLedger : ICostLedger
    {
        public const string Held = "held";

        public TaskCompletionSource Appending { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<int> Batches { get; } = [];

        public async Task<IReadOnlyList<CostRecord>> AppendAsync(IReadOnlyList<CostRecord> records, CancellationToken cancellationToken)
        {
            Batches.Add(records.Count);
            if (Batches.Count == 1)
            {
                Appending.SetResult();
                await Release.Task;
            }

            return [.. records.Where(r => r.RunId != Held)];
        }

        public IAsyncEnumerable<CostRecord> QueryAsync(CostQuery query, CancellationToken cancellationToken) => AsyncEnumerable.Empty<CostRecord>();

        public Task<long> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken) => Task.FromResult(0L);
    }

    /// <summary>A ledger whose every commit fails.</summary>
    private sealed class FailingLedger : ICostLedger
    {
        public Task<IReadOnlyList<CostRecord>> AppendAsync(IReadOnlyList<CostRecord> records, CancellationToken cancellationToken) =>
            throw new IOException("disk full");

        public IAsyncEnumerable<CostRecord> QueryAsync(CostQuery query, CancellationToken cancellationToken) => AsyncEnumerable.Empty<CostRecord>();

        public Task<long> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken) => Task.FromResult(0L);
    }

    /// <summary>A chat client that only names its deployment, as a tier's client does in its metadata.</summary>
    private sealed class NamedChatClient(string deployment) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("azure.ai.openai", defaultModelId: deployment) : null;

        public void Dispose()
        {
        }
    }

    /// <summary>Records every span of the named sources that stops while it lives.</summary>
    private sealed class Spans : IDisposable
    {
        private readonly ActivityListener _listener;

        public Spans(params string[] sources)
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = s => sources.Contains(s.Name),
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = Stopped.Add,
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public ConcurrentBag<Activity> Stopped { get; } = [];

        public void Dispose() => _listener.Dispose();
    }

    private sealed record Measurement(string Name, double Value, Dictionary<string, object?> Tags);

    /// <summary>Collects the measurements of one meter with a <see cref="MeterListener"/>.</summary>
    private sealed class Instruments : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<Measurement> _measurements = new();

        public Instruments(string meter)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == meter)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
            _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
            _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Add(i, v, tags));
            _listener.Start();
        }

        public IReadOnlyList<Measurement> Measurements => [.. _measurements];

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
