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
        catch (HttpRequestException)
        {
            ModelAttemptLog.Add("error");
            throw;
        }
    }
}
