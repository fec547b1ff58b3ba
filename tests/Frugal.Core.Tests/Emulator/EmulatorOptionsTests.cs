using Frugal.Emulator;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Frugal.Core.Tests.Emulator;

public sealed class EmulatorOptionsTests
{
    [Fact]
    public void AddFrugalEmulator_DeploymentListedWithSomeSettings_TakesTheRestFromDefaults()
    {
        // frugal run's and frugal replay's emulator: replay lists gpt-4o-mini and gpt-4o to give them quality tiers, and
        // a listed deployment was built from scratch, so a user's Emulator:Defaults (latency, faults) were ignored there.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Emulator:Defaults:LatencyMs"] = "200",
            ["Emulator:Defaults:ServerErrorRate"] = "0.3",
            ["Emulator:Deployments:gpt-4o:QualityTier"] = "premium",
            ["Emulator:Deployments:gpt-4o:ServerErrorRate"] = "0.1",
        }).Build();
        using var services = new ServiceCollection().AddFrugalEmulator(configuration).BuildServiceProvider();

        var options = services.GetRequiredService<IOptions<EmulatorOptions>>().Value;

        var premium = options.For("GPT-4o");
        Assert.Equal(("premium", 200, 0.1), (premium.QualityTier, premium.LatencyMs, premium.ServerErrorRate));
        Assert.Equal((null, 200, 0.3), (options.For("gpt-4o-mini").QualityTier, options.For("gpt-4o-mini").LatencyMs, options.For("gpt-4o-mini").ServerErrorRate));
    }

    [Fact]
    public void Validate_ListedDeploymentWhoseRatesWithDefaultsPassOne_SaysWhereTheRestCameFrom()
    {
        var options = new EmulatorOptions { Defaults = { ServerErrorRate = 0.6 } };
        options.Deployments["gpt-4o"] = new DeploymentOptions { RateLimitRate = 0.5 };
        var section = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Deployments:gpt-4o:RateLimitRate"] = "0.5",
        }).Build();
        EmulatorOptions.InheritDefaults(options, section);

        var result = new EmulatorOptionsValidator().Validate(null, options);

        Assert.Contains(
            "Emulator:Deployments:gpt-4o: the fault rates (RateLimitRate, ServerErrorRate, ServiceUnavailableRate, TimeoutRate, PromptFilterRate, CompletionFilterRate) add up to 1.1; they must add up to 1 at most (a listed deployment takes those it does not set from Defaults).",
            result.Failures ?? []);
    }
}
