using Frugal.Telemetry;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace Frugal.Engine;

/// <summary>The one activity every step runs as: executes a step's calls with <see cref="StepExecutor"/>.</summary>
public sealed class ExecuteStepActivity : TaskActivity<StepRequest, StepResponse>
{
    /// <summary>The activity's registered name.</summary>
    public const string Name = "ExecuteStep";

    private readonly StepExecutor _executor;
    private readonly ILogger<ExecuteStepActivity> _logger;
    private readonly TenantTextPolicy _text;

    /// <summary>Creates the activity; without a <see cref="TenantTextPolicy"/>, no tenant's text goes to its span or log.</summary>
    public ExecuteStepActivity(StepExecutor executor, ILogger<ExecuteStepActivity> logger, TenantTextPolicy? text = null)
    {
        _executor = executor;
        _logger = logger;
        _text = text ?? TenantTextPolicy.None;
    }

    /// <inheritdoc />
    public override Task<StepResponse> RunAsync(TaskActivityContext context, StepRequest input)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ExecuteAsync(context.InstanceId, input);
    }

    /// <summary>
    /// Runs a step of run <paramref name="runId"/> with what every host gives each step: its span, the step-failure
    /// metric and the log line. The Functions app's trigger calls this too; it called the executor directly, and in
    /// Azure no step span or failure metric was ever sent. Not cancelled by the host's stop: a model call cut off
    /// mid-answer is still billed and is made again by the retry.
    /// </summary>
    /// <param name="runId">The run (the orchestration instance id; the request does not carry it).</param>
    /// <param name="input">The step's request.</param>
    public async Task<StepResponse> ExecuteAsync(string runId, StepRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        input = input with { RunId = runId };
        using var span = StepTelemetry.Start(input);
        StepResponse response;
        try
        {
            response = await _executor.ExecuteAsync(input, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The exception goes on whole, to the run's status; its span and log say it as the tenant's policy allows.
            StepTelemetry.Fail(span, input, ex, _text);
            Log.StepAttemptFailed(_logger, input.RunId, input.StepId, input.Attempt, _text.Describe(ex, input.Tenant));
            throw;
        }

        if (response.Failed is [var first, ..] && response.Results[first].Failure is { } failure)
        {
            Log.StepCallsFailed(_logger, input.RunId, input.StepId, input.Attempt, response.Failed.Count, response.Results.Count, _text.Describe(failure, input.Tenant));
        }

        StepTelemetry.Complete(span, input, response, _text);
        Log.StepExecuted(_logger, input.RunId, input.StepId, input.Attempt, input.Calls.Count, response.Results.Sum(r => r.DurationMs));
        return response;
    }
}
