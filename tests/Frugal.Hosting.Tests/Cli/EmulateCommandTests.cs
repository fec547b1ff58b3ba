using System.CommandLine;
using Frugal.Cli.Commands;
using Microsoft.Extensions.Configuration;

namespace Frugal.Hosting.Tests.Cli;

public sealed class EmulateCommandTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("frugal-emulate-");

    [Fact]
    public void LoadOptions_EmulatorSection_BindsDeployments()
    {
        var file = Write("""{ "Emulator": { "ApiKey": "k", "Seed": 9, "Deployments": { "gpt-4o": { "LatencyMs": 20, "RateLimitRate": 0.1 } } } }""");

        var options = EmulateCommand.LoadOptions(file);

        Assert.Equal("k", options.ApiKey);
        Assert.Equal(9, options.Seed);
        Assert.Equal(20, options.For("GPT-4O").LatencyMs);
        Assert.Equal(0.1, options.For("gpt-4o").RateLimitRate);
    }

    [Fact]
    public void LoadOptions_SettingsThenFile_TheFileWins()
    {
        // frugal emulate reads Emulator__... environment variables and frugal.json, as frugal run's emulator does.
        var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Emulator:Defaults:ServerErrorRate"] = "0.25",
            ["Emulator:Seed"] = "3",
        }).Build();
        var file = Write("""{ "Emulator": { "Seed": 9 } }""");

        var options = EmulateCommand.LoadOptions(file, settings);

        Assert.Equal((0.25, 9), (options.Defaults.ServerErrorRate, options.Seed));
    }

    [Fact]
    public void LoadOptions_DeploymentListedWithSomeSettings_TakesTheRestFromDefaults()
    {
        // A listed deployment was built from scratch: README's example, whose Defaults add latency, jitter and faults
        // and whose chat-cheap is listed only to name its model, answered chat-cheap at once and never failed (and
        // frugal replay, which lists gpt-4o-mini and gpt-4o to give them quality tiers, ignored a user's Defaults).
        var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Emulator:Defaults:JitterMs"] = "7",
            ["Emulator:Deployments:gpt-4o:TimeoutRate"] = "0.01",
        }).Build();
        var file = Write("""
            { "Emulator": {
              "Defaults": { "LatencyMs": 200, "RateLimitRate": 0.05, "ServerErrorRate": 0.02 },
              "Deployments": { "gpt-4o": { "LatencyMs": 800 }, "chat-cheap": { "Model": "gpt-4o-mini-2024-07-18" } } } }
            """);

        var options = EmulateCommand.LoadOptions(file, settings);

        var premium = options.For("gpt-4o");
        var cheap = options.For("chat-cheap");
        Assert.Equal((800, 7, 0.05, 0.02, 0.01), (premium.LatencyMs, premium.JitterMs, premium.RateLimitRate, premium.ServerErrorRate, premium.TimeoutRate));
        Assert.Equal(("gpt-4o-mini-2024-07-18", 200, 7, 0.05, 0.0), (cheap.Model, cheap.LatencyMs, cheap.JitterMs, cheap.RateLimitRate, cheap.TimeoutRate));
        Assert.Equal(0.0, options.Defaults.TimeoutRate);
    }

    [Theory]
    [InlineData("""{ "Emulatr": { "Seed": 9 } }""", "Emulatr")]
    [InlineData("""{ "Emulator": { "Defaults": { "LatncyMs": 200 } } }""", "Emulator:Defaults:LatncyMs")]
    [InlineData("""{ "Emulator": { "Deployments": { "gpt-4o": { "LatncyMs": 200 } } } }""", "Emulator:Deployments:gpt-4o:LatncyMs")]
    public void LoadOptions_UnknownKeyInTheFile_FailsNamingWhereItIs(string json, string path)
    {
        // The binder's message named the property and a type (DeploymentOptions), not where the typo was.
        var file = Write(json);

        var ex = Assert.Throws<InvalidDataException>(() => EmulateCommand.LoadOptions(file));

        Assert.EndsWith($"has setting(s) the emulator does not know: {path} (a typo?)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownSettingWarnings_MisspeltKeyInTheSettings_NamesItAndWhatItWasLikelyMeantToBe()
    {
        // frugal run warned about a misspelt Emulator key in frugal.json or the environment; frugal emulate started
        // an emulator without that fault and said nothing.
        var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Emulator:Defaults:ServerErrorRat"] = "0.5",
            ["Emulator:Seed"] = "3",
            ["Frugal:Budgets:PerRun"] = "1",
        }).Build();

        var warnings = EmulateCommand.UnknownSettingWarnings(settings).ToList();

        var warning = Assert.Single(warnings);
        Assert.StartsWith("warning: Emulator:Defaults:ServerErrorRat is not a setting Frugal reads; it is ignored", warning, StringComparison.Ordinal);
        Assert.Contains("ServerErrorRate", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_MissingConfigFile_ExitsTwoNamingFile()
    {
        var (code, _, error) = await InvokeAsync("emulate", "--config", Path.Combine(_directory.FullName, "none.json"));

        Assert.Equal(2, code);
        Assert.Contains("none.json' was not found.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_ConfigIsAFolder_ExitsTwoSayingSo()
    {
        // It said the folder "was not found".
        var (code, _, error) = await InvokeAsync("emulate", "--config", _directory.FullName);

        Assert.Equal(2, code);
        Assert.Contains($"The emulator config file '{_directory.FullName}' is a folder; --config names a JSON file.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_QualityIsAFolder_ExitsTwoSayingSo()
    {
        // It said the folder "does not exist".
        var (code, _, error) = await CliRunner.RunAsync("emulate", "--quality", _directory.FullName, "--port", "0");

        Assert.Equal(2, code);
        Assert.Contains($"Emulator:QualityData: '{_directory.FullName}' is a folder; name a labelled CSV file (id,source,prompt,cheap_score,premium_score).", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_ConfigThatCannotBeRead_ExitsTwoNamingIt()
    {
        // It ended with "error: Permission denied", exit 1, naming no file. A bus's drivers_probe is write-only in
        // sysfs: not even root may read it (a chmod 000 file root reads anyway).
        const string config = "/sys/bus/cpu/drivers_probe";
        if (!File.Exists(config))
        {
            return;
        }

        var (code, output, error) = await CliRunner.RunAsync("emulate", "--config", config, "--port", "0");

        Assert.Equal(2, code);
        Assert.Equal($"The emulator config file '{config}' cannot be read: Access to the path '{config}' is denied.", error.Trim());
        Assert.Empty(output);
    }

    [Fact]
    public async Task Invoke_InvalidJson_ExitsTwoSayingNotValidJson()
    {
        var file = Write("{ bad");

        var (code, _, error) = await InvokeAsync("emulate", "--config", file.FullName);

        Assert.Equal(2, code);
        Assert.Contains("is not valid JSON:", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_BadValue_ExitsTwoNamingKey()
    {
        var file = Write("""{ "Emulator": { "Seed": "abc" } }""");

        var (code, _, error) = await InvokeAsync("emulate", "--config", file.FullName);

        Assert.Equal(2, code);
        Assert.Contains("'abc' at 'Emulator:Seed'", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "Emulator": { "Deployments": { "gpt-4o": { "LatencyMs": "fast" } } } }""", "'fast' at 'Emulator:Deployments:gpt-4o:LatencyMs'")]
    [InlineData("""{ "Emulator": { "Deployments": { "gpt-4o": { "TimeoutRate": "1%" } } } }""", "'1%' at 'Emulator:Deployments:gpt-4o:TimeoutRate'")]
    public async Task Invoke_BadValueOfADeployment_ExitsTwoNamingKeyAndValue(string json, string expected)
    {
        // The binder wraps what went wrong under Deployments in "binding has failed. The likely cause is an invalid
        // configuration value", which was all the user read.
        var file = Write(json);

        var (code, _, error) = await InvokeAsync("emulate", "--config", file.FullName);

        Assert.Equal(2, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Contains(file.FullName, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_InvalidRates_ExitsTwoListingFailures()
    {
        var file = Write("""{ "Emulator": { "Deployments": { "x": { "RateLimitRate": 2 } } } }""");

        var (code, _, error) = await InvokeAsync("emulate", "--config", file.FullName);

        Assert.Equal(2, code);
        Assert.Contains($"The emulator configuration ('{file.FullName}' over frugal.json and Emulator__ environment variables) is not valid:", error, StringComparison.Ordinal);
        Assert.Contains("Emulator:Deployments:x:RateLimitRate must be between 0 and 1 (was 2).", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_PortOutOfRange_ExitsWithMessage()
    {
        var (code, _, error) = await InvokeAsync("emulate", "--port", "70000");

        Assert.NotEqual(0, code);
        Assert.Contains("--port: '70000' is not a port from 0 to 65535", error, StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Delete(recursive: true);

    private FileInfo Write(string json)
    {
        var path = Path.Combine(_directory.FullName, $"{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return new FileInfo(path);
    }

    [Fact]
    public async Task Invoke_PortInUse_ExitsTwoSayingSo()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;

        var (code, _, error) = await InvokeAsync("emulate", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(2, code);
        Assert.Equal($"--port: 127.0.0.1:{port} is already in use; stop what listens there or pass another port (0 takes any free one)", error.Trim());
    }

    [Fact]
    public async Task Process_PortInUse_PrintsTheLineAndNoStackTrace()
    {
        // The host also logged "Hosting failed to start" with a 26-line stack trace to standard error.
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;

        var (code, _, error) = await CliRunner.RunProcessAsync(_directory.FullName, "emulate", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(2, code);
        Assert.Equal($"--port: 127.0.0.1:{port} is already in use; stop what listens there or pass another port (0 takes any free one)", error.Trim());
    }

    [Fact]
    public async Task Serve_PortInUse_ExitsTwoBeforeStartingAnything()
    {
        // frugal serve and func start both default to 7071.
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;

        var (code, output, error) = await CliRunner.RunAsync("serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--workflows", Path.Combine(RepoPaths.Root, "workflows"));

        Assert.Equal(2, code);
        Assert.Contains($"--port: 127.0.0.1:{port} is already in use", error, StringComparison.Ordinal);
        Assert.DoesNotContain("emulator", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--port", "-1", "--port: '-1' is not a port from 0 to 65535")]
    [InlineData("--port", "70000", "--port: '70000' is not a port from 0 to 65535")]
    [InlineData("--store", "garbage", "--store: not an Azure Storage connection string (")]
    public async Task Serve_BadPortOrStore_ExitsTwoNamingTheOption(string option, string value, string message)
    {
        // Each ended in an unhandled exception (exit 134) before.
        var (code, _, error) = await CliRunner.RunAsync("serve", option, value, "--workflows", Path.Combine(RepoPaths.Root, "workflows"));

        Assert.Equal(2, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_ClassifyStepWithARouterTheHostDoesNotHave_SkipsTheWorkflowSayingWhere()
    {
        // Served, each run of it failed at its classify step, after the steps before it had run.
        var folder = _directory.CreateSubdirectory("routers").FullName;
        var file = Path.Combine(folder, "fancy.yaml");
        File.WriteAllText(file, "name: fancy\ninput: { type: object }\nsteps:\n  - id: route\n    kind: classify\n    router: fancy\n    input: hi\n");

        var (code, _, error) = await CliRunner.RunAsync("serve", "--port", "0", "--workflows", folder);

        Assert.Equal(2, code);
        Assert.Contains($"skipped: {file}:6:13: step 'route': router 'fancy' is not available; available: ", error, StringComparison.Ordinal);
        Assert.Contains($"{folder}: no workflow to serve", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_WorkflowsFolderThatCannotBeListed_ExitsTwoNamingIt()
    {
        // It said "error: Access to the path '...' is denied", which path the user's it did not say. A container's root
        // may not list another process's map_files (it needs CAP_SYS_ADMIN).
        if (LockedPaths.UnlistableFolder() is not { } folder)
        {
            return;
        }

        var (code, _, error) = await CliRunner.RunAsync("serve", "--port", "0", "--workflows", folder);

        Assert.Equal(2, code);
        Assert.Equal($"{folder}: cannot read the folder: Access to the path '{folder}' is denied.", error.Trim());
    }

    [Fact]
    public async Task Serve_FolderWithNothingToServe_ExitsTwoSayingSo()
    {
        var empty = _directory.CreateSubdirectory("empty").FullName;
        File.WriteAllText(Path.Combine(empty, "broken.yaml"), "name: [");

        var (code, _, error) = await CliRunner.RunAsync("serve", "--port", "0", "--workflows", empty);

        Assert.Equal(2, code);
        Assert.Contains("skipped: ", error, StringComparison.Ordinal);
        Assert.Contains($"{empty}: no workflow to serve", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_WorkflowsNamingAFile_SaysItNeedsTheFolder()
    {
        var (code, _, error) = await CliRunner.RunAsync("serve", "--port", "0", "--workflows", RepoPaths.Workflow("support-triage.yaml"));

        Assert.Equal(2, code);
        Assert.Contains("is a file; --workflows names the folder of workflow files to serve", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_StoreThatCannotBeReached_ExitsTwoSayingWhy()
    {
        // Nothing listens on port 9 (discard) on loopback.
        var store = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
            + "BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;QueueEndpoint=http://127.0.0.1:9/devstoreaccount1;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;";
        var input = Path.Combine(Path.GetTempPath(), $"frugal-in-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(input, """{ "subject": "Hi", "body": "Where is my invoice?" }""");
        try
        {
            var (code, _, error) = await CliRunner.RunAsync("run", RepoPaths.Workflow("support-triage.yaml"), "--input", input, "--store", store);

            Assert.Equal(2, code);
            Assert.StartsWith("--store: cannot use the storage account: ", error.Trim(), StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(input);
        }
    }

    private static async Task<(int Code, string Output, string Error)> InvokeAsync(params string[] args)
    {
        var root = new RootCommand { EmulateCommand.Create() };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }
}
