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

    /// <summary>Creates the activity.</summary>
    public ExecuteStepActivity(StepExecutor executor, ILogger<ExecuteStepActivity> logger)
    {
        _executor = executor;
        _logger = logger;
    }

    /// <inheritdoc />
    public override async Task<StepResponse> RunAsync(TaskActivityContext context, StepRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var response = await _executor.ExecuteAsync(input, CancellationToken.None);
        Log.StepExecuted(_logger, input.RunId, input.StepId, input.Attempt, input.Calls.Count, response.Results.Sum(r => r.DurationMs));
        return response;
    }
}
