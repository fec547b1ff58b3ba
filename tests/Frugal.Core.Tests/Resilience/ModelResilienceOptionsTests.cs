using Frugal.Resilience;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Frugal.Core.Tests.Resilience;

/// <summary>Settings outside Polly's ranges stop the host at start, naming the key.</summary>
public sealed class ModelResilienceOptionsTests
{
    [Theory]
    [InlineData("CircuitBreakDuration", "-00:00:05", "Frugal:Models:Resilience:CircuitBreakDuration must be between 00:00:00.500 and 1.00:00:00")]
    [InlineData("AttemptTimeout", "00:00:00", "Frugal:Models:Resilience:AttemptTimeout must be between 00:00:00.010 and 1.00:00:00")]
    [InlineData("TotalTimeout", "2.00:00:00", "Frugal:Models:Resilience:TotalTimeout must be between 00:00:00.010 and 1.00:00:00")]
    [InlineData("CircuitSamplingDuration", "00:00:00.100", "Frugal:Models:Resilience:CircuitSamplingDuration must be between 00:00:00.500 and 1.00:00:00")]
    [InlineData("MaxRetries", "-5", "Frugal:Models:Resilience:MaxRetries must be between 0 and 10")]
    public void Options_OutsidePollysRange_FailNamingTheKey(string key, string value, string message)
    {
        // Accepted at start, these failed every model call with Polly's complaint about its own options, after the
        // steps before it had run; MaxRetries said "DataAnnotation validation failed for 'ModelResilienceOptions'".
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"{ModelResilienceOptions.Section}:{key}"] = value })
            .Build();
        using var services = new ServiceCollection().AddFrugalModelHttpClients(configuration, "cheap").BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ModelResilienceOptions>>().Value);

        Assert.Equal([message], error.Failures);
    }
}
