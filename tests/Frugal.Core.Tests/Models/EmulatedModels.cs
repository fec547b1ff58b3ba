using Frugal.Emulator;
using Frugal.Models;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Frugal.Core.Tests.Models;

/// <summary>An emulator on a free port plus Frugal's model services configured against it.</summary>
internal sealed class EmulatedModels : IAsyncDisposable
{
    public const string ApiKey = "test-key";

    /// <summary>A setting value replaced by the emulator's OpenAI-style endpoint once it has a port.</summary>
    public const string OpenAIEndpointPlaceholder = "{openai-endpoint}";

    private EmulatedModels(EmulatorHandle emulator, ServiceProvider services)
    {
        Emulator = emulator;
        Services = services;
    }

    public EmulatorHandle Emulator { get; }

    public ServiceProvider Services { get; }

    public IChatClient Cheap => Services.GetRequiredKeyedService<IChatClient>(ModelTierKeys.Cheap);

    public IChatClient Premium => Services.GetRequiredKeyedService<IChatClient>(ModelTierKeys.Premium);

    public static async Task<EmulatedModels> StartAsync(
        EmulatorOptions? options = null,
        string clientKey = ApiKey,
        IDictionary<string, string?>? extraSettings = null)
    {
        options ??= new EmulatorOptions { ApiKey = ApiKey };
        var emulator = await EmulatorServer.StartAsync(options, 0, CancellationToken.None);
        var settings = new Dictionary<string, string?>
        {
            ["Frugal:Models:Cheap:Endpoint"] = emulator.Uri.ToString(),
            ["Frugal:Models:Cheap:Deployment"] = "gpt-4o-mini",
            ["Frugal:Models:Cheap:ApiKey"] = clientKey,
            ["Frugal:Models:Premium:Endpoint"] = emulator.Uri.ToString(),
            ["Frugal:Models:Premium:Deployment"] = "gpt-4o",
            ["Frugal:Models:Premium:ApiKey"] = clientKey,
            ["Frugal:Models:Embeddings:Endpoint"] = emulator.Uri.ToString(),
            ["Frugal:Models:Embeddings:Deployment"] = "text-embedding-3-small",
            ["Frugal:Models:Embeddings:ApiKey"] = clientKey,
        };
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string?>())
        {
            settings[key] = value == OpenAIEndpointPlaceholder ? emulator.OpenAIEndpoint.ToString() : value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddFrugalModels(configuration).BuildServiceProvider();
        return new EmulatedModels(emulator, services);
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Emulator.DisposeAsync();
    }
}
