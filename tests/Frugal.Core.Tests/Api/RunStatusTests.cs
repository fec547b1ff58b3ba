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

    [Fact]
    public void ToJson_FailedRunWithItsStepsInItsProgress_AnswersThemAsACompletedRunsSteps()
    {
        // A failed run has no result to read its steps from: the orchestrator leaves them in its progress as it fails.
        var metadata = new OrchestrationMetadata("WorkflowOrchestrator", "run-1")
        {
            RuntimeStatus = OrchestrationRuntimeStatus.Failed,
            SerializedCustomStatus = """
                {"completedSteps":1,"totalSteps":3,"steps":[
                  {"stepId":"greet","kind":"deterministic","status":"completed","calls":1,"attempts":1,"tiers":{"deterministic":1},"durationMs":0.5},
                  {"stepId":"count","kind":"deterministic","status":"failed","attempts":1,"tiers":{},"error":"step 'count': no number"}]}
                """,
        };

        var status = RunStatus.ToJson(metadata, null);

        Assert.Equal("""{"completedSteps":1,"totalSteps":3}""", status["progress"]!.ToJsonString());
        Assert.Equal(
            """[{"stepId":"greet","kind":"deterministic","status":"completed","calls":1,"attempts":1,"tiers":{"deterministic":1},"inputTokens":0,"outputTokens":0,"durationMs":0.5,"metadata":null},"""
            + """{"stepId":"count","kind":"deterministic","status":"failed","calls":0,"attempts":1,"tiers":{},"inputTokens":0,"outputTokens":0,"durationMs":0,"metadata":null,"error":"step 'count': no number"}]""",
            status["steps"]!.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }
}
