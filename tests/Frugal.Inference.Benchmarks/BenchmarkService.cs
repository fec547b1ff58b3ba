using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Frugal.Inference.Benchmarks;

/// <summary>The inference app on real Kestrel (loopback, a free port), configured for one benchmark phase.</summary>
internal sealed class BenchmarkService(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Program>
{
    public const string Key = "benchmark-key";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseContentRoot(AppContext.BaseDirectory);
        builder.ConfigureAppConfiguration((_, c) => c.AddInMemoryCollection(new Dictionary<string, string?>(settings) { ["Inference:ApiKey"] = Key }));
        builder.ConfigureLogging(l => l.ClearProviders().SetMinimumLevel(LogLevel.Warning));
    }

    /// <summary>Starts Kestrel and returns a plain HttpClient (no test handlers) on its address, once models are loaded.</summary>
    public async Task<HttpClient> StartAsync()
    {
        // WebApplicationFactory looks for the app's project folder; the build output holds all the app needs.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_FRUGAL_INFERENCE", AppContext.BaseDirectory);
        UseKestrel(0);
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1024, UseCookies = false })
        {
            BaseAddress = new Uri(address),
        };
        client.DefaultRequestHeaders.Add("api-key", Key);
        while (!(await client.GetAsync(new Uri("/healthz", UriKind.Relative))).IsSuccessStatusCode)
        {
            await Task.Delay(100);
        }

        return client;
    }
}
