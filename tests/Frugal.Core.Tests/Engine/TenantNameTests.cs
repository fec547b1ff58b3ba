using Frugal.Engine;

namespace Frugal.Core.Tests.Engine;

public sealed class TenantNameTests
{
    [Theory]
    [InlineData(null, "default")]
    [InlineData("  ", "default")]
    [InlineData("acme", "acme")]
    [InlineData("ACME", "acme")]
    [InlineData(" Acme ", "acme")]
    [InlineData("Globex-EU_2", "globex-eu_2")]
    public void TenantOrDefault_AnySpelling_IsTheTenantsOneSpelling(string? named, string tenant)
    {
        // Budgets are configured under case-blind keys; counters, ledger and the text opt-in compared exactly.
        Assert.Equal(tenant, WorkflowRunRequest.TenantOrDefault(named));
    }
}
