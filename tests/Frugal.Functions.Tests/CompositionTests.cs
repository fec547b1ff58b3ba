using System.Text.Json.Nodes;
using Frugal.Engine;
using Frugal.Functions.Durable;
using Frugal.Functions.Runs;
using Frugal.Models;
using Frugal.Workflows;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Frugal.Functions.Tests;

/// <summary>The app's registrations (as Program.cs makes them) with the settings of local.settings.sample.json.</summary>
public sealed class CompositionTests
{
    [Fact]
    public void Services_SampleSettings_ResolveEveryFunctionClass()
    {
        using var provider = BuildProvider();

        Assert.NotNull(provider.GetRequiredService<RunHttpFunctions>());
        Assert.NotNull(provider.GetRequiredService<RunQueueFunction>());
        Assert.NotNull(provider.GetRequiredService<ExecuteStepFunction>());
        Assert.NotNull(provider.GetRequiredKeyedService<IChatClient>(ModelTierKeys.Cheap));
        Assert.NotNull(provider.GetRequiredKeyedService<IChatClient>(ModelTierKeys.Premium));
        Assert.Contains("default", provider.GetRequiredService<Frugal.Classification.ComplexityClassifierRegistry>().Names);
        var catalog = provider.GetRequiredService<WorkflowCatalog>();
        Assert.Contains("support-triage", catalog.Names);
        Assert.Contains("batch-summarise", catalog.Names);
        Assert.Contains(catalog.Errors, e => e.Message.Contains("'retrieve' is not available", StringComparison.Ordinal));
    }

    [Fact]
    public void Catalog_ClassifyStepWithARouterTheAppDoesNotHave_LeftOutAndReportedWhereItIs()
    {
        // Served, each run of it failed at its classify step, after the steps before it had run.
        var folder = Directory.CreateTempSubdirectory("frugal-functions-routers-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "good.yaml"), "name: good\ninput: { type: object }\nsteps:\n  - id: route\n    kind: classify\n    router: default\n    input: hi\n");
            File.WriteAllText(Path.Combine(folder, "fancy.yaml"), "name: fancy\ninput: { type: object }\nsteps:\n  - id: route\n    kind: classify\n    router: fancy\n    input: hi\n");
            using var provider = BuildProvider(folder);

            var catalog = provider.GetRequiredService<WorkflowCatalog>();

            Assert.Equal(["good"], catalog.Names);
            var error = Assert.Single(catalog.Errors);
            Assert.Equal(new SourceLocation(Path.Combine(folder, "fancy.yaml"), 6, 13), error.Location);
            Assert.StartsWith("step 'route': router 'fancy' is not available; available: ", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task ExecuteStep_DeterministicCall_RunsThroughTheSameExecutor()
    {
        using var provider = BuildProvider();
        var function = provider.GetRequiredService<ExecuteStepFunction>();
        var request = new StepRequest("wf", "hash", "default", "s", 1,
            [new DeterministicCall(DeterministicOperation.Regex, JsonValue.Create("order #12345 shipped"), @"#(?<order>\d+)")]);

        var response = await function.RunAsync(request, new TestFunctionContext());

        Assert.Equal("12345", response.Results[0].Output!["order"]!.GetValue<string>());
        Assert.Equal("deterministic", response.Results[0].Tier);
    }

    [Fact]
    public async Task ExecuteStep_NoInstanceIdBound_FailsRatherThanRecordCostsWithoutARun()
    {
        using var provider = BuildProvider();
        var function = provider.GetRequiredService<ExecuteStepFunction>();
        var request = new StepRequest("wf", "hash", "default", "s", 1,
            [new DeterministicCall(DeterministicOperation.Template, JsonValue.Create("x"))]);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => function.RunAsync(request, new TestFunctionContext(instanceId: null)));

        Assert.Contains("instanceId", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task PurgeHistory_MadeAsTheWorkerMakesFunctions_PurgesTheFeedbackFileWhenTheLoopIsOn(bool loop)
    {
        // The timer takes the feedback store only when the loop registers one; the worker creates function classes with
        // ActivatorUtilities, which must fall back to no store rather than fail.
        var folder = Directory.CreateTempSubdirectory("frugal-functions-purge-").FullName;
        try
        {
            var feedbackPath = Path.Combine(folder, "feedback.db");
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Frugal:Costs:SqlitePath"] = Path.Combine(folder, "costs.db"),
                ["Frugal:Routing:Feedback:Enabled"] = loop ? "true" : "false",
                ["Frugal:Routing:Feedback:Path"] = feedbackPath,
            }).Build();
            var old = new Frugal.Routing.Feedback.SqliteRoutingFeedbackStore(
                Microsoft.Extensions.Options.Options.Create(new Frugal.Routing.Feedback.RoutingFeedbackOptions { Enabled = true, Path = feedbackPath }),
                new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-500)));
            await old.AddAsync(new RoutingFeedback("run", "answer", "user", null, "a prompt", 0, 1), CancellationToken.None);
            var services = new ServiceCollection().AddLogging();
            services.AddFrugalCosts(configuration);
            services.AddFrugalRetention(configuration);
            services.AddFrugalRoutingFeedback(configuration);
            await using var provider = services.BuildServiceProvider();

            var function = ActivatorUtilities.CreateInstance<Frugal.Functions.Maintenance.PurgeFunction>(provider);
            await function.RunAsync(new Microsoft.Azure.Functions.Worker.TimerInfo(), null!, CancellationToken.None);

            var left = 0;
            await foreach (var _ in old.ReadExamplesAsync(CancellationToken.None))
            {
                left++;
            }

            Assert.Equal(loop ? 0 : 1, left);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task PurgeHistory_FeedbackInATable_PurgesTheTableEveryInstanceShares()
    {
        // infra/ deploys the table store: the timer purged only a SQLite file, so the shared table's prompts were kept for good.
        var folder = Directory.CreateTempSubdirectory("frugal-functions-purge-table-").FullName;
        string azurite = Environment.GetEnvironmentVariable("FRUGAL_TEST_AZURITE") is { Length: > 0 } s ? s : "UseDevelopmentStorage=true";
        var table = new Azure.Data.Tables.TableClient(azurite, "feedback" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Frugal:Costs:SqlitePath"] = Path.Combine(folder, "costs.db"),
                ["Frugal:Routing:Feedback:Enabled"] = "true",
                ["Frugal:Routing:Feedback:Store"] = "table",
                ["Frugal:Routing:Feedback:TableConnectionString"] = azurite,
                ["Frugal:Routing:Feedback:TableName"] = table.Name,
            }).Build();
            var old = new Frugal.Routing.Feedback.TableRoutingFeedbackStore(table, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-500)));
            await old.AddAsync(new RoutingFeedback("run", "answer", "user", null, "a prompt", 0, 1), CancellationToken.None);
            var services = new ServiceCollection().AddLogging();
            services.AddFrugalCosts(configuration);
            services.AddFrugalRetention(configuration);
            services.AddFrugalRoutingFeedback(configuration);
            await using var provider = services.BuildServiceProvider();

            var function = ActivatorUtilities.CreateInstance<Frugal.Functions.Maintenance.PurgeFunction>(provider);
            await function.RunAsync(new Microsoft.Azure.Functions.Worker.TimerInfo(), null!, CancellationToken.None);

            await foreach (var example in old.ReadExamplesAsync(CancellationToken.None))
            {
                Assert.Fail($"example of run '{example.RunId}' was kept");
            }
        }
        finally
        {
            await table.DeleteAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static ServiceProvider BuildProvider(string? workflows = null)
    {
        var sample = JsonNode.Parse(File.ReadAllText(Path.Combine(FunctionsHostFixture.RepoRoot(), "local.settings.sample.json")))!;
        var values = sample["Values"]!.AsObject().ToDictionary(p => p.Key.Replace("__", ":", StringComparison.Ordinal), p => p.Value?.GetValue<string>());
        values["Frugal:Workflows:Directory"] = workflows ?? Path.Combine(FunctionsHostFixture.RepoRoot(), "workflows");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddFrugalEngine();
        services.AddFrugalModels(configuration);
        services.AddFrugalWorkflows(configuration);
        Frugal.Onnx.Routing.OnnxRouterEmbeddings.AddOnnxRouterEmbeddings(services);
        services.AddFrugalRouters(configuration);
        services.AddTransient<RunHttpFunctions>();
        services.AddTransient<RunQueueFunction>();
        services.AddTransient<ExecuteStepFunction>();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }
}
