using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Frugal.Engine;

/// <summary>
/// JSON for <see cref="WorkflowRunRequest"/>. The orchestrator reads its input again on every replay, and the input
/// carries the workflow's whole YAML; unescaping and copying that text was most of reading it (22 us of 23). So
/// <c>hash</c> is written before <c>source</c>, and when a definition with that hash is already parsed in this
/// process its source is reused and the text in the message is stepped over. Content-addressed, so reusing it
/// cannot change what a run sees. Hand-written because System.Text.Json has no way to skip a property on a
/// condition read from an earlier one.
/// </summary>
internal sealed class WorkflowRunRequestConverter : JsonConverter<WorkflowRunRequest>
{
    public override WorkflowRunRequest Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"a workflow run request must be a JSON object, not {reader.TokenType}");
        }

        string? workflow = null, hash = null, source = null, file = null, tenant = null;
        JsonNode? input = null;
        var execution = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "workflow": workflow = reader.GetString(); break;
                case "hash": hash = reader.GetString(); break;
                case "source":
                    source = hash is not null && DefinitionCache.TryGetSource(hash, out var known) ? known : reader.GetString();
                    break;
                case "file": file = reader.GetString(); break;
                case "tenant": tenant = reader.GetString(); break;
                case "execution": execution = reader.GetInt32(); break;
                case "input": input = reader.TokenType == JsonTokenType.Null ? null : JsonNode.Parse(ref reader); break;
                default: reader.Skip(); break;
            }
        }

        return new WorkflowRunRequest(
            workflow ?? throw new JsonException("a workflow run request needs 'workflow'"),
            hash ?? throw new JsonException("a workflow run request needs 'hash'"),
            source ?? throw new JsonException("a workflow run request needs 'source'"),
            file ?? string.Empty,
            input,
            tenant ?? WorkflowRunRequest.DefaultTenant) { Execution = execution };
    }

    public override void Write(Utf8JsonWriter writer, WorkflowRunRequest value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("workflow", value.Workflow);
        writer.WriteString("hash", value.Hash);
        writer.WriteString("file", value.File);
        writer.WriteString("tenant", value.Tenant);
        if (value.Execution > 0)
        {
            writer.WriteNumber("execution", value.Execution);
        }

        writer.WritePropertyName("input");
        if (value.Input is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            value.Input.WriteTo(writer, options);
        }

        writer.WriteString("source", value.Source);
        writer.WriteEndObject();
    }
}
