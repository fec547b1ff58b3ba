using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Frugal.Engine;

namespace Frugal;

/// <summary>Source-generated JSON metadata for the messages that cross durable and HTTP boundaries.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(WorkflowRunRequest))]
[JsonSerializable(typeof(WorkflowRunResult))]
[JsonSerializable(typeof(StepRequest))]
[JsonSerializable(typeof(StepResponse))]
[JsonSerializable(typeof(RunProgress))]
[JsonSerializable(typeof(IReadOnlyList<StepSummary>))]
[JsonSerializable(typeof(IReadOnlyList<Frugal.Resilience.ModelAttempt>))]
[JsonSerializable(typeof(Frugal.Embeddings.EmbeddingIndex))]
internal sealed partial class JsonContext : JsonSerializerContext;
