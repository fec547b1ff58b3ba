using Frugal.Cli.Local;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Frugal.Hosting.Tests.Routing;

/// <summary>A configured router that cannot be loaded stops the local host at start-up, naming the file.</summary>
public sealed class RouterStartupTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("frugal-routers-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task StartAsync_CorruptRouterFile_FailsNamingFile()
    {
        var folder = _directory.CreateSubdirectory("broken").FullName;
        var file = Path.Combine(folder, "router.json");
        await File.WriteAllTextAsync(file, "{ not json");

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(("Frugal:Routing:Routers:broken", folder)));

        Assert.Contains(ex.Failures, f => f.StartsWith($"Frugal:Routing:Routers:broken: {file}: not a valid router file", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StartAsync_MissingRouterFolder_FailsNamingFolder()
    {
        var folder = Path.Combine(_directory.FullName, "absent");

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(("Frugal:Routing:Routers:absent", folder)));

        Assert.Contains($"Frugal:Routing:Routers:absent: Router folder '{folder}' does not exist.", ex.Failures);
    }

    [Fact]
    public async Task StartAsync_EmptyRouterFolder_FailsNamingTheKey()
    {
        // frugal run ended with "The value cannot be an empty string. (Parameter 'path')", exit 1, naming no setting.
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(("Frugal:Routing:Routers:blank", "")));

        Assert.Contains("Frugal:Routing:Routers:blank: the router folder is not named (empty); name a folder holding router.json, or leave the router out.", ex.Failures);
    }

    [Fact]
    public async Task StartAsync_RouterNamedOtherwise_SaysHowToPutItRight()
    {
        // frugal router train names a router 'default' unless --name says otherwise: one trained into routers/mine and
        // configured as Routers:mine was refused with "the names must match" and nothing on what to change.
        var folder = Path.Combine(AppContext.BaseDirectory, "routers", "default");

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(("Frugal:Routing:Routers:mine", folder)));

        Assert.Contains(
            $"Frugal:Routing:Routers:mine: the folder {folder} holds router 'default'; the names must match (train it with 'frugal router train --name mine', or configure it as Frugal:Routing:Routers:default).",
            ex.Failures);
    }

    private static async Task StartAsync((string Key, string Value) setting)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new(setting.Key, setting.Value)]).Build();
        await using var runtime = await LocalRuntime.StartAsync(configuration, store: null, TextWriter.Null);
    }
}
