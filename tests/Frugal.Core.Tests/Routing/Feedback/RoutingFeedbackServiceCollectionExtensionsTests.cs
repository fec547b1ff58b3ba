using Frugal.Models;
using Frugal.Routing.Feedback;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Frugal.Core.Tests.Routing.Feedback;

public sealed class RoutingFeedbackServiceCollectionExtensionsTests
{
    [Fact]
    public void AddFrugalRoutingFeedback_StoreTable_KeepsFeedbackInTheTable()
    {
        using var services = Build(new()
        {
            ["Frugal:Routing:Feedback:Enabled"] = "true",
            ["Frugal:Routing:Feedback:Store"] = "table",
            ["Frugal:Routing:Feedback:TableConnectionString"] = "UseDevelopmentStorage=true",
        });

        Assert.IsType<TableRoutingFeedbackStore>(services.GetRequiredService<IRoutingFeedbackStore>());
        Assert.Same(services.GetRequiredService<IRoutingFeedbackStore>(), services.GetRequiredService<IRoutingFeedbackSink>());
    }

    [Fact]
    public void AddFrugalRoutingFeedback_StoreTableByEndpoint_KeepsFeedbackInTheTable()
    {
        // Azure: the app's identity, no connection string (infra/main.bicep).
        using var services = Build(new()
        {
            ["Frugal:Routing:Feedback:Enabled"] = "true",
            ["Frugal:Routing:Feedback:Store"] = "table",
            ["Frugal:Routing:Feedback:TableEndpoint"] = "https://account.table.core.windows.net/",
        });

        Assert.IsType<TableRoutingFeedbackStore>(services.GetRequiredService<IRoutingFeedbackSink>());
    }

    [Fact]
    public void AddFrugalRoutingFeedback_Default_KeepsFeedbackInSqlite()
    {
        using var services = Build(new()
        {
            ["Frugal:Routing:Feedback:Enabled"] = "true",
            ["Frugal:Routing:Feedback:Path"] = Path.Combine(Path.GetTempPath(), "frugal-feedback-" + Guid.NewGuid().ToString("N"), "feedback.db"),
        });

        Assert.IsType<SqliteRoutingFeedbackStore>(services.GetRequiredService<IRoutingFeedbackSink>());
    }

    [Fact]
    public void AddFrugalRoutingFeedback_Disabled_AddsNoStoreWhateverTheSettings()
    {
        using var services = Build(new() { ["Frugal:Routing:Feedback:Store"] = "table" });

        Assert.Null(services.GetService<IRoutingFeedbackStore>());
        Assert.Null(services.GetService<IRoutingFeedbackSink>());
        _ = services.GetRequiredService<IOptions<RoutingFeedbackOptions>>().Value;
    }

    [Theory]
    [InlineData("Store", "blob", "Frugal:Routing:Feedback:Store: must be 'sqlite' or 'table' (was 'blob')")]
    [InlineData("TableName", "feedback-table", "Frugal:Routing:Feedback:TableName: must be 3-63 letters or digits starting with a letter (was 'feedback-table')")]
    [InlineData("TableEndpoint", "/relative", "Frugal:Routing:Feedback:TableEndpoint: must be an absolute URL such as https://<account>.table.core.windows.net/ (was '/relative')")]
    [InlineData("TableConnectionString", "AccountName=x", "Frugal:Routing:Feedback:TableConnectionString: is not an Azure Storage connection string")]
    public void AddFrugalRoutingFeedback_BadTableSetting_FailsAtStartNamingTheKey(string key, string value, string message)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Frugal:Routing:Feedback:Enabled"] = "true",
            ["Frugal:Routing:Feedback:Store"] = "table",
            ["Frugal:Routing:Feedback:TableConnectionString"] = "UseDevelopmentStorage=true",
        };
        settings["Frugal:Routing:Feedback:" + key] = value;
        using var services = Build(settings);

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<RoutingFeedbackOptions>>().Value);

        Assert.StartsWith(message, Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void AddFrugalRoutingFeedback_TableWithoutConnection_FailsAtStartNamingBothKeys()
    {
        using var services = Build(new() { ["Frugal:Routing:Feedback:Enabled"] = "true", ["Frugal:Routing:Feedback:Store"] = "table" });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<RoutingFeedbackOptions>>().Value);

        Assert.Equal(
            ["Frugal:Routing:Feedback:TableConnectionString or Frugal:Routing:Feedback:TableEndpoint: one is required when Store is 'table'"],
            error.Failures);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddFrugalRoutingFeedback(configuration).BuildServiceProvider();
    }
}
