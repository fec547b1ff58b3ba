using Frugal.Budgets;
using Frugal.Functions.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Frugal.Functions.Tests.Hosting;

/// <summary>The worker's start with a configuration it cannot use: a line per problem on standard error, exit code 2.</summary>
public sealed class StartupErrorsTests
{
    [Fact]
    public void Run_SettingOfTheWrongKind_WritesWhatTheKeyTakesAndReturnsTwo()
    {
        // The host logged .NET's "Failed to convert configuration value 'Explode' ... to type
        // 'Frugal.Budgets.BudgetAction'" under a stack trace, not the values the key takes.
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Frugal:Budgets:Action"] = "Explode" })
            .Build();
        using var error = new StringWriter();

        var code = StartupErrors.RunReportingConfigurationErrors(error, () =>
        {
            using var services = new ServiceCollection().AddLogging().AddFrugalBudgets(configuration).BuildServiceProvider();
            _ = services.GetRequiredService<IOptions<BudgetOptions>>().Value;
        });

        Assert.Equal(2, code);
        Assert.Contains("'Frugal:Budgets:Action' cannot be 'Explode'; expected one of: Downgrade, Refuse", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_FailureThatIsNotConfiguration_GoesUpAsItIs()
    {
        using var error = new StringWriter();

        Assert.Throws<DivideByZeroException>(() => StartupErrors.RunReportingConfigurationErrors(error, () => throw new DivideByZeroException()));
        Assert.Empty(error.ToString());
    }

    [Fact]
    public void Run_AppThatStopsNormally_ReturnsZero()
    {
        using var error = new StringWriter();

        Assert.Equal(0, StartupErrors.RunReportingConfigurationErrors(error, () => { }));
    }
}
