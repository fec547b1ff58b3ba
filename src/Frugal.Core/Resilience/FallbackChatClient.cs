using System.ClientModel;
using Microsoft.Extensions.AI;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Frugal.Resilience;

/// <summary>
/// Sends a call to the fallback deployment when the tier's own deployment fails with a server error, a timeout,
/// or an open circuit (after the retries of the resilience pipeline). Client errors (400, 401) are not retried
/// elsewhere: they would fail the same way.
/// </summary>
public sealed class FallbackChatClient : DelegatingChatClient
{
    /// <summary>The key of <see cref="ChatResponse.AdditionalProperties"/> set to <see langword="true"/> when the fallback deployment answered.</summary>
    public const string FallbackKey = "frugal.fallback";

    private readonly IChatClient _fallback;
    private readonly string _tier;

    /// <summary>Creates the client.</summary>
    /// <param name="innerClient">The tier's own client.</param>
    /// <param name="fallback">The fallback deployment's client.</param>
    /// <param name="tier">The tier's name, for the attempt log.</param>
    public FallbackChatClient(IChatClient innerClient, IChatClient fallback, string tier)
        : base(innerClient)
    {
        _fallback = fallback;
        _tier = tier;
    }

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages as IList<ChatMessage> ?? [.. messages];
        try
        {
            ModelAttemptLog.SetTier(_tier);
            return await base.GetResponseAsync(list, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ShouldFallBack(ex, cancellationToken))
        {
            if (ex is BrokenCircuitException)
            {
                ModelAttemptLog.Add("circuit-open");
            }

            ModelAttemptLog.SetTier("fallback");
            var response = await _fallback.GetResponseAsync(list, options, cancellationToken).ConfigureAwait(false);
            (response.AdditionalProperties ??= [])[FallbackKey] = true;
            return response;
        }
        finally
        {
            ModelAttemptLog.SetTier(_tier);
        }
    }

    private static bool ShouldFallBack(Exception ex, CancellationToken cancellationToken) => ex switch
    {
        _ when cancellationToken.IsCancellationRequested => false,
        BrokenCircuitException or TimeoutRejectedException or HttpRequestException => true,
        ClientResultException { Status: >= 500 or 0 } => true,

        // Throttled past the retries, or asked to wait longer than the call may take: the fallback deployment (another
        // quota or region) is what a 429 needs.
        ClientResultException { Status: 429 } => true,
        OperationCanceledException => true,
        _ => ex.InnerException is { } inner && ShouldFallBack(inner, cancellationToken),
    };
}
