namespace Frugal.Emulator;

/// <summary>A fault the emulator can inject into an answer.</summary>
internal enum FaultKind
{
    None,
    RateLimit,
    ServerError,
    ServiceUnavailable,
    Timeout,

    /// <summary>The prompt trips the content filter: 400 <c>content_filter</c>.</summary>
    PromptFilter,

    /// <summary>The completion trips the content filter: 200, <c>finish_reason: content_filter</c>, no content.</summary>
    CompletionFilter,
}
