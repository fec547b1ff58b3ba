using System.Text.Json;
using Frugal.Workflows;

namespace Frugal.Engine;

/// <summary>A failed run's status: what its steps did before it failed, as a completed run's result says it.</summary>
internal sealed partial class WorkflowRun
{
    /// <summary>
    /// The most characters a run's custom status may hold: Durable Functions fails a run whose custom status is over
    /// 16 KB of UTF-16 (8,192 characters), and Azure Storage leaves a run stuck whose status is over what its table
    /// column holds (32K characters); a little is kept for a serializer that writes it otherwise.
    /// </summary>
    private const int MaxStatusChars = 8_000;

    /// <summary>The most characters of a failed step's error kept when the summaries are cut to fit.</summary>
    private const int MaxErrorChars = 1_000;

    /// <summary>
    /// The progress of a run failing with <paramref name="failure"/>, with the summaries a completed run's result
    /// carries: each step that finished or was skipped, then the step that failed, marked <c>failed</c> with the error.
    /// Built once, as the run fails: replays do not build summaries (see <see cref="ExecuteAsync"/>).
    /// </summary>
    public RunProgress FailedProgress(Exception failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var steps = new List<StepSummary>(_finished.Count + 1);
        foreach (var (step, result) in _finished)
        {
            steps.Add(StepSummary.From(step, result.Outcome));
        }

        if (failure is StepFailedException { StepId: { } id } failed && _definition.Steps.FirstOrDefault(s => s.Id == id) is { } failedStep)
        {
            steps.Add(StepSummary.Failed(failedStep, failed.Attempts, failure.Message));
        }

        return Fit(new RunProgress(_finished.Count, _definition.Steps.Count, steps));
    }

    /// <summary>
    /// <paramref name="progress"/> within <see cref="MaxStatusChars"/>: as it is when it fits; else without the steps'
    /// metadata (a model call's attempts are most of a summary) and with the failed step's error cut to
    /// <see cref="MaxErrorChars"/> (the run's error says it in full); else only the last summaries that fit, the failed
    /// step's among them.
    /// </summary>
    private static RunProgress Fit(RunProgress progress)
    {
        if (Length(progress) <= MaxStatusChars)
        {
            return progress;
        }

        var lean = progress.Steps!.Select(s => s with { Metadata = null, Error = Cut(s.Error) }).ToList();
        var room = MaxStatusChars - Length(progress with { Steps = [] });
        var first = lean.Count;
        while (first > 0)
        {
            var length = Length(lean[first - 1]) + 1; // and its comma
            if (length > room)
            {
                break;
            }

            room -= length;
            first--;
        }

        return progress with { Steps = lean[first..] };
    }

    private static string? Cut(string? error) =>
        error is { Length: > MaxErrorChars } ? string.Concat(error.AsSpan(0, MaxErrorChars - 1), "…") : error;

    /// <summary>The characters <paramref name="value"/> takes as Durable Task writes it (Frugal's converter, and the Functions worker's serializer, use the same options).</summary>
    private static int Length<T>(T value) => JsonSerializer.Serialize(value, FrugalDataConverter.SerializerOptions).Length;

    /// <summary>
    /// The failure of a step whose <c>when</c> or <c>items</c> failed on this run's data, before its first attempt, reported
    /// as an attempt that failed on bad input is (the activity's <see cref="StepInputException"/>): a <c>frugal.step</c>
    /// span with error status, attempt 0, and a <c>frugal.step.failures</c> count. No activity runs for such a step, so
    /// it had neither, and a dashboard of step failures missed it. Reported here, not by a host that sees the run fail:
    /// only the orchestrator knows which step failed, and a run's end is seen by as many hosts as ask for its status
    /// (or by none). Only when not replaying: the run ends in the episode that fails, which therefore runs once (again
    /// only if its host stopped before saving it, as an activity runs again); the span and the count touch nothing the
    /// orchestration decides on. The description is always the redacted one: the orchestrator reads no configuration,
    /// so it cannot know whether the tenant's text may go to telemetry.
    /// </summary>
    private StepFailedException FailedBeforeAttempt(StepDefinition step, string message, string redacted, Exception? inner)
    {
        if (!_context.IsReplaying)
        {
            var request = NewRequest(step.Id, 0, [], -1, 0) with { RunId = _context.InstanceId };
            using var span = Telemetry.StepTelemetry.Start(request);
            Telemetry.StepTelemetry.Fail(span, request, new StepInputException(message) { RedactedMessage = redacted }, Telemetry.TenantTextPolicy.None);
        }

        return inner is null ? new StepFailedException(message) { StepId = step.Id } : new StepFailedException(message, inner) { StepId = step.Id };
    }
}
