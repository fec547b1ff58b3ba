using Frugal.Emulator.Protocol;

namespace Frugal.Emulator;

/// <summary>
/// What an injected content filter answers, in Azure OpenAI's shapes. A prompt that trips the filter is refused with
/// 400, error code <c>content_filter</c>, param <c>prompt</c>, inner error <c>ResponsibleAIPolicyViolation</c> with
/// <c>content_filter_result</c>; a completion that trips it comes back 200 with <c>finish_reason: content_filter</c>,
/// no content, and its tokens in <c>usage</c>
/// (https://learn.microsoft.com/azure/ai-foundry/openai/concepts/content-filter#scenario-details and the example
/// responses of https://learn.microsoft.com/azure/ai-services/openai/how-to/use-blocklists).
/// </summary>
internal static class InjectedContentFilter
{
    /// <summary>The service's message for a refused prompt (its documentation link left out), marked as injected.</summary>
    public const string PromptMessage =
        "The response was filtered due to the prompt triggering Azure OpenAI's content management policy (injected fault). Please modify your prompt and retry.";

    /// <summary>The annotations of what the filter flagged: always violence at medium severity, the rest safe.</summary>
    public static readonly IReadOnlyDictionary<string, ContentFilterResult> Results = new Dictionary<string, ContentFilterResult>(StringComparer.Ordinal)
    {
        ["hate"] = new(false, "safe"),
        ["self_harm"] = new(false, "safe"),
        ["sexual"] = new(false, "safe"),
        ["violence"] = new(true, "medium"),
    };

    /// <summary>The error body of a refused prompt.</summary>
    public static ErrorBody PromptRefused { get; } = new(
        PromptMessage,
        Type: null,
        Param: "prompt",
        Code: "content_filter",
        Status: 400,
        Innererror: new InnerError("ResponsibleAIPolicyViolation", Results));
}
