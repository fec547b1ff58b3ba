using Frugal.Api;
using Microsoft.DurableTask.Client;

namespace Frugal.Core.Tests.Api;

public sealed class RunStatusTests
{
    [Theory]
    [InlineData("""{"CompletedSteps":2,"TotalSteps":5}""")] // the Functions worker's serializer
    [InlineData("""{"completedSteps":2,"totalSteps":5}""")] // Frugal's, on the local host
    public void ToJson_ProgressWrittenEitherWay_AnswersTheSameFields(string customStatus)
    {
        // GET /api/runs/{id} answered "CompletedSteps" from Azure and "completedSteps" from frugal serve.
        var metadata = new OrchestrationMetadata("WorkflowOrchestrator", "run-1")
        {
            RuntimeStatus = OrchestrationRuntimeStatus.Running,
            SerializedCustomStatus = customStatus,
        };

        var status = RunStatus.ToJson(metadata, null);

        Assert.Equal("""{"completedSteps":2,"totalSteps":5}""", status["progress"]!.ToJsonString());
    }
}
