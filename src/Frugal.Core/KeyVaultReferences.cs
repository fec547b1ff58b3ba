using Microsoft.Extensions.Configuration;

namespace Frugal;

/// <summary>
/// App Service settings that are Key Vault references (<c>@Microsoft.KeyVault(SecretUri=...)</c>) reach the app as
/// the secret's value once resolved, and as that text when the platform could not read the secret (the app's identity
/// has no access yet, the secret is missing). Used as it is, the text became a Redis password or an API key that
/// fails somewhere else much later; the Functions app refuses to start instead, naming the settings.
/// </summary>
public static class KeyVaultReferences
{
    private const string Prefix = "@Microsoft.KeyVault(";

    /// <summary>The keys whose values are still Key Vault references, in key order.</summary>
    /// <param name="configuration">The configuration.</param>
    public static IReadOnlyList<string> Unresolved(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return [.. configuration.AsEnumerable()
            .Where(p => p.Value?.TrimStart().StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) == true)
            .Select(p => p.Key)
            .Order(StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>Throws when a setting is still a Key Vault reference, saying which and what to check.</summary>
    /// <param name="configuration">The configuration.</param>
    /// <exception cref="InvalidOperationException">A reference was not resolved.</exception>
    public static void ThrowIfUnresolved(IConfiguration configuration)
    {
        var keys = Unresolved(configuration);
        if (keys.Count > 0)
        {
            throw new InvalidOperationException(
                $"app setting(s) {string.Join(", ", keys)} are Key Vault references the platform did not resolve: give the app's "
                + "identity Key Vault Secrets User on the vault (infra/ does; a new assignment takes a few minutes) and check "
                + "that the secret exists, then restart the app (the portal's Environment variables page shows each reference's status)");
        }
    }
}
