using System.Text.Json.Nodes;
using Frugal.Costs;
using Frugal.Engine;
using Frugal.Inference.Hosting;
using Frugal.Models;
using Frugal.Workflows;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static Frugal.Hosting.Tests.Onnx.OnnxRuntimeHarness;

namespace Frugal.Hosting.Tests.Onnx;

/// <summary>The <c>onnx</c> tier through real orchestrations: in process (the CLI's default) and against the inference app.</summary>
public sealed class OnnxTierTests
{
    private const string UrgencyWorkflow = """
        steps:
          - id: urgency
            kind: model
            tier: onnx
            model: urgency
            prompt: ${ input.message }
        output:
          label: ${ steps.urgency.output.label }
          scores: ${ steps.urgency.output.scores }
        """;

    [Fact]
    public async Task Run_OnnxStepInProcess_OutputsLabelAndScoresAndRecordsGpuSecondsPricedByTheProfile()
    {
        await using var runtime = await StartAsync(new() { ["Frugal:Inference:GpuProfile"] = "NC8as-T4" });

        var (id, metadata) = await RunAsync(runtime, Parse(UrgencyWorkflow), new JsonObject { ["message"] = "URGENT: our production site is down and nobody can pay" });

        var output = metadata.ReadOutputAs<WorkflowRunResult>()!.Output!;
        Assert.Equal("high", output["label"]!.GetValue<string>());
        Assert.Equal(1.0, output["scores"]!["low"]!.GetValue<double>() + output["scores"]!["high"]!.GetValue<double>(), 4);
        var record = Assert.Single(await RecordsAsync(runtime, id));
        Assert.Equal(CostTier.Onnx, record.Tier);
        Assert.Equal("urgency", record.Model);
        Assert.Equal("frugal-onnx-local", record.Provider);
        Assert.True(record.GpuSeconds > 0, "in-process inference time is recorded as GPU seconds");
        Assert.True(record.Priced);
        Assert.Equal(Math.Round((decimal)record.GpuSeconds * 0.752m / 3600m, PriceTable.GpuDollarPlaces, MidpointRounding.AwayFromZero), record.Dollars);
    }

    [Fact]
    public async Task Run_OnnxForEachBatch_ItsCallsRunTogetherSoASlowOneDelaysNoneOfTheOthers()
    {
        // A batch is one activity, which hands its results back together: it lasts as long as its slowest call. Its
        // calls must still all be under way at once: "slow" answers only once every other item of its batch was called.
        var classifier = new GatedClassifier(others: 3);
        await using var runtime = await StartAsync(services: s => s.AddSingleton<IOnnxClassifier>(classifier));
        var definition = Parse("""
            steps:
              - id: each
                kind: foreach
                items: ${ input.items }
                batch_size: 4
                do:
                  kind: model
                  tier: onnx
                  model: urgency
                  prompt: ${ item }
            output:
              labels: ${ steps.each.output }
            """);

        var result = await RunCompletedAsync(runtime, definition, new JsonObject { ["items"] = new JsonArray("slow", "a", "b", "c") });

        Assert.Equal(["slow", "a", "b", "c"], result.Output!["labels"]!.AsArray().Select(o => o!["label"]!.GetValue<string>()));
        Assert.Equal(1, classifier.SlowCalls);
    }

    [Fact]
    public async Task Run_OnnxStepsPastTheBudget_CountedAgainstItAndRefused()
    {
        // ONNX calls never went through the budget: 40 runs spent 100x a monthly budget, all completed.
        await using var runtime = await StartAsync(new()
        {
            ["Frugal:Inference:GpuProfile"] = "NC24-A100",
            ["Frugal:Budgets:Tenants:Default:Monthly"] = "0.0000001",
            ["Frugal:Budgets:Action"] = "Refuse",
        });
        var budgets = runtime.Host.Services.GetRequiredService<Frugal.Budgets.BudgetGuard>();

        var (first, firstRun) = await RunAsync(runtime, Parse(UrgencyWorkflow), new JsonObject { ["message"] = "Payments fail for every customer right now" });
        var (_, second) = await RunAsync(runtime, Parse(UrgencyWorkflow), new JsonObject { ["message"] = "How do I change my avatar?" });

        Assert.Equal(Microsoft.DurableTask.Client.OrchestrationRuntimeStatus.Completed, firstRun.RuntimeStatus);
        var spent = Assert.Single(await RecordsAsync(runtime, first)).Dollars;
        Assert.True(spent > 0.0000001m, $"the first call cost ${spent}");
        Assert.Equal(Frugal.Budgets.BudgetGuard.ToNano(spent), Frugal.Budgets.BudgetGuard.ToNano(await budgets.MonthToDateAsync("default", CancellationToken.None)));
        Assert.Equal(Microsoft.DurableTask.Client.OrchestrationRuntimeStatus.Failed, second.RuntimeStatus);
        Assert.Contains("tenant 'default' has spent its monthly budget", second.FailureDetails!.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_OnnxStepWithoutGpuProfile_IsRecordedUnpricedNotFree()
    {
        await using var runtime = await StartAsync();

        var (id, _) = await RunAsync(runtime, Parse(UrgencyWorkflow), new JsonObject { ["message"] = "How do I change my avatar?" });

        var record = Assert.Single(await RecordsAsync(runtime, id));
        Assert.Equal(CostTier.Onnx, record.Tier);
        Assert.False(record.Priced);
        Assert.True(record.GpuSeconds > 0);
    }

    [Fact]
    public async Task Run_OnnxStepAgainstTheInferenceAppOnLoopback_UsesTheAppsClassifierAndGpuSeconds()
    {
        await using var app = await InferenceAppOnKestrel.StartAsync();

        await using var runtime = await StartAsync(new()
        {
            ["Frugal:Inference:Endpoint"] = app.ClientOptions.BaseAddress.ToString(),
            ["Frugal:Inference:ApiKey"] = InferenceAppOnKestrel.Key,
            ["Frugal:Inference:GpuProfile"] = "NC24-A100",
        });

        var (id, metadata) = await RunAsync(runtime, Parse(UrgencyWorkflow), new JsonObject { ["message"] = "Payments fail for every customer right now, fix it ASAP" });

        Assert.Equal("high", metadata.ReadOutputAs<WorkflowRunResult>()!.Output!["label"]!.GetValue<string>());
        var record = Assert.Single(await RecordsAsync(runtime, id));
        Assert.Equal("frugal-inference", record.Provider);
        Assert.Equal(CostTier.Onnx, record.Tier);
        Assert.True(record.GpuSeconds > 0, "the x-frugal-gpu-seconds header is recorded");
        Assert.Equal(Math.Round((decimal)record.GpuSeconds * 3.673m / 3600m, PriceTable.GpuDollarPlaces, MidpointRounding.AwayFromZero), record.Dollars);
    }

    [Fact]
    public async Task Run_LearnedRouterWithTheInferenceApp_EmbedsThroughItAndRecordsItsGpuSeconds()
    {
        // The router always embedded in process, even with the inference app configured: no batching with other
        // callers, a model copy per instance, and no GPU seconds in its records.
        await using var app = await InferenceAppOnKestrel.StartAsync();

        await using var runtime = await StartAsync(new()
        {
            ["Frugal:Inference:Endpoint"] = app.ClientOptions.BaseAddress.ToString(),
            ["Frugal:Inference:ApiKey"] = InferenceAppOnKestrel.Key,
            ["Frugal:Inference:GpuProfile"] = "NC24-A100",
        });
        var definition = Parse("""
            steps:
              - id: route
                kind: classify
                router: default
                input: ${ input.message }
            output:
              tier: ${ steps.route.output.tier }
            """);

        var (id, metadata) = await RunAsync(runtime, definition, new JsonObject { ["message"] = "How many clips did Natalia sell altogether in April and May?" });

        Assert.Equal(Microsoft.DurableTask.Client.OrchestrationRuntimeStatus.Completed, metadata.RuntimeStatus);
        var record = Assert.Single(await RecordsAsync(runtime, id));
        Assert.Equal("frugal-inference", record.Provider);
        Assert.True(record.GpuSeconds > 0, "the router's embedding time on the app is recorded");
        Assert.Equal(Math.Round((decimal)record.GpuSeconds * 3.673m / 3600m, PriceTable.GpuDollarPlaces, MidpointRounding.AwayFromZero), record.Dollars);
    }

    [Fact]
    public async Task Run_LearnedRouterInProcessWithTheInferenceApp_EmbedsHereAndLeavesTheGpuAlone()
    {
        // Classify steps every few minutes kept a serverless GPU replica (billed through each cool-down) up all day.
        await using var app = await InferenceAppOnKestrel.StartAsync();
        await using var runtime = await StartAsync(new()
        {
            ["Frugal:Inference:Endpoint"] = app.ClientOptions.BaseAddress.ToString(),
            ["Frugal:Inference:ApiKey"] = InferenceAppOnKestrel.Key,
            ["Frugal:Inference:GpuProfile"] = "NC24-A100",
            ["Frugal:Inference:RoutersInProcess"] = "true",
        });
        var definition = Parse("""
            steps:
              - id: route
                kind: classify
                router: default
                input: ${ input.message }
            """);

        var (id, metadata) = await RunAsync(runtime, definition, new JsonObject { ["message"] = "What is 17 times 23?" });

        Assert.Equal(Microsoft.DurableTask.Client.OrchestrationRuntimeStatus.Completed, metadata.RuntimeStatus);
        var record = Assert.Single(await RecordsAsync(runtime, id));
        Assert.Equal((0d, true, 0m), (record.GpuSeconds, record.Priced, record.Dollars));
        Assert.NotEqual("frugal-inference", record.Provider);
    }

    [Fact]
    public async Task Run_LearnedRouterInProcess_RecordedAtZeroWithoutGpuSeconds()
    {
        // The host's own CPU is not billed per call: the router's in-process embedding must not read as unpriced GPU time.
        await using var runtime = await StartAsync();
        var definition = Parse("""
            steps:
              - id: route
                kind: classify
                router: default
                input: ${ input.message }
            """);

        var (id, metadata) = await RunAsync(runtime, definition, new JsonObject { ["message"] = "What is 17 times 23?" });

        Assert.Equal(Microsoft.DurableTask.Client.OrchestrationRuntimeStatus.Completed, metadata.RuntimeStatus);
        var record = Assert.Single(await RecordsAsync(runtime, id));
        Assert.Equal((0d, true, 0m), (record.GpuSeconds, record.Priced, record.Dollars));
    }

    [Fact]
    public async Task Run_InferenceAppRefusesTheKey_FailsOnceNamingTheSetting()
    {
        // The run failed with "Multiple exception types with the name 'System.Net.Http.HttpRequestException' were
        // found" (the SDK's lookup of the activity's exception type), naming neither the step nor the 401.
        await using var app = await InferenceAppOnKestrel.StartAsync();

        await using var runtime = await StartAsync(new()
        {
            ["Frugal:Inference:Endpoint"] = app.ClientOptions.BaseAddress.ToString(),
            ["Frugal:Inference:ApiKey"] = "wrong",
        });

        var (_, metadata) = await RunAsync(runtime, Parse(UrgencyWorkflow), new JsonObject { ["message"] = "hi" });

        Assert.Equal(Microsoft.DurableTask.Client.OrchestrationRuntimeStatus.Failed, metadata.RuntimeStatus);
        Assert.StartsWith("step 'urgency': the inference app at ", metadata.FailureDetails!.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("refused the key (401 Unauthorized) for ONNX model 'urgency': check Frugal:Inference:ApiKey", metadata.FailureDetails.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UnknownOnnxModel_FailsNamingTheModelAndTheAvailableOnes()
    {
        await using var runtime = await StartAsync();

        var (_, metadata) = await RunAsync(runtime, Parse(UrgencyWorkflow.Replace("model: urgency", "model: sentiment", StringComparison.Ordinal)), new JsonObject { ["message"] = "hi" });

        Assert.NotEqual(Microsoft.DurableTask.Client.OrchestrationRuntimeStatus.Completed, metadata.RuntimeStatus);
        Assert.Contains("ONNX model 'sentiment' is not an in-process classifier (available: urgency)", metadata.FailureDetails!.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_OnnxTierWithNoInferenceConfigured_SaysWhatToConfigure()
    {
        var handler = new ModelStepHandler(new ServiceCollection().BuildServiceProvider());
        var request = new StepRequest("wf", "hash", "tenant", "urgency", 1, []) { RunId = "run" };

        var ex = await Assert.ThrowsAsync<StepInputException>(() => handler.ExecuteAsync(new ModelCall(ModelTier.Onnx, "text") { Model = "urgency" }, request, 0, null, CancellationToken.None));

        Assert.Equal("tier 'onnx' needs Frugal's inference app or in-process ONNX models (Frugal:Inference); none is configured", ex.Message);
    }

    [Fact]
    public async Task Start_GpuProfileNotInThePriceTable_FailsNamingTheSetting()
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync(new() { ["Frugal:Inference:GpuProfile"] = "H100-dreams" }));

        Assert.Contains("Frugal:Inference:GpuProfile 'H100-dreams' is not a GPU profile of price table", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_InferenceEndpointNotHttp_FailsNamingTheSetting()
    {
        // It started, and every onnx step then failed three times with "The 'ftp' scheme is not supported".
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync(new() { ["Frugal:Inference:Endpoint"] = "ftp://inference.example.net/" }));

        Assert.Contains("Frugal:Inference:Endpoint 'ftp://inference.example.net/' must be an absolute http or https URL", ex.Message, StringComparison.Ordinal);
    }

    private static async Task WaitUntilReadyAsync(HttpClient client)
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The inference app did not load its models within a minute.");
    }

    /// <summary>Labels a text with itself; "slow" waits (at most 30 s) until the other texts have all been called.</summary>
    private sealed class GatedClassifier(int others) : IOnnxClassifier
    {
        private readonly TaskCompletionSource othersCalled = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int called;
        private int slowCalls;

        public string Provider => "test";

        public int SlowCalls => Volatile.Read(ref slowCalls);

        public async Task<OnnxClassification> ClassifyAsync(string model, string text, CancellationToken cancellationToken)
        {
            if (text == "slow")
            {
                Interlocked.Increment(ref slowCalls);
                await othersCalled.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            }
            else if (Interlocked.Increment(ref called) == others)
            {
                othersCalled.TrySetResult();
            }

            return new OnnxClassification(text, new Dictionary<string, double> { [text] = 1 }, 1, 0, false);
        }
    }

    /// <summary>Frugal's inference app (found through a type of its assembly: the CLI has a <c>Program</c> too).</summary>
    private sealed class InferenceAppOnKestrel : WebApplicationFactory<InferenceOptions>
    {
        public const string Key = "hosting-tests-key";

        /// <summary>The app on a loopback port of its own, once its models have loaded.</summary>
        public static async Task<InferenceAppOnKestrel> StartAsync()
        {
            var app = new InferenceAppOnKestrel();
            app.UseKestrel(0);
            app.StartServer();
            using (var probe = app.CreateClient())
            {
                await WaitUntilReadyAsync(probe);
            }

            return app;
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            builder.ConfigureAppConfiguration((_, c) => c.AddInMemoryCollection(new Dictionary<string, string?> { ["Inference:ApiKey"] = Key, ["Onnx:IntraOpThreads"] = "2" }));
            builder.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        }
    }
}
