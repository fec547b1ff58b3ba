namespace Frugal.Costs.Reports;

/// <summary>What a cost report groups by.</summary>
public enum CostGroupBy
{
    /// <summary>One row per workflow.</summary>
    Workflow,

    /// <summary>One row per tenant.</summary>
    Tenant,

    /// <summary>One row per model or deployment (<c>(none)</c> for steps without a model).</summary>
    Model,

    /// <summary>One row per tier (cheap, premium, onnx, deterministic, none).</summary>
    Tier,

    /// <summary>One row per workflow step (<c>workflow/step</c>; foreach iterations and escalation suffixes merged).</summary>
    Step,
}
