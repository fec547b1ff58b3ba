using System.Text.Json;
using System.Text.Json.Nodes;
using Frugal.Engine;
using Frugal.Workflows;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Frugal.Models;

/// <summary>Answers a <see cref="ModelCall"/> with the <see cref="IChatClient"/> registered for its tier.</summary>
public sealed class ModelStepHandler
{
    private readonly IServiceProvider _services;

    /// <summary>Creates the handler; chat clients are keyed services named after the tier (<c>cheap</c>, <c>premium</c>).</summary>
    public ModelStepHandler(IServiceProvider services)
    {
        _services = services;
    }

    /// <summary>Calls the model and returns its answer (parsed JSON when the call has an output schema).</summary>
    /// <param name="call">The call.</param>
    /// <param name="request">The step attempt the call belongs to (its run, tenant and step travel with the chat options).</param>
    /// <param name="index">The call's index in the request.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<CallResult> ExecuteAsync(ModelCall call, StepRequest request, int index, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(request);
        var tier = TierName(call.Tier);
        var client = _services.GetKeyedService<IChatClient>(tier)
            ?? throw new StepInputException($"no model is configured for tier '{tier}' (Frugal:Models:{char.ToUpperInvariant(tier[0])}{tier[1..]})");

        List<ChatMessage> messages = [];
        if (!string.IsNullOrEmpty(call.System))
        {
            messages.Add(new ChatMessage(ChatRole.System, call.System));
        }

        messages.Add(new ChatMessage(ChatRole.User, call.Prompt));
        var options = new ChatOptions
        {
            MaxOutputTokens = call.MaxOutputTokens,
            Temperature = call.Temperature,
        };
        new FrugalChatContext(request.RunId, request.Workflow, request.Tenant, request.ItemStepId(index), request.Attempt, tier).ApplyTo(options);
        if (call.OutputSchema is { } schema)
        {
            options.ResponseFormat = ChatResponseFormat.ForJsonSchema(
                JsonSerializer.SerializeToElement(schema, JsonContext.Default.JsonNode), "answer");
        }

        var response = await client.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        var output = call.OutputSchema is null ? JsonValue.Create(response.Text) : ParseJson(response.Text);
        return new CallResult(
            output,
            tier,
            response.ModelId,
            response.Usage?.InputTokenCount ?? 0,
            response.Usage?.OutputTokenCount ?? 0,
            Provider: client.GetService<ChatClientMetadata>()?.ProviderName);
    }

    /// <summary>The configuration and service-key name of a tier.</summary>
    public static string TierName(ModelTier tier) => tier switch
    {
        ModelTier.Cheap => "cheap",
        ModelTier.Premium => "premium",
        ModelTier.Onnx => "onnx",
        _ => throw new StepInputException($"tier {tier} must be resolved before a model is called"),
    };

    private static JsonNode? ParseJson(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException ex)
        {
            // A model that ignores the requested format is a transient failure worth another attempt.
            throw new InvalidOperationException($"the model's answer is not the JSON the step's output_schema asks for: {ex.Message}", ex);
        }
    }
}
