using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Frugal.Inference.Tests;

/// <summary>
/// The inference app, running in the test process with the real MiniLM model and test settings; a setting given as
/// <see langword="null"/> is left to the app's own configuration (appsettings.json).
/// </summary>
internal sealed class InferenceApp(IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    : WebApplicationFactory<Program>
{
    public const string Key = "test-key-0123";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var all = new Dictionary<string, string?>
        {
            ["Inference:ApiKey"] = Key,
            ["Inference:MaxInputs"] = "8",
            ["Onnx:Batching:QueueCapacity"] = "64",
            ["Onnx:IntraOpThreads"] = "2",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                all.Remove(key);
            }
            else
            {
                all[key] = value;
            }
        }

        builder.UseEnvironment("Production");
        builder.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(all));
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        if (services is not null)
        {
            builder.ConfigureServices(services);
        }
    }

    /// <summary>Creates a client with the key and waits until <c>/healthz</c> says the models are loaded.</summary>
    public async Task<HttpClient> CreateReadyClientAsync(string? apiKey = Key)
    {
        var client = CreateClient();
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("api-key", apiKey);
        }

        await WaitUntilReadyAsync(client);
        return client;
    }

    public static async Task WaitUntilReadyAsync(HttpClient client)
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The inference app did not load its models within a minute.");
    }
}
