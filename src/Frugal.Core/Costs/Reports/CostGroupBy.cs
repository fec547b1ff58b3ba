using System.Text.Json.Serialization;

namespace Frugal.Costs.Reports;

/// <summary>What a cost report groups by; a report's JSON spells it as <c>--by</c> and <c>by=</c> take it.</summary>
public enum CostGroupBy
{
    /// <summary>One row per workflow.</summary>
    [JsonStringEnumMemberName("workflow")]
    Workflow,

    /// <summary>One row per tenant.</summary>
    [JsonStringEnumMemberName("tenant")]
    Tenant,

    /// <summary>One row per model or deployment (<c>(none)</c> for steps without a model).</summary>
    [JsonStringEnumMemberName("model")]
    Model,

    /// <summary>One row per tier (cheap, premium, onnx, deterministic, none).</summary>
    [JsonStringEnumMemberName("tier")]
    Tier,

    /// <summary>One row per workflow step (<c>workflow/step</c>; foreach iterations and escalation suffixes merged).</summary>
    [JsonStringEnumMemberName("step")]
    Step,
}
