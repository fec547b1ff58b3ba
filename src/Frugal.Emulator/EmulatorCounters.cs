using System.Collections.Concurrent;

namespace Frugal.Emulator;

/// <summary>
/// What an emulator has served so far. Thread-safe; read by tests and benchmarks through <see cref="EmulatorHandle.Counters"/>.
/// </summary>
public sealed class EmulatorCounters
{
    private readonly ConcurrentDictionary<string, long> _requestsByDeployment = new(StringComparer.OrdinalIgnoreCase);
    private long _requests;
    private long _chatCompletions;
    private long _embeddings;
    private long _unauthorized;
    private long _badRequests;
    private long _faultsInjected;
    private long _rateLimited;
    private long _serverErrors;
    private long _serviceUnavailable;
    private long _timeouts;
    private long _promptsFiltered;
    private long _completionsFiltered;
    private long _promptTokens;
    private long _completionTokens;

    /// <summary>Requests received on the model routes, whatever their outcome.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Chat completions answered successfully (those whose completion an injected content filter cut included: they are billed).</summary>
    public long ChatCompletions => Interlocked.Read(ref _chatCompletions);

    /// <summary>Embedding requests answered successfully.</summary>
    public long Embeddings => Interlocked.Read(ref _embeddings);

    /// <summary>Requests refused with 401 because of a wrong API key.</summary>
    public long Unauthorized => Interlocked.Read(ref _unauthorized);

    /// <summary>Requests refused with 400.</summary>
    public long BadRequests => Interlocked.Read(ref _badRequests);

    /// <summary>Faults injected, all kinds together.</summary>
    public long FaultsInjected => Interlocked.Read(ref _faultsInjected);

    /// <summary>Injected 429 answers.</summary>
    public long RateLimited => Interlocked.Read(ref _rateLimited);

    /// <summary>Injected 500 answers.</summary>
    public long ServerErrors => Interlocked.Read(ref _serverErrors);

    /// <summary>Injected 503 answers.</summary>
    public long ServiceUnavailable => Interlocked.Read(ref _serviceUnavailable);

    /// <summary>Injected timeouts.</summary>
    public long Timeouts => Interlocked.Read(ref _timeouts);

    /// <summary>Prompts refused by the injected content filter (400 <c>content_filter</c>).</summary>
    public long PromptsFiltered => Interlocked.Read(ref _promptsFiltered);

    /// <summary>Completions cut by the injected content filter (200, <c>finish_reason: content_filter</c>).</summary>
    public long CompletionsFiltered => Interlocked.Read(ref _completionsFiltered);

    /// <summary>Prompt tokens of successful answers (chat and embeddings).</summary>
    public long PromptTokens => Interlocked.Read(ref _promptTokens);

    /// <summary>Completion tokens of successful chat answers.</summary>
    public long CompletionTokens => Interlocked.Read(ref _completionTokens);

    /// <summary>Requests received for one deployment (once its name is known), whatever their outcome.</summary>
    /// <param name="deployment">The deployment name.</param>
    /// <returns>The number of requests.</returns>
    public long RequestsFor(string deployment) =>
        _requestsByDeployment.TryGetValue(deployment, out var count) ? count : 0;

    internal void OnRequest() => Interlocked.Increment(ref _requests);

    internal void OnDeployment(string deployment) =>
        _requestsByDeployment.AddOrUpdate(deployment, 1, static (_, count) => count + 1);

    internal void OnUnauthorized() => Interlocked.Increment(ref _unauthorized);

    internal void OnBadRequest() => Interlocked.Increment(ref _badRequests);

    internal void OnFault(FaultKind kind)
    {
        Interlocked.Increment(ref _faultsInjected);
        switch (kind)
        {
            case FaultKind.RateLimit:
                Interlocked.Increment(ref _rateLimited);
                break;
            case FaultKind.ServerError:
                Interlocked.Increment(ref _serverErrors);
                break;
            case FaultKind.ServiceUnavailable:
                Interlocked.Increment(ref _serviceUnavailable);
                break;
            case FaultKind.Timeout:
                Interlocked.Increment(ref _timeouts);
                break;
            case FaultKind.PromptFilter:
                Interlocked.Increment(ref _promptsFiltered);
                break;
            case FaultKind.CompletionFilter:
                Interlocked.Increment(ref _completionsFiltered);
                break;
            default:
                break;
        }
    }

    internal void OnChatCompletion(int promptTokens, int completionTokens)
    {
        Interlocked.Increment(ref _chatCompletions);
        Interlocked.Add(ref _promptTokens, promptTokens);
        Interlocked.Add(ref _completionTokens, completionTokens);
    }

    internal void OnEmbeddings(int promptTokens)
    {
        Interlocked.Increment(ref _embeddings);
        Interlocked.Add(ref _promptTokens, promptTokens);
    }
}
