using System.ComponentModel.DataAnnotations;

namespace Frugal.Models;

/// <summary>Premium-share caps per tenant (configuration section <c>Frugal:Routing:Limits</c>).</summary>
public sealed class RoutingLimitsOptions
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
}
