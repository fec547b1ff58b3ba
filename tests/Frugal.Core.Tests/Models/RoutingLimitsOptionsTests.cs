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

    [Theory]
    [InlineData("Frugal:Routing:Limits:Window", "5", "Frugal:Routing:Limits:Window must be between 10 and 1000000 decisions (was 5).")]
    [InlineData("Frugal:Routing:Limits:DefaultTenantPremiumShare", "45", "Frugal:Routing:Limits:DefaultTenantPremiumShare must be between 0 and 1 (was 45).")]
    [InlineData("Frugal:Routing:Limits:Tenants:acme:PremiumShare", "45", "Frugal:Routing:Limits:Tenants:acme:PremiumShare must be between 0 and 1 (was 45).")]
    // NaN is neither below 0 nor above 1, so it passed start-up as a cap that no share is above.
    [InlineData("Frugal:Routing:Limits:DefaultTenantPremiumShare", "NaN", "Frugal:Routing:Limits:DefaultTenantPremiumShare must be between 0 and 1 (was NaN).")]
    [InlineData("Frugal:Routing:Limits:Tenants:acme:PremiumShare", "NaN", "Frugal:Routing:Limits:Tenants:acme:PremiumShare must be between 0 and 1 (was NaN).")]
    public void Validate_ValueOutOfRange_FailsWithOneLineNamingTheKey(string key, string value, string expected)
    {
        // The window and the default tenant's cap were refused as "DataAnnotation validation failed for
        // 'RoutingLimitsOptions' members: 'Window' with the error: ...", which names no key a user can find.
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(new() { [key] = value }));

        Assert.Equal([expected], ex.Failures);
    }

    [Fact]
    public void Validate_TenantCapNotANumber_FailsNamingTheKey()
    {
        // The binder left the cap unset, so the tenant had no cap at all and nothing said so.
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["Frugal:Routing:Limits:Tenants:acme:PremiumShare"] = "abc" }));

        Assert.Equal(["Frugal:Routing:Limits:Tenants:acme:PremiumShare must be a number between 0 and 1 (was 'abc')."], ex.Failures);
    }

    [Fact]
    public void Validate_CapsInRange_Binds()
    {
        var options = Resolve(new()
        {
            ["Frugal:Routing:Limits:Window"] = "50",
            ["Frugal:Routing:Limits:DefaultTenantPremiumShare"] = "0.2",
            ["Frugal:Routing:Limits:Tenants:acme:PremiumShare"] = "0.5",
        });

        Assert.Equal(50, options.Window);
        Assert.Equal(0.2, options.DefaultTenantPremiumShare);
        Assert.Equal(0.5, options.Tenants["ACME"].PremiumShare);
    }

    private static RoutingLimitsOptions Resolve(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging().AddFrugalEngine().BuildServiceProvider();
        return services.GetRequiredService<IOptions<RoutingLimitsOptions>>().Value;
    }
}
