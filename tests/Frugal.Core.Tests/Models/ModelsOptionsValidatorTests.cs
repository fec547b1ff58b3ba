using Frugal.Models;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Frugal.Core.Tests.Models;

public sealed class ModelsOptionsValidatorTests
{
    private static readonly Dictionary<string, string?> Valid = new()
    {
        ["Frugal:Models:Cheap:Endpoint"] = "https://contoso.openai.azure.com/",
        ["Frugal:Models:Cheap:Deployment"] = "gpt-4o-mini",
        ["Frugal:Models:Cheap:ApiKey"] = "key",
        ["Frugal:Models:Premium:Endpoint"] = "https://contoso.openai.azure.com/",
        ["Frugal:Models:Premium:Deployment"] = "gpt-4o",
        ["Frugal:Models:Premium:UseManagedIdentity"] = "true",
    };

    [Fact]
    public void Value_ValidConfiguration_Binds()
    {
        var options = Resolve(Valid);

        Assert.Equal("gpt-4o-mini", options.Cheap.Deployment);
        Assert.True(options.Premium.UseManagedIdentity);
        Assert.Null(options.Fallback);
    }

    [Fact]
    public void Value_NoModelsSection_NamesEndpointAndDeploymentKeys()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new Dictionary<string, string?>()));

        Assert.Contains("Frugal:Models:Cheap:Endpoint is required.", error.Failures);
        Assert.Contains("Frugal:Models:Cheap:Deployment is required.", error.Failures);
        Assert.Contains("Frugal:Models:Premium:Endpoint is required.", error.Failures);
    }

    [Fact]
    public void Value_AzureWithoutKeyOrIdentity_AsksForApiKey()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(With("Frugal:Models:Cheap:ApiKey", null)));

        Assert.Equal(["Frugal:Models:Cheap:ApiKey is required unless Frugal:Models:Cheap:UseManagedIdentity is true."], error.Failures);
    }

    [Fact]
    public void Value_RelativeEndpoint_NamesKeyAndValue()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(With("Frugal:Models:Cheap:Endpoint", "contoso/openai")));

        Assert.Equal(["Frugal:Models:Cheap:Endpoint must be an absolute http or https address (was 'contoso/openai')."], error.Failures);
    }

    [Fact]
    public void Value_ManagedIdentityOverHttp_Refused()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(With("Frugal:Models:Premium:Endpoint", "http://127.0.0.1:5000/")));

        Assert.Contains("Frugal:Models:Premium:Endpoint must be https when Frugal:Models:Premium:UseManagedIdentity is true", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Value_ManagedIdentityOnOpenAIKind_Refused()
    {
        var settings = With("Frugal:Models:Premium:Kind", "OpenAI");

        var error = Assert.Throws<OptionsValidationException>(() => Resolve(settings));

        Assert.Contains("Frugal:Models:Premium:UseManagedIdentity applies only to Kind AzureOpenAI; use Frugal:Models:Premium:ApiKey for an OpenAI endpoint.", error.Failures);
    }

    [Fact]
    public void Value_UnknownKind_NamesKey()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Resolve(With("Frugal:Models:Cheap:Kind", "Anthropic")));

        Assert.Contains("Frugal:Models:Cheap:Kind", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Value_BadRetriesAndTimeout_NamesKeys()
    {
        var settings = With("Frugal:Models:Cheap:MaxRetries", "99");
        settings["Frugal:Models:Cheap:NetworkTimeout"] = "00:00:00";

        var error = Assert.Throws<OptionsValidationException>(() => Resolve(settings));

        Assert.Contains("Frugal:Models:Cheap:MaxRetries must be between 0 and 10 (was 99).", error.Failures);
        Assert.Contains("Frugal:Models:Cheap:NetworkTimeout must be positive (was 00:00:00).", error.Failures);
    }

    [Fact]
    public void Value_FallbackConfiguredWithoutDeployment_NamesFallbackKey()
    {
        var settings = With("Frugal:Models:Fallback:Endpoint", "https://backup.openai.azure.com/");
        settings["Frugal:Models:Fallback:ApiKey"] = "key";

        var error = Assert.Throws<OptionsValidationException>(() => Resolve(settings));

        Assert.Equal(["Frugal:Models:Fallback:Deployment is required."], error.Failures);
    }

    [Fact]
    public void AddFrugalModels_FallbackConfigured_RegistersFallbackTier()
    {
        var settings = With("Frugal:Models:Fallback:Endpoint", "https://backup.openai.azure.com/");
        settings["Frugal:Models:Fallback:ApiKey"] = "key";
        settings["Frugal:Models:Fallback:Deployment"] = "gpt-4o-mini";
        using var services = Build(settings);

        Assert.NotNull(services.GetKeyedService<IChatClient>(ModelTierKeys.Fallback));
        Assert.NotNull(services.GetKeyedService<IChatClient>(ModelTierKeys.Cheap));
        Assert.Null(services.GetService<IEmbeddingGenerator<string, Embedding<float>>>());
    }

    [Fact]
    public void AddFrugalModels_NoFallback_RegistersNoFallbackTier()
    {
        using var services = Build(Valid);

        Assert.Null(services.GetKeyedService<IChatClient>(ModelTierKeys.Fallback));
    }

    private static Dictionary<string, string?> With(string key, string? value) => new(Valid) { [key] = value };

    private static ServiceProvider Build(IDictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddFrugalModels(configuration).BuildServiceProvider();
    }

    private static ModelsOptions Resolve(IDictionary<string, string?> settings)
    {
        using var services = Build(settings);
        return services.GetRequiredService<IOptions<ModelsOptions>>().Value;
    }
}
