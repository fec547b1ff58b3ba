using System.ComponentModel.DataAnnotations;

namespace Frugal.Models;

/// <summary>Premium-share caps per tenant (configuration section <c>Frugal:Routing:Limits</c>).</summary>
public sealed class RoutingLimitsOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Frugal:Routing:Limits";

    /// <summary>How many recent auto decisions the share is measured over.</summary>
    [Range(10, 1_000_000)]
    public int Window { get; set; } = 500;

    /// <summary>The cap of tenants without their own.</summary>
    [Range(0.0, 1.0)]
    public double? DefaultTenantPremiumShare { get; set; }

    /// <summary>Caps by tenant.</summary>
    public Dictionary<string, TenantRoutingLimits> Tenants { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Each tenant's cap from 0 to 1: the attributes of a dictionary's values are not checked, so a cap of 45 (meant as
    /// 45 %) was accepted and never reached, where the default tenant's was refused.
    /// </summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (tenant, limits) in Tenants)
        {
            if (limits.PremiumShare is < 0 or > 1)
            {
                yield return new ValidationResult(
                    $"{Section}:Tenants:{tenant}:PremiumShare must be between 0 and 1 (was {limits.PremiumShare}).", [nameof(Tenants)]);
            }
        }
    }
}
