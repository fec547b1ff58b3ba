using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Frugal.Models;

/// <summary>
/// Checks <see cref="RoutingLimitsOptions"/> at start-up; each failure names its configuration key and the value.
/// <c>ValidateDataAnnotations</c> named only the member ("DataAnnotation validation failed for 'RoutingLimitsOptions'
/// members: 'Window' ..."), and a tenant's cap that is not a number ("abc") was left unset by the binder, so that tenant
/// had no cap at all, silently.
/// </summary>
/// <param name="configuration">The configuration, to read the <c>Frugal:Routing:Limits</c> section as written.</param>
internal sealed class RoutingLimitsOptionsValidator(IConfiguration configuration) : IValidateOptions<RoutingLimitsOptions>
{
    public ValidateOptionsResult Validate(string? name, RoutingLimitsOptions options)
    {
        const string Section = RoutingLimitsOptions.Section;
        var failures = new List<string>();
        if (options.Window is < RoutingLimitsOptions.MinWindow or > RoutingLimitsOptions.MaxWindow)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture,
                $"{Section}:Window must be between {RoutingLimitsOptions.MinWindow} and {RoutingLimitsOptions.MaxWindow} decisions (was {options.Window})."));
        }

        if (options.DefaultTenantPremiumShare is { } defaultShare && defaultShare is not (>= 0 and <= 1))
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture,
                $"{Section}:DefaultTenantPremiumShare must be between 0 and 1 (was {options.DefaultTenantPremiumShare})."));
        }

        foreach (var tenant in configuration.GetSection($"{Section}:Tenants").GetChildren())
        {
            var share = tenant.GetSection(nameof(TenantRoutingLimits.PremiumShare));
            if (share.Value is { } text && !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            {
                failures.Add($"{share.Path} must be a number between 0 and 1 (was '{text}').");
            }
        }

        foreach (var (tenant, limits) in options.Tenants)
        {
            if (limits.PremiumShare is { } tenantShare && tenantShare is not (>= 0 and <= 1))
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{Section}:Tenants:{tenant}:PremiumShare must be between 0 and 1 (was {limits.PremiumShare})."));
            }
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
