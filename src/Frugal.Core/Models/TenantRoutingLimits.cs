using System.ComponentModel.DataAnnotations;

namespace Frugal.Models;

/// <summary>One tenant's routing limits.</summary>
public sealed class TenantRoutingLimits
{
    /// <summary>The share of the tenant's auto calls that may go to premium.</summary>
    [Range(0.0, 1.0)]
    public double? PremiumShare { get; set; }
}
