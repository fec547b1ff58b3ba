using Frugal.Engine;
using Microsoft.Extensions.Options;

namespace Frugal.Models;

/// <summary>
/// Keeps the share of <c>auto</c> calls that go to premium under the workflow's cap and the tenant's cap, over the
/// most recent decisions. Counts are per instance (each Functions instance keeps its own window), which holds a
/// cap approximately under scale-out and exactly on one instance. A call is decided and counted once: a later attempt
/// at the same call (its step retried) gets the first attempt's decision back. A call goes to premium only when the
/// share, counting it, stays within the cap: an empty window let its first premium call through, so two runs at a
/// 0.25 cap sent half their calls to premium.
/// </summary>
public sealed class PremiumShareGovernor
{
    private readonly RoutingLimitsOptions _options;
    private readonly Dictionary<string, Queue<bool>> _windows = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _decided = new(StringComparer.Ordinal);
    private readonly Queue<string> _decidedInOrder = new();
    private readonly Lock _lock = new();

    /// <summary>Creates the governor.</summary>
    public PremiumShareGovernor(IOptions<RoutingLimitsOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
    }

    /// <summary>
    /// Decides the tier of an auto-routed call that its classify step sent to premium, and counts the decision:
    /// premium unless it would take a window's share past its cap (and the step is not premium-only). Returns the reason
    /// when it downgrades.
    /// </summary>
    /// <param name="call">The call.</param>
    /// <param name="request">The step attempt it belongs to.</param>
    /// <param name="index">The call's index in the request (its foreach item).</param>
    /// <param name="premium">Whether its classify step sent it to premium.</param>
    public string? Decide(ModelCall call, StepRequest request, int index, bool premium)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(request);

        // Counted again on each attempt, a step retried after a premium outage filled the window with its own
        // decisions, and its next attempt could be downgraded by the count of its first.
        var callKey = string.IsNullOrEmpty(request.RunId) ? null
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{request.RunId}\n{request.Execution}\n{request.ItemStepId(index)}");
        var workflowKey = $"workflow:{request.Workflow}";
        var tenantKey = $"tenant:{request.Tenant}";
        var tenantCap = _options.Tenants.TryGetValue(request.Tenant, out var tenant) ? tenant.PremiumShare : _options.DefaultTenantPremiumShare;
        lock (_lock)
        {
            if (callKey is not null && _decided.TryGetValue(callKey, out var earlier))
            {
                return earlier;
            }

            string? reason = null;
            if (premium && !call.PremiumOnly)
            {
                if (call.PremiumShareCap is { } cap && ShareWithOneMore(workflowKey) > cap)
                {
                    reason = $"workflow premium share would pass its cap of {cap:P0}";
                }
                else if (tenantCap is { } tcap && ShareWithOneMore(tenantKey) > tcap)
                {
                    reason = $"tenant '{request.Tenant}' premium share would pass its cap of {tcap:P0}";
                }
            }

            var wentPremium = premium && reason is null;
            Count(workflowKey, wentPremium);
            Count(tenantKey, wentPremium);
            if (callKey is not null)
            {
                Remember(callKey, reason);
            }

            return reason;
        }
    }

    /// <summary>Keeps the decisions of the most recent calls (four windows' worth, 10,000 to 100,000): a retry comes within minutes.</summary>
    private void Remember(string callKey, string? reason)
    {
        _decided[callKey] = reason;
        _decidedInOrder.Enqueue(callKey);
        while (_decidedInOrder.Count > Math.Clamp(4L * _options.Window, 10_000, 100_000))
        {
            _decided.Remove(_decidedInOrder.Dequeue());
        }
    }

    /// <summary>The window's share of premium calls were one more premium call counted (and its oldest dropped when full).</summary>
    private double ShareWithOneMore(string key)
    {
        if (!_windows.TryGetValue(key, out var window) || window.Count == 0)
        {
            return 1;
        }

        bool full = window.Count >= _options.Window;
        int premium = window.Count(p => p) + 1 - (full && window.Peek() ? 1 : 0);
        int count = full ? window.Count : window.Count + 1;

        // 1 of 4 is exactly a 0.25 cap, not a hair over it.
        return Math.Round(premium / (double)count, 12);
    }

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
