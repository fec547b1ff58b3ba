using Frugal.Costs;
using Frugal.Engine;
using Microsoft.Extensions.Options;

namespace Frugal.Telemetry;

/// <summary>
/// Whose text telemetry may carry: the tenants in <see cref="CostsOptions.StoreTextForTenants"/>, as the cost ledger and
/// the routing feedback loop keep theirs. A failure's message went to spans and logs whole, for every tenant, so an
/// answer that failed its checks, or a prompt a service's error echoed, was sent to Application Insights for tenants
/// who had not opted in to storing text.
/// </summary>
public sealed class TenantTextPolicy
{
    private readonly HashSet<string> _tenants;

    /// <summary>Creates the policy from <see cref="CostsOptions.StoreTextForTenants"/>.</summary>
    /// <param name="options">The costs options.</param>
    public TenantTextPolicy(IOptions<CostsOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);

        // Tenants are recorded lower case (WorkflowRunRequest.TenantOrDefault); the setting may spell them otherwise.
        _tenants = new HashSet<string>(options.Value.StoreTextForTenants, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>A policy under which no tenant's text is stored.</summary>
    public static TenantTextPolicy None { get; } = new(Options.Create(new CostsOptions()));

    /// <summary>Whether <paramref name="tenant"/> opted in to storing its prompt and answer text.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <returns>True when its text may be stored, and put on telemetry.</returns>
    public bool StoresText(string tenant) => _tenants.Contains(tenant);

    /// <summary>What telemetry may say of <paramref name="failure"/> in a run of <paramref name="tenant"/>.</summary>
    /// <param name="failure">The failure.</param>
    /// <param name="tenant">The run's tenant.</param>
    /// <returns>The message for a tenant whose text is stored, else <see cref="Redact(Exception)"/>.</returns>
    public string Describe(Exception failure, string tenant)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return StoresText(tenant) ? failure.Message : Redact(failure);
    }

    /// <summary>What telemetry may say of a failed call of a batch in a run of <paramref name="tenant"/>.</summary>
    /// <param name="failure">The call's failure.</param>
    /// <param name="tenant">The run's tenant.</param>
    /// <returns>The message for a tenant whose text is stored, else the redacted one.</returns>
    public string Describe(CallFailure failure, string tenant)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return StoresText(tenant) ? failure.Message : failure.RedactedMessage ?? Withheld(failure.Type);
    }

    /// <summary>
    /// <paramref name="failure"/>'s message without the tenant's text: its <see cref="IRedactableFailure.RedactedMessage"/>,
    /// or, for a type that does not say (a library's, whose message may quote anything), its type name.
    /// </summary>
    /// <param name="failure">The failure.</param>
    /// <returns>The redacted message.</returns>
    public static string Redact(Exception failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return failure is IRedactableFailure redactable ? redactable.RedactedMessage : Withheld(failure.GetType().FullName!);
    }

    private static string Withheld(string type) => $"{type} (its message is left out: it may quote the tenant's text)";
}
