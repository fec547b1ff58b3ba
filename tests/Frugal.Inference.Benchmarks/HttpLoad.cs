using System.Diagnostics;
using System.Net.Http.Headers;

namespace Frugal.Inference.Benchmarks;

/// <summary>Load on <c>/v1/embeddings</c>: closed-loop clients (throughput) and a constant arrival rate (latency).</summary>
internal sealed class HttpLoad(HttpClient client)
{
    private static readonly Uri Path = new("/v1/embeddings", UriKind.Relative);

    /// <summary>Each of <paramref name="clients"/> sends a request, waits for its answer, sends the next. Returns texts/s.</summary>
    public async Task<double> ClosedLoopAsync(int clients, IReadOnlyList<byte[]> bodies, int textsPerRequest, TimeSpan duration)
    {
        var stop = Stopwatch.StartNew();
        var counts = await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            var done = 0L;
            for (var i = c; stop.Elapsed < duration; i += clients)
            {
                await SendAsync(bodies[i % bodies.Count]);
                done += textsPerRequest;
            }

            return done;
        }));
        return counts.Sum() / stop.Elapsed.TotalSeconds;
    }

    /// <summary>Starts requests at a constant rate whatever the answers do (no coordinated omission); latency is
    /// measured from each request's scheduled start. Returns the achieved rate and the p50 and p99 latency in ms.</summary>
    public async Task<(double Rate, double P50, double P99)> OpenLoopAsync(double rate, IReadOnlyList<byte[]> bodies, TimeSpan duration)
    {
        var total = (int)(rate * duration.TotalSeconds);
        var latencies = new double[total];
        var requests = new Task[total];
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < total; i++)
        {
            var scheduled = TimeSpan.FromSeconds(i / rate);
            var wait = scheduled - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }

            var index = i;
            requests[i] = Task.Run(async () =>
            {
                await SendAsync(bodies[index % bodies.Count]);
                latencies[index] = (clock.Elapsed - scheduled).TotalMilliseconds;
            });
        }

        await Task.WhenAll(requests);
        var achieved = total / clock.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        return (achieved, latencies[total / 2], latencies[(int)(total * 0.99)]);
    }

    private async Task SendAsync(byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await client.PostAsync(Path, content);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        if (!response.IsSuccessStatusCode || bytes.Length == 0)
        {
            throw new InvalidOperationException($"The service answered {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(bytes)}");
        }
    }
}
