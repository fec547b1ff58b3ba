using Frugal.Cli.Local;
using Microsoft.Extensions.Configuration;

namespace Frugal.Hosting.Tests;

/// <summary>One embedded durable host with the model emulator, shared by the tests of a collection.</summary>
public sealed class LocalHostFixture : IAsyncLifetime
{
    private LocalRuntime? _runtime;

    internal LocalRuntime Runtime => _runtime ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Frugal:Costs:SqlitePath"] = Path.Combine(Path.GetTempPath(), $"frugal-tests-{Guid.NewGuid():N}", "costs.db"),
        }).Build();
        _runtime = await LocalRuntime.StartAsync(configuration, store: null, TextWriter.Null);
    }

    public async Task DisposeAsync()
    {
        if (_runtime is not null)
        {
            await _runtime.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class LocalHostGroup : ICollectionFixture<LocalHostFixture>
{
    public const string Name = "local host";
}
