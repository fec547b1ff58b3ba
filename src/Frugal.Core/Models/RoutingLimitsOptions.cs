namespace Frugal.Models;

/// <summary>
/// Premium-share caps per tenant (configuration section <c>Frugal:Routing:Limits</c>), checked at start-up by
/// <see cref="RoutingLimitsOptionsValidator"/>.
/// </summary>
public sealed class RoutingLimitsOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Frugal:Routing:Limits";

    /// <summary>The smallest <see cref="Window"/>.</summary>
    public const int MinWindow = 10;

    /// <summary>The largest <see cref="Window"/>.</summary>
    public const int MaxWindow = 1_000_000;

    /// <summary>How many recent auto decisions the share is measured over.</summary>
    public int Window { get; set; } = 500;

    /// <summary>The cap of tenants without their own.</summary>
    public double? DefaultTenantPremiumShare { get; set; }

    /// <summary>Caps by tenant.</summary>
    public Dictionary<string, TenantRoutingLimits> Tenants { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
