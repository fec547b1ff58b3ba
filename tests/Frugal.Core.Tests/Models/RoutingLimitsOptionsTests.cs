using Frugal.Engine;
using Frugal.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Frugal.Core.Tests.Models;

public sealed class RoutingLimitsOptionsTests
{
    [Fact]
    public void Validate_TenantCapOutsideZeroToOne_FailsNamingTheKey()
    {
        // A tenant's cap of 45 (meant as 45 %) was accepted and never reached; the default tenant's was refused.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Frugal:Routing:Limits:Tenants:acme:PremiumShare"] = "45",
        }).Build();
        using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging().AddFrugalEngine().BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<RoutingLimitsOptions>>().Value);

        Assert.Contains("Frugal:Routing:Limits:Tenants:acme:PremiumShare must be between 0 and 1 (was 45).", ex.Message, StringComparison.Ordinal);
    }
}
