namespace Frugal.Planning;

/// <summary>The margin planner's answer.</summary>
/// <param name="Request">What was asked.</param>
/// <param name="ObservedDays">The period the records span, in days (at least one).</param>
/// <param name="Workflows">Per workflow, by monthly cost, highest first.</param>
/// <param name="Total">All workflows together.</param>
/// <param name="PeakConcurrency">Runs in flight at the peak (the option, or the observed peak overlap x scale).</param>
/// <param name="ObservedPeakConcurrency">The most runs the ledger shows in flight at once.</param>
/// <param name="GpuReplicas">Inference replicas the peak needs: ceil(peak GPU demand / replica capacity).</param>
/// <param name="GpuUtilisation">Mean GPU demand / (replicas x capacity); 0 without GPU work.</param>
/// <param name="MeanGpuDemand">GPU seconds per run x runs per month / seconds per month.</param>
/// <param name="PeakGpuDemand">Peak concurrency x GPU seconds per run / mean run duration.</param>
public sealed record MarginPlan(
    PlanRequest Request,
    double ObservedDays,
    IReadOnlyList<WorkflowPlan> Workflows,
    WorkflowPlan Total,
    long PeakConcurrency,
    int ObservedPeakConcurrency,
    long GpuReplicas,
    double GpuUtilisation,
    double MeanGpuDemand,
    double PeakGpuDemand);
