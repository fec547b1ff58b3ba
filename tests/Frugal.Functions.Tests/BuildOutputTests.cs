using System.Text.Json.Nodes;
using Frugal.Functions.Tests.BuildOutput;

namespace Frugal.Functions.Tests;

/// <summary>
/// Checks the Functions app's build output: what the Functions host will load (extensions.json) and which functions
/// it will index with which triggers (functions.metadata), plus the host.json and settings sample the app runs with.
/// </summary>
public sealed class BuildOutputTests
{
    // ---- The functions the app must expose. The build output must list exactly these functions:
    // ---- edit this table when a function is added, renamed or rebound.
    private static readonly ExpectedFunction[] s_expectedFunctions =
    [
        new("StartRun", "httpTrigger", Route: "workflows/{name}/runs", Method: "post", AlsoBinds: ["durableClient"]),
        new("GetRun", "httpTrigger", Route: "runs/{id}", Method: "get", AlsoBinds: ["durableClient"]),
        new("RunFeedback", "httpTrigger", Route: "runs/{id}/feedback", Method: "post"),
        new("RunFromQueue", "queueTrigger", QueueName: "workflow-jobs", AlsoBinds: ["durableClient"]),
        new("WorkflowOrchestrator", "orchestrationTrigger"),
        new("ExecuteStep", "activityTrigger"),
        new("CostReport", "httpTrigger", Route: "costs/report", Method: "get"),
        new("PurgeHistory", "timerTrigger", AlsoBinds: ["durableClient"]),
        new("RefreshEmbeddings", "timerTrigger"),
    ];

    // Settings the app reads; local.settings.sample.json must offer every one of them.
    private static readonly string[] s_settingsTheAppReads =
    [
        "AzureWebJobsStorage",
        "FUNCTIONS_WORKER_RUNTIME",
        "Frugal__Workflows__Directory",
        "Frugal__Models__Cheap__Endpoint",
        "Frugal__Models__Cheap__Deployment",
        "Frugal__Models__Premium__Endpoint",
        "Frugal__Models__Premium__Deployment",
        "Frugal__Retention__Schedule",
        "Frugal__Embeddings__RefreshSchedule",
    ];

    public static TheoryData<string> ExpectedFunctionNames => [.. s_expectedFunctions.Select(f => f.Name)];

    private static FunctionsBuildOutput Output => FunctionsBuildOutput.Current.Value;

    [Fact]
    public void ExtensionsJson_DurableFunctionsApp_ListsDurableTaskExtension()
    {
        Assert.Contains(Output.ExtensionTypeNames,
            t => t.Contains(", Microsoft.Azure.WebJobs.Extensions.DurableTask,", StringComparison.Ordinal));
    }

    [Fact]
    public void ExtensionsJson_QueueTriggeredApp_ListsStorageQueuesExtension()
    {
        Assert.Contains(Output.ExtensionTypeNames,
            t => t.Contains(", Microsoft.Azure.WebJobs.Extensions.Storage.Queues,", StringComparison.Ordinal));
    }

    [Fact]
    public void ExtensionsJson_EveryExtension_HasItsAssemblyInTheOutput()
    {
        foreach (var extension in Output.Extensions.OfType<JsonObject>())
        {
            var hintPath = (string?)extension["hintPath"];
            Assert.False(string.IsNullOrEmpty(hintPath), $"extension {(string?)extension["name"]} has no hintPath");
            Assert.True(File.Exists(Path.Combine(Output.Folder, hintPath)), $"{hintPath} is missing from {Output.Folder}");
        }
    }

    [Theory]
    [MemberData(nameof(ExpectedFunctionNames))]
    public void FunctionsMetadata_ExpectedFunction_HasItsTriggerAndBindings(string name)
    {
        var expected = s_expectedFunctions.Single(f => f.Name == name);
        var function = Output.Function(name);
        Assert.True(function is not null,
            $"functions.metadata has no function '{name}'; it has: {string.Join(", ", Output.FunctionNames)}");

        var bindings = function["bindings"]!.AsArray().OfType<JsonObject>().ToList();
        var triggers = bindings.Where(b => ((string?)b["type"])?.EndsWith("Trigger", StringComparison.Ordinal) == true).ToList();
        var trigger = Assert.Single(triggers);
        Assert.Equal(expected.TriggerType, (string?)trigger["type"]);
        Assert.Equal("In", (string?)trigger["direction"]);

        if (expected.Route is not null)
        {
            Assert.Equal(expected.Route, (string?)trigger["route"]);
            Assert.Equal("Function", (string?)trigger["authLevel"]);
            var methods = trigger["methods"]!.AsArray().Select(m => ((string?)m)?.ToUpperInvariant()).ToList();
            Assert.Equal([expected.Method!.ToUpperInvariant()], methods);
        }

        if (expected.QueueName is not null)
        {
            Assert.Equal(expected.QueueName, (string?)trigger["queueName"]);
        }

        foreach (var other in expected.AlsoBinds ?? [])
        {
            Assert.Contains(bindings, b => (string?)b["type"] == other && (string?)b["direction"] == "In");
        }
    }

    [Fact]
    public void FunctionsMetadata_EveryFunction_IsInTheExpectedTable()
    {
        var unexpected = Output.FunctionNames.Except(s_expectedFunctions.Select(f => f.Name)).ToList();
        Assert.True(unexpected.Count == 0,
            $"functions.metadata lists functions this test does not know: {string.Join(", ", unexpected)}; add them to s_expectedFunctions.");
    }

    [Fact]
    public void FunctionsMetadata_HttpFunctions_RequireAFunctionKey()
    {
        var anonymous = Output.Functions.OfType<JsonObject>()
            .Where(f => f["bindings"]!.AsArray().OfType<JsonObject>()
                .Any(b => (string?)b["type"] == "httpTrigger" && (string?)b["authLevel"] != "Function"))
            .Select(f => (string?)f["name"])
            .ToList();
        Assert.Empty(anonymous);
    }

    [Fact]
    public void FunctionsMetadata_EveryFunction_PointsAtTheAppAssembly()
    {
        foreach (var function in Output.Functions.OfType<JsonObject>())
        {
            Assert.Equal("Frugal.Functions.dll", (string?)function["scriptFile"]);
            Assert.Equal("dotnet-isolated", (string?)function["language"]);
        }
    }

    [Fact]
    public void Load_MissingBuildOutput_ThrowsNamingTheFileAndTheFix()
    {
        var folder = Path.Combine(Path.GetTempPath(), "frugal-no-build-" + Guid.NewGuid().ToString("N"));

        var ex = Assert.Throws<FileNotFoundException>(() => FunctionsBuildOutput.Load(folder));

        Assert.Contains(Path.Combine(folder, "functions.metadata"), ex.Message, StringComparison.Ordinal);
        Assert.Contains("build src/Frugal.Functions", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MalformedMetadata_ThrowsNamingTheFile()
    {
        var folder = Directory.CreateTempSubdirectory("frugal-bad-build-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "functions.metadata"), "[ {");

            var ex = Assert.Throws<InvalidDataException>(() => FunctionsBuildOutput.Load(folder));

            Assert.StartsWith(Path.Combine(folder, "functions.metadata") + ": is not valid JSON", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void HostJson_DurableTask_UsesTheFrugalHubOnAzureStorage()
    {
        var durable = ReadJson(RepositoryPaths.InRepo("host.json"))["extensions"]?["durableTask"];

        Assert.Equal("FrugalHub", (string?)durable?["hubName"]);
        Assert.Equal("AzureStorage", (string?)durable?["storageProvider"]?["type"]);

        // The worker's Durable client takes its gRPC receive limit from here (4 MB by default): GET /api/runs/{id} of a
        // run whose input and output passed it failed with a 500, where frugal serve (no limit) answered.
        Assert.Equal(int.MaxValue, (int?)durable?["maxGrpcMessageSizeInBytes"]);

        // The isolated worker's orchestrator starts no spans: the host makes a run's orchestration and activity spans.
        Assert.True((bool?)durable?["tracing"]?["distributedTracingEnabled"]);
        Assert.Equal("V2", (string?)durable?["tracing"]?["version"]);
    }

    [Fact]
    public void HostJson_DurableTracing_LeavesStepInputsOutputsAndFailureMessagesOutOfTheHostsLog()
    {
        // On, the Durable extension logs every activity's input and output (a step's prompts, a model's answers) and a
        // failure's whole message to Application Insights for every tenant; off, their lengths and the exception's type.
        var tracing = ReadJson(RepositoryPaths.InRepo("host.json"))["extensions"]?["durableTask"]?["tracing"];

        Assert.NotEqual("true", tracing?["traceInputsAndOutputs"]?.ToString(), StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public void HostJson_Queues_SpreadRedeliveriesOverMoreThanATokensPerMinuteWindow()
    {
        // A job whose tenant is over its tokens per minute is failed to be delivered again; with the default
        // visibility timeout (0) all its deliveries fell within the same one-minute window and it went to poison.
        var queues = ReadJson(RepositoryPaths.InRepo("host.json"))["extensions"]?["queues"];
        var spread = TimeSpan.Parse((string)queues!["visibilityTimeout"]!, System.Globalization.CultureInfo.InvariantCulture) * ((int)queues["maxDequeueCount"]! - 1);

        Assert.True(spread > TimeSpan.FromMinutes(1), $"redeliveries span only {spread}");
    }

    [Fact]
    public void HostJson_IsolatedWorker_HasNoExtensionBundle()
    {
        // The isolated worker brings its extensions through extensions.json; a bundle would load a second copy.
        var host = ReadJson(RepositoryPaths.InRepo("host.json"));

        Assert.Equal("2.0", (string?)host["version"]);
        Assert.Null(host["extensionBundle"]);
    }

    [Fact]
    public void HostJson_BuildOutput_IsTheRootHostJson()
    {
        Assert.Equal(
            File.ReadAllText(RepositoryPaths.InRepo("host.json")),
            File.ReadAllText(Path.Combine(Output.Folder, "host.json")));
    }

    [Fact]
    public void LocalSettingsSample_SettingsTheAppReads_AreAllPresent()
    {
        var values = ReadJson(RepositoryPaths.InRepo("local.settings.sample.json"))["Values"]!.AsObject();

        var missing = s_settingsTheAppReads.Where(k => !values.ContainsKey(k)).ToList();

        Assert.True(missing.Count == 0, $"local.settings.sample.json lacks: {string.Join(", ", missing)}");
        Assert.Equal("dotnet-isolated", (string?)values["FUNCTIONS_WORKER_RUNTIME"]);
        Assert.Equal("UseDevelopmentStorage=true", (string?)values["AzureWebJobsStorage"]);
    }

    private static JsonNode ReadJson(string path) =>
        JsonNode.Parse(File.ReadAllText(path)) ?? throw new InvalidDataException($"{path}: is empty JSON.");

    private sealed record ExpectedFunction(
        string Name,
        string TriggerType,
        string? Route = null,
        string? Method = null,
        string? QueueName = null,
        string[]? AlsoBinds = null);
}
