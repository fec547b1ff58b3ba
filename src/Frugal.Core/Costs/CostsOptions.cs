namespace Frugal.Costs;

/// <summary>Where cost records go and how they are priced; bound from the <c>Frugal:Costs</c> section.</summary>
public sealed class CostsOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Frugal:Costs";

    /// <summary>The ledger: <c>sqlite</c> (embedded default, a local file) or <c>table</c> (Azure Table storage).</summary>
    public string Store { get; set; } = "sqlite";

    /// <summary>The SQLite ledger file when <see cref="Store"/> is <c>sqlite</c>.</summary>
    public string SqlitePath { get; set; } = Path.Combine(".frugal", "costs.db");

    /// <summary>The Azure Storage connection string when <see cref="Store"/> is <c>table</c>
    /// (<c>UseDevelopmentStorage=true</c> for Azurite).</summary>
    public string? TableConnectionString { get; set; }

    /// <summary>The table service endpoint when <see cref="Store"/> is <c>table</c> and no connection string is set, reached
    /// with the app's managed identity (<c>DefaultAzureCredential</c>; Azure, where shared keys are disabled).</summary>
    public Uri? TableEndpoint { get; set; }

    /// <summary>The table holding cost records.</summary>
    public string TableName { get; set; } = "FrugalCosts";

    /// <summary>A price file; when null the price table embedded in Frugal.Core is used.</summary>
    public string? PricesPath { get; set; }

    /// <summary>Whether <see cref="PricesPath"/> is in LiteLLM's <c>model_prices_and_context_window.json</c> format.</summary>
    public bool PricesAreLiteLlm { get; set; }

    /// <summary>Tenants who opted in to storing prompt and answer text; everyone else gets hashes only.</summary>
    public IList<string> StoreTextForTenants { get; } = [];

    /// <summary>The most records the <see cref="CostRecorder"/> commits in one batch.</summary>
    public int MaxBatchSize { get; set; } = 256;

    /// <summary>Loads the configured price table.</summary>
    /// <returns>The table.</returns>
    /// <exception cref="PriceTableException">The price file is bad.</exception>
    public PriceTable LoadPrices() => PricesPath switch
    {
        null or "" => PriceTable.LoadDefault(),
        var path when PricesAreLiteLlm => PriceTable.FromLiteLlm(path),
        var path => PriceTable.Load(path),
    };
}
