using Microsoft.Extensions.Configuration;

namespace Frugal.Core.Tests;

public sealed class KeyVaultReferencesTests
{
    [Fact]
    public void ThrowIfUnresolved_SettingStillAReference_RefusesNamingItAndTheRole()
    {
        // Unresolved, the reference's text was the Redis connection string: budgets failed later with a parse error.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Frugal:Budgets:RedisConnectionString"] = "@Microsoft.KeyVault(SecretUri=https://frugalkv.vault.azure.net/secrets/redis-connection-string)",
            ["Frugal:Inference:ApiKey"] = "resolved-value",
            ["Frugal:Models:Cheap:Endpoint"] = "https://frugal.openai.azure.com/",
        }).Build();

        var error = Assert.Throws<InvalidOperationException>(() => KeyVaultReferences.ThrowIfUnresolved(configuration));

        Assert.StartsWith("app setting(s) Frugal:Budgets:RedisConnectionString are Key Vault references the platform did not resolve", error.Message, StringComparison.Ordinal);
        Assert.Contains("Key Vault Secrets User", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ThrowIfUnresolved_ResolvedSettings_Passes()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Frugal:Budgets:RedisConnectionString"] = "frugal.redis.azure.net:10000,password=key,ssl=True",
        }).Build();

        KeyVaultReferences.ThrowIfUnresolved(configuration);

        Assert.Empty(KeyVaultReferences.Unresolved(configuration));
    }
}
