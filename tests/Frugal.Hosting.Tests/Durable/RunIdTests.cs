using Frugal.Hosting.Durable;
using Microsoft.Extensions.DependencyInjection;

namespace Frugal.Hosting.Tests.Durable;

/// <summary>The local host's run ids: time-ordered on the embedded backend, random on Azure Storage.</summary>
public sealed class RunIdTests
{
    [Fact]
    public async Task NewRunId_EmbeddedBackend_IsTimeOrdered()
    {
        await using var host = await FrugalLocalHost.StartAsync(new LocalHostOptions(), services => services.AddFrugalEngine());

        var ids = Enumerable.Range(0, 100).Select(_ => host.NewRunId()).ToList();

        // UUIDv7: the first 12 hex digits are the Unix time in milliseconds, so ids sort by when they were made (ids of
        // the same millisecond differ in random bits).
        Assert.All(ids, id => Assert.Equal(7, Guid.ParseExact(id, "N").Version));
        var milliseconds = ids.Select(id => Convert.ToInt64(id[..12], 16)).ToList();
        Assert.Equal(milliseconds.Order(), milliseconds);
    }

    [Fact]
    public async Task NewRunId_AzureStorageBackend_IsRandom()
    {
        var options = new LocalHostOptions
        {
            Backend = DurableBackendKind.AzureStorage,
            StorageConnectionString = Environment.GetEnvironmentVariable("FRUGAL_TEST_AZURITE") ?? "UseDevelopmentStorage=true",
            TaskHub = $"runids{Guid.NewGuid():N}"[..20],
        };
        await using var host = await FrugalLocalHost.StartAsync(options, services => services.AddFrugalEngine());

        Assert.Equal(4, Guid.ParseExact(host.NewRunId(), "N").Version);
    }
}
