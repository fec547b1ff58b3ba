using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Frugal.Workflows;

/// <summary>Checks a run input against its workflow's input schema and lists every violation (HTTP 400 bodies list them all).</summary>
public static class WorkflowInputValidator
{
    // Built schemas are kept per definition instance and go when the definition does.
    private static readonly ConditionalWeakTable<WorkflowDefinition, JsonSchema> Schemas = [];

    /// <summary>Every violation of <paramref name="definition"/>'s input schema by <paramref name="input"/>; empty when it conforms.</summary>
    public static IReadOnlyList<InputViolation> Validate(WorkflowDefinition definition, JsonNode? input) => Validate(definition, input, parsed: null);

    private static IReadOnlyList<InputViolation> Validate(WorkflowDefinition definition, JsonNode? input, JsonElement? parsed)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var schema = Schemas.GetValue(definition, static d => SchemaValidation.Build(d.InputSchema));
        return [.. SchemaValidation.Validate(schema, definition.InputSchema, input, json: true, parsed)
            .Select(v => new InputViolation(v.Pointer, v.Message))];
    }

    /// <summary>
    /// Checks <paramref name="input"/> against <paramref name="definition"/>'s input schema once: the input to start
    /// (<see cref="Frugal.Engine.WorkflowStarter"/>) when it conforms, every violation when it does not.
    /// </summary>
    /// <param name="definition">The workflow.</param>
    /// <param name="input">The run input.</param>
    /// <param name="valid">The input to start; null when there are violations.</param>
    /// <param name="violations">Every violation; empty when the input conforms.</param>
    /// <returns>Whether the input conforms.</returns>
    public static bool TryValidate(
        WorkflowDefinition definition,
        JsonNode? input,
        [NotNullWhen(true)] out ValidatedInput? valid,
        out IReadOnlyList<InputViolation> violations) => TryValidateParsed(definition, input, parsed: null, out valid, out violations);

    /// <summary>
    /// <see cref="TryValidate(WorkflowDefinition, JsonNode?, out ValidatedInput?, out IReadOnlyList{InputViolation})"/>
    /// for an input parsed from <paramref name="parsed"/> (<see cref="JsonInput.ParseElementAsync"/>), which is checked
    /// as it is rather than written out from the node and parsed again (a copy of the whole input).
    /// </summary>
    internal static bool TryValidateParsed(
        WorkflowDefinition definition,
        JsonNode? input,
        JsonElement? parsed,
        [NotNullWhen(true)] out ValidatedInput? valid,
        out IReadOnlyList<InputViolation> violations)
    {
        violations = Validate(definition, input, parsed);
        valid = violations.Count == 0 ? new ValidatedInput(definition, input) : null;
        return valid is not null;
    }
}
