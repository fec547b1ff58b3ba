using Frugal.Engine;
using Microsoft.Azure.Functions.Worker;

namespace Frugal.Functions.Durable;

/// <summary>The Functions trigger for the <c>ExecuteStep</c> activity, over the same <see cref="ExecuteStepActivity"/> the local host runs.</summary>
public sealed class ExecuteStepFunction
{
    private readonly ExecuteStepActivity _activity;

    public ExecuteStepFunction(ExecuteStepActivity activity)
    {
        _activity = activity;
    }

    [Function(ExecuteStepActivity.Name)]
    public Task<StepResponse> RunAsync([ActivityTrigger] StepRequest request, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);

        // The run id is not part of the request (it would be carried in every replay); the trigger binds it. Without
        // it cost records of different runs would share a key and all but one would be dropped, so it is required.
        var runId = context.BindingContext.BindingData.TryGetValue("instanceId", out var id) ? id as string : null;
        if (string.IsNullOrEmpty(runId))
        {
            throw new InvalidOperationException($"the {ExecuteStepActivity.Name} activity trigger bound no 'instanceId'; its cost records would have no run");
        }

        return _activity.ExecuteAsync(runId, request);
    }
}
