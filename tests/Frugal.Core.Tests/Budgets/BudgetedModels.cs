using Frugal.Budgets;
using Frugal.Emulator;
using Frugal.Models;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Frugal.Core.Tests.Budgets;

/// <summary>The model emulator plus Frugal's tiers with budgets (and costs on a temporary SQLite ledger).</summary>
internal sealed class BudgetedModels : IAsyncDisposable
{
    private readonly string _folder;

    private BudgetedModels(EmulatorHandle emulator, ServiceProvider services, string folder)
    {
        Emulator = emulator;
        Services = services;
        _folder = folder;
    }

    public EmulatorHandle Emulator { get; }

    public ServiceProvider Services { get; }

    public IChatClient Cheap => Services.GetRequiredKeyedService<IChatClient>(ModelTierKeys.Cheap);

    public IChatClient Premium => Services.GetRequiredKeyedService<IChatClient>(ModelTierKeys.Premium);

    public BudgetGuard Guard => Services.GetRequiredService<BudgetGuard>();

    public IBudgetStore Store => Services.GetRequiredService<IBudgetStore>();

    /// <summary>The Redis test server: <c>FRUGAL_TEST_REDIS</c>, else the address eng/services.sh starts.</summary>
    public static string Redis => Environment.GetEnvironmentVariable("FRUGAL_TEST_REDIS") is { Length: > 0 } redis ? redis : "127.0.0.1:6379";

    public static async Task<BudgetedModels> StartAsync(IDictionary<string, string?> budgetSettings, Action<IServiceCollection>? configure = null)
    {
        var emulator = await EmulatorServer.StartAsync(new EmulatorOptions(), 0, CancellationToken.None);
        string folder = Path.Combine(Path.GetTempPath(), "frugal-budgets-" + Guid.NewGuid().ToString("N"));
        var settings = new Dictionary<string, string?>
        {
            ["Frugal:Models:Cheap:Endpoint"] = emulator.Uri.ToString(),
            ["Frugal:Models:Cheap:Deployment"] = "gpt-4o-mini",
            ["Frugal:Models:Cheap:ApiKey"] = "k",
            ["Frugal:Models:Premium:Endpoint"] = emulator.Uri.ToString(),
            ["Frugal:Models:Premium:Deployment"] = "gpt-4o",
            ["Frugal:Models:Premium:ApiKey"] = "k",
            ["Frugal:Costs:SqlitePath"] = Path.Combine(folder, "costs.db"),
        };
        foreach (var (key, value) in budgetSettings)
        {
            settings[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var collection = new ServiceCollection()
            .AddFrugalModels(configuration)
            .AddFrugalCosts(configuration)
            .AddFrugalBudgets(configuration);
        configure?.Invoke(collection);
        return new BudgetedModels(emulator, collection.BuildServiceProvider(), folder);
    }

    public static ChatOptions Options(string tenant, string runId, string tier = "premium", int maxOutputTokens = 40)
    {
        var options = new ChatOptions { MaxOutputTokens = maxOutputTokens };
        new FrugalChatContext(runId, "triage", tenant, "answer", 1, tier).ApplyTo(options);
        return options;
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Emulator.DisposeAsync();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
