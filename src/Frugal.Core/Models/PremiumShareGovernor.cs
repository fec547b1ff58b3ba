using Frugal.Engine;
using Microsoft.Extensions.Options;

namespace Frugal.Models;

/// <summary>
/// Keeps the share of <c>auto</c> calls that go to premium under the workflow's cap and the tenant's cap, over the
/// most recent decisions. Counts are per instance (each Functions instance keeps its own window), which holds a
/// cap approximately under scale-out and exactly on one instance.
/// </summary>
public sealed class PremiumShareGovernor
{
    private readonly RoutingLimitsOptions _options;
    private readonly Dictionary<string, Queue<bool>> _windows = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Creates the governor.</summary>
    public PremiumShareGovernor(IOptions<RoutingLimitsOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
    }

    /// <summary>
    /// Decides the tier of an auto-routed call that its classify step sent to premium, and counts the decision:
    /// premium unless a cap is reached (and the step is not premium-only). Returns the reason when it downgrades.
    /// </summary>
    public string? Decide(ModelCall call, StepRequest request, bool premium)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(request);
        var workflowKey = $"workflow:{request.Workflow}";
        var tenantKey = $"tenant:{request.Tenant}";
        var tenantCap = _options.Tenants.TryGetValue(request.Tenant, out var tenant) ? tenant.PremiumShare : _options.DefaultTenantPremiumShare;
        lock (_lock)
        {
            string? reason = null;
            if (premium && !call.PremiumOnly)
            {
                if (call.PremiumShareCap is { } cap && Share(workflowKey) >= cap)
                {
                    reason = $"workflow premium share reached its cap of {cap:P0}";
                }
                else if (tenantCap is { } tcap && Share(tenantKey) >= tcap)
                {
                    reason = $"tenant '{request.Tenant}' premium share reached its cap of {tcap:P0}";
                }
            }

            var wentPremium = premium && reason is null;
            Count(workflowKey, wentPremium);
            Count(tenantKey, wentPremium);
            return reason;
        }
    }

    private double Share(string key) =>
        _windows.TryGetValue(key, out var window) && window.Count > 0 ? window.Count(p => p) / (double)window.Count : 0;

    private void Count(string key, bool premium)
    {
        if (!_windows.TryGetValue(key, out var window))
        {
            _windows[key] = window = new Queue<bool>();
        }

        window.Enqueue(premium);
        while (window.Count > _options.Window)
        {
            window.Dequeue();
        }
    }
}
