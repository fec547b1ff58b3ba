using System.Text.Json.Nodes;
using Frugal.Engine;
using Microsoft.DurableTask.Client;

namespace Frugal.Api;

/// <summary>The JSON shape of a run's status, shared by the HTTP API and the CLI.</summary>
public static class RunStatus
{
    /// <summary>Renders a durable instance as a run status.</summary>
    /// <param name="metadata">The instance, with its input and output.</param>
    /// <param name="request">Its input, already read (a run input can be megabytes of documents).</param>
    public static JsonObject ToJson(OrchestrationMetadata metadata, WorkflowRunRequest? request)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var status = new JsonObject
        {
            ["id"] = metadata.InstanceId,
            ["workflow"] = request?.Workflow,
            ["version"] = request?.Hash,
            ["tenant"] = request?.Tenant,
            ["status"] = metadata.RuntimeStatus.ToString(),
            ["createdAt"] = metadata.CreatedAt,
            ["lastUpdatedAt"] = metadata.LastUpdatedAt,
        };
        // Written field by field: the Functions worker serialises the orchestrator's status with its own serializer
        // (PascalCase, "CompletedSteps"), the local host with Frugal's (camelCase), and the two APIs answered differently.
        var progress = metadata.SerializedCustomStatus is { } serialized
            ? System.Text.Json.JsonSerializer.Deserialize<Engine.RunProgress>(serialized, Engine.FrugalDataConverter.SerializerOptions)
            : null;
        if (progress is not null)
        {
            status["progress"] = new JsonObject { ["completedSteps"] = progress.CompletedSteps, ["totalSteps"] = progress.TotalSteps };
        }

        if (metadata.RuntimeStatus == OrchestrationRuntimeStatus.Completed && metadata.ReadOutputAs<WorkflowRunResult>() is { } result)
        {
            status["output"] = result.Output?.DeepClone();
            status["steps"] = System.Text.Json.JsonSerializer.SerializeToNode(result.Steps, JsonContext.Default.IReadOnlyListStepSummary);
        }
        else if (metadata.RuntimeStatus == OrchestrationRuntimeStatus.Failed && progress?.Steps is { } steps)
        {
            // A failed run has no result: the orchestrator left its steps' summaries in its progress as it failed, the
            // one that failed last, so both read alike.
            status["steps"] = System.Text.Json.JsonSerializer.SerializeToNode(steps, JsonContext.Default.IReadOnlyListStepSummary);
        }

        if (metadata.FailureDetails is { } failure)
        {
            status["error"] = new JsonObject
            {
                ["type"] = failure.ErrorType,
                ["message"] = failure.ErrorMessage,
            };
        }
        else if (metadata.RuntimeStatus == OrchestrationRuntimeStatus.Failed)
        {
            status["error"] = new JsonObject { ["message"] = FailureMessage(metadata) };
        }

        return status;
    }

    /// <summary>
    /// Why a run failed. The Azure Storage backend, read through the local sidecar, leaves the failure details empty
    /// and keeps the message as the run's output (Durable Task's older form), which is read when the details are missing.
    /// </summary>
    /// <param name="metadata">The failed run.</param>
    /// <returns>The message, or "no result" when there is none.</returns>
    public static string FailureMessage(OrchestrationMetadata? metadata)
    {
        if (metadata?.FailureDetails?.ErrorMessage is { } message)
        {
            return message;
        }

        if (metadata?.SerializedOutput is { Length: > 0 } output)
        {
            try
            {
                return System.Text.Json.JsonSerializer.Deserialize(output, JsonContext.Default.String) ?? output;
            }
            catch (System.Text.Json.JsonException)
            {
                return output;
            }
        }

        return "no result";
    }
}
