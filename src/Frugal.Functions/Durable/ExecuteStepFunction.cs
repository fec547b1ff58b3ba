using Frugal.Engine;
using Microsoft.Azure.Functions.Worker;

namespace Frugal.Functions.Durable;

/// <summary>The Functions trigger for the <c>ExecuteStep</c> activity, over the same <see cref="StepExecutor"/> the local host uses.</summary>
public sealed class ExecuteStepFunction
{
    private readonly StepExecutor _executor;

    public ExecuteStepFunction(StepExecutor executor)
    {
        _executor = executor;
    }

    [Function(ExecuteStepActivity.Name)]
    public Task<StepResponse> RunAsync([ActivityTrigger] StepRequest request, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return _executor.ExecuteAsync(request, context.CancellationToken);
    }
}
