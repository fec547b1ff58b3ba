using System.Net;

namespace Frugal.Resilience;

/// <summary>
/// The innermost handler of a model's HttpClient: sees every attempt the resilience pipeline makes and writes its
/// outcome to the <see cref="ModelAttemptLog"/> of the calling step.
/// </summary>
internal sealed class ModelAttemptHandler(TimeProvider? time = null) : DelegatingHandler
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            // The wait the retry pipeline reads too (retry-after-ms, Retry-After in seconds or as a date).
            var retryAfter = Microsoft.Extensions.DependencyInjection.ModelHttpClientServiceCollectionExtensions.RetryAfter(response, _time)?.TotalMilliseconds;
            ModelAttemptLog.Add(response.IsSuccessStatusCode ? "ok" : $"http-{(int)response.StatusCode}", response.StatusCode == HttpStatusCode.TooManyRequests ? retryAfter : null);
            return response;
        }
        catch (OperationCanceledException)
        {
            ModelAttemptLog.Add("timeout");
            throw;
        }
        catch (HttpRequestException ex)
        {
            // "unreachable": no connection was made (refused, or the host name did not resolve), so the service never saw
            // the request and cannot have billed it; "error": anything else (a connection dropped mid-answer may have been).
            ModelAttemptLog.Add(IsUnreachable(ex) ? Unreachable : "error");
            throw;
        }
    }

    /// <summary>The outcome of an attempt that never reached the service.</summary>
    internal const string Unreachable = "unreachable";

    /// <summary>Whether <paramref name="ex"/> says no connection was made.</summary>
    internal static bool IsUnreachable(HttpRequestException ex) =>
        ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError;
}
