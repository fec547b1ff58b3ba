using System.Text.Json.Nodes;

namespace Frugal.Workflows;

/// <summary>
/// A run input that satisfied its workflow's input schema. Only <see cref="WorkflowInputValidator.TryValidate"/> makes
/// one, so a host that checked the input before its budget (to answer 400 before 402 or 429) hands the result to
/// <see cref="Frugal.Engine.WorkflowStarter"/>, which starts it without checking it again.
/// </summary>
public sealed class ValidatedInput
{
    internal ValidatedInput(WorkflowDefinition definition, JsonNode? input)
    {
        Definition = definition;
        Input = input;
    }

    /// <summary>The workflow whose input schema <see cref="Input"/> satisfied.</summary>
    public WorkflowDefinition Definition { get; }

    /// <summary>The input, as checked: changing it afterwards starts a run with an input nobody checked.</summary>
    public JsonNode? Input { get; }
}
