using Microsoft.Extensions.Configuration;

namespace Frugal.Core.Tests;

/// <summary>Settings nothing reads are named, with what they were likely meant to be.</summary>
public sealed class UnknownSettingsTests
{
    [Fact]
    public void Find_MisspeltKeysAndSections_NamesEachWithTheLikelyOne()
    {
        // A misspelt budget was ignored without a word: no budget at all.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Frugal:Budgets:PerRunn"] = "0.10",
            ["Frugal:Budgets:Action"] = "Refuse",
            ["Frugal:Budgets:Tenants:acme:Monthy"] = "5",
            ["Frugal:Budgets:Tenants:acme:TokensPerMinute"] = "1000",
            ["Frugal:Budget:PerRun"] = "1",
            ["Frugal:Models:Cheap:Endpoint"] = "http://127.0.0.1:5080/",
            ["Frugal:Models:Resilience:MaxRetriez"] = "3",
            ["Frugal:Models:Resilience:MaxRetries"] = "2",
            ["Frugal:Costs:SqlitePath"] = "costs.db",
        }).Build();

        var unknown = UnknownSettings.Find(configuration, typeof(UnknownSettings).Assembly);

        Assert.Equal(
        [
            "Frugal:Budget is not a setting Frugal reads; it is ignored (did you mean Frugal:Budgets?)",
            "Frugal:Budgets:PerRunn is not a setting Frugal reads; it is ignored (did you mean Frugal:Budgets:PerRun?)",
            "Frugal:Budgets:Tenants:acme:Monthy is not a setting Frugal reads; it is ignored (did you mean Frugal:Budgets:Tenants:acme:Monthly?)",
            "Frugal:Models:Resilience:MaxRetriez is not a setting Frugal reads; it is ignored (did you mean Frugal:Models:Resilience:MaxRetries?)",
        ], unknown);
    }

    [Fact]
    public void Find_UnknownNameOnATenant_LeavesTheSameNameOnTheBudgetsAlone()
    {
        // The binder names a property, not where: every key ending in it was reported, so a misplaced tenant Action
        // made the budgets' own Action read as ignored.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Frugal:Budgets:Action"] = "Refuse",
            ["Frugal:Budgets:PerRun"] = "0.5",
            ["Frugal:Budgets:Tenants:acme:Action"] = "Downgrade",
            ["Frugal:Budgets:Tenants:acme:PerRun"] = "1",
        }).Build();

        var unknown = UnknownSettings.Find(configuration, typeof(UnknownSettings).Assembly);

        Assert.Equal(
        [
            "Frugal:Budgets:Tenants:acme:Action is not a setting Frugal reads; it is ignored",
            "Frugal:Budgets:Tenants:acme:PerRun is not a setting Frugal reads; it is ignored",
        ], unknown);
    }

    [Fact]
    public void Find_ValueWhereASectionOrListGoes_NamesIt()
    {
        // The binder dropped these without a word: "Budgets": "yes" set no budget, "StoreTextForTenants": "acme" kept
        // nobody's text.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Frugal:Budgets"] = "yes",
            ["Frugal:Costs:StoreTextForTenants"] = "acme",
            ["Frugal:Models:Resilience:MaxRetries"] = "2",
            ["Frugal:Routing:Limits:Tenants:acme"] = "0.5",
        }).Build();

        var unknown = UnknownSettings.Find(configuration, typeof(UnknownSettings).Assembly);

        Assert.Equal(
        [
            "Frugal:Budgets is a section, not a value; 'yes' is ignored (its settings go under it, as Frugal:Budgets:PerRun)",
            "Frugal:Costs:StoreTextForTenants is a list, not a value; 'acme' is ignored (give its entries as Frugal:Costs:StoreTextForTenants:0, Frugal:Costs:StoreTextForTenants:1, ..., in JSON [\"acme\"])",
            "Frugal:Routing:Limits:Tenants:acme is a section, not a value; '0.5' is ignored (its settings go under it, as Frugal:Routing:Limits:Tenants:acme:PremiumShare)",
        ], unknown);
    }

    [Fact]
    public void Find_TheShippedSampleSettings_NamesNone()
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(RepoRoot(), "local.settings.sample.json"))
            .Build();
        var values = configuration.GetSection("Values").AsEnumerable(makePathsRelative: true)
            .Where(p => p.Value is not null)
            .ToDictionary(p => p.Key.Replace("__", ":", StringComparison.Ordinal), p => p.Value);

        var unknown = UnknownSettings.Find(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), typeof(UnknownSettings).Assembly);

        Assert.Empty(unknown);
    }

    private static string RepoRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Functions.sln")))
        {
            folder = folder.Parent;
        }

        return folder?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
