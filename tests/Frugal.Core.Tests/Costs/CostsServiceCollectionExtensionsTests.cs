using Frugal.Costs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Frugal.Core.Tests.Costs;

public sealed class CostsServiceCollectionExtensionsTests
{
    [Fact]
    public void AddFrugalCosts_Defaults_ResolveSqliteLedgerRecorderAndEmbeddedPrices()
    {
        string path = Path.Combine(Path.GetTempPath(), "frugal-di-" + Guid.NewGuid().ToString("N"), "costs.db");
        using var provider = Build(new() { ["Frugal:Costs:SqlitePath"] = path });

        Assert.Equal(path, Assert.IsType<SqliteCostLedger>(provider.GetRequiredService<ICostLedger>()).FilePath);
        Assert.NotNull(provider.GetRequiredService<CostRecorder>());
        Assert.Equal("2025-06-01", provider.GetRequiredService<PriceTable>().Version);
    }

    [Fact]
    public void Validate_BadPriceFile_FailsNamingKeyFileAndField()
    {
        string path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + "-prices.json");
        File.WriteAllText(path, """{ "version": "x", "models": { "gpt-4o": { "input": 1, "cached_input": 1, "output": -10 } } }""");
        using var provider = Build(new() { ["Frugal:Costs:PricesPath"] = path });

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<CostsOptions>>().Value);

        Assert.Contains($"Frugal:Costs:PricesPath: {path}: models.gpt-4o.output: must be >= 0", ex.Failures);
        File.Delete(path);
    }

    [Theory]
    [InlineData("Store", "blob", "Frugal:Costs:Store: must be 'sqlite' or 'table' (was 'blob')")]
    [InlineData("MaxBatchSize", "0", "Frugal:Costs:MaxBatchSize: must be between 1 and 10000 (was 0)")]

    // A run's tenant is trimmed and never empty, so these matched no run and kept nobody's text.
    [InlineData("StoreTextForTenants:0", "", "Frugal:Costs:StoreTextForTenants:0: is empty; name a tenant (runs that name none are 'default')")]
    [InlineData("StoreTextForTenants:0", " acme", "Frugal:Costs:StoreTextForTenants:0: ' acme' has spaces around it, which no run's tenant has; write 'acme'")]

    // Ignored before: the embedded table priced every call.
    [InlineData("PricesAreLiteLlm", "true", "Frugal:Costs:PricesAreLiteLlm: says Frugal:Costs:PricesPath is in LiteLLM's format, but no PricesPath is set; name the file (model_prices_and_context_window.json), or leave PricesAreLiteLlm out to use the embedded price table")]
    public void Validate_BadSetting_FailsNamingKey(string key, string value, string expected)
    {
        using var provider = Build(new() { ["Frugal:Costs:" + key] = value });

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<CostsOptions>>().Value);

        Assert.Contains(expected, ex.Failures);
    }

    [Fact]
    public void Validate_TableWithoutConnectionString_FailsNamingKey()
    {
        using var provider = Build(new() { ["Frugal:Costs:Store"] = "table" });

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<CostsOptions>>().Value);

        Assert.Contains("Frugal:Costs:TableConnectionString or Frugal:Costs:TableEndpoint: one is required when Store is 'table'", ex.Failures);
    }

    [Fact]
    public void AddFrugalCosts_TableEndpoint_ResolvesTableLedgerThere()
    {
        // What infra/main.bicep sets: an endpoint and no connection string (the account refuses shared keys).
        using var provider = Build(new()
        {
            ["Frugal:Costs:Store"] = "table",
            ["Frugal:Costs:TableEndpoint"] = "https://stfrugal.table.core.windows.net/",
            ["Frugal:Costs:TableName"] = "FrugalCosts",
        });

        var ledger = Assert.IsType<TableCostLedger>(provider.GetRequiredService<ICostLedger>());

        Assert.Equal(new Uri("https://stfrugal.table.core.windows.net/FrugalCosts"), ledger.TableUri);
    }

    [Fact]
    public void Validate_RelativeTableEndpoint_FailsNamingKey()
    {
        using var provider = Build(new() { ["Frugal:Costs:Store"] = "table", ["Frugal:Costs:TableEndpoint"] = "stfrugal" });

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<CostsOptions>>().Value);

        Assert.Contains(ex.Failures, f => f.StartsWith("Frugal:Costs:TableEndpoint: must be an absolute URL", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_TableConnectionStringNotAConnectionString_FailsNamingKey()
    {
        // It ended frugal run with the SDK's "Connection string doesn't have value for keyword 'garbage'" and exit 1.
        using var provider = Build(new() { ["Frugal:Costs:Store"] = "table", ["Frugal:Costs:TableConnectionString"] = "garbage" });

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<CostsOptions>>().Value);

        var failure = Assert.Single(ex.Failures);
        Assert.StartsWith("Frugal:Costs:TableConnectionString: is not an Azure Storage connection string (", failure, StringComparison.Ordinal);
        Assert.EndsWith("use UseDevelopmentStorage=true for Azurite, or the account's connection string", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TableConnectionStringForAzurite_IsAccepted()
    {
        using var provider = Build(new() { ["Frugal:Costs:Store"] = "table", ["Frugal:Costs:TableConnectionString"] = "UseDevelopmentStorage=true" });

        Assert.Equal("table", provider.GetRequiredService<IOptions<CostsOptions>>().Value.Store);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddFrugalCosts(configuration).BuildServiceProvider();
    }
}
