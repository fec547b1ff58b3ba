using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Frugal.Budgets;

namespace Frugal.Core.Tests.Budgets;

public sealed class BudgetOptionsValidatorTests
{
    [Theory]
    [InlineData("Frugal:Budgets:Tenants:acme:Monthly", "-1", "Frugal:Budgets:Tenants:acme:Monthly must be zero or more (was -1).")]
    [InlineData("Frugal:Budgets:Tenants:acme:TokensPerMinute", "0", "Frugal:Budgets:Tenants:acme:TokensPerMinute must be more than zero (was 0).")]
    [InlineData("Frugal:Budgets:Tenants:acme:Monthly", "abc", "Frugal:Budgets:Tenants:acme:Monthly must be a number of dollars (was 'abc').")]
    [InlineData("Frugal:Budgets:Tenants:acme:TokensPerMinute", "1.5", "Frugal:Budgets:Tenants:acme:TokensPerMinute must be a whole number of tokens (was '1.5').")]
    [InlineData("Frugal:Budgets:PerRun", "-0.5", "Frugal:Budgets:PerRun must be zero or more (was -0.5).")]
    [InlineData("Frugal:Budgets:Store", "etcd", "Frugal:Budgets:Store must be 'memory' or 'redis' (was 'etcd').")]
    [InlineData("Frugal:Budgets:Store", "redis", "Frugal:Budgets:RedisConnectionString is required when Frugal:Budgets:Store is 'redis'.")]
    [InlineData("Frugal:Budgets:DefaultMaxOutputTokens", "0", "Frugal:Budgets:DefaultMaxOutputTokens must be more than zero (was 0).")]
    [InlineData("Frugal:Budgets:ReservationLease", "00:02:00", "Frugal:Budgets:ReservationLease (00:02:00) must be longer than 00:03:00, the longest a model call may take (Frugal:Models:Resilience:TotalTimeout, twice over with a fallback deployment).")]
    [InlineData("Frugal:Budgets:PerRun", "10000000000", "Frugal:Budgets:PerRun must be at most 1,000,000,000 dollars (was 10000000000); leave it out for no budget.")] // every call threw OverflowException
    [InlineData("Frugal:Budgets:Tenants:acme:Monthly", "1e12", "Frugal:Budgets:Tenants:acme:Monthly must be at most 1,000,000,000 dollars (was 1000000000000); leave it out for no budget.")]
    public void Validate_BadSetting_FailsNamingTheKey(string key, string value, string message)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        using var services = new ServiceCollection().AddFrugalBudgets(configuration).BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<BudgetOptions>>().Value);

        Assert.Contains(message, ex.Failures);
    }

    [Fact]
    public void Validate_LeaseShorterThanACallThatFallsBack_FailsNamingTheLongestCall()
    {
        // A call that keeps failing goes on to the fallback's pipeline, with its own total timeout: a lease of 4 minutes
        // against 3-minute calls passed, and a hold could lapse while its call still ran.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Frugal:Budgets:ReservationLease"] = "00:04:00",
            ["Frugal:Models:Fallback:Deployment"] = "gpt-4o-backup",
        }).Build();
        using var services = new ServiceCollection().AddFrugalBudgets(configuration).BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<BudgetOptions>>().Value);

        Assert.Contains("Frugal:Budgets:ReservationLease (00:04:00) must be longer than 00:06:00", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_BadAction_FailsNamingTheValue()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Frugal:Budgets:Action"] = "Explode" }).Build();
        using var services = new ServiceCollection().AddFrugalBudgets(configuration).BuildServiceProvider();

        var ex = Assert.Throws<InvalidOperationException>(() => services.GetRequiredService<IOptions<BudgetOptions>>().Value);

        Assert.Contains("Explode", ex.Message, StringComparison.Ordinal);
    }
}
