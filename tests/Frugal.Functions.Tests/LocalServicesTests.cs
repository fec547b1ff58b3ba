using System.Net.Sockets;
using System.Text;
using Frugal.Functions.Tests.Services;

namespace Frugal.Functions.Tests;

/// <summary>
/// The contract between eng/test.sh and the tests: the variables it sets point at servers that answer. Speaks the
/// wire protocols directly so this project needs no client library for it.
/// </summary>
public sealed class LocalServicesTests
{
    private const string RedisVariable = "FRUGAL_TEST_REDIS";
    private const string AzuriteVariable = "FRUGAL_TEST_AZURITE";

    [LocalServiceFact(RedisVariable)]
    public async Task Redis_Ping_AnswersPong()
    {
        var (host, port) = ParseEndpoint(Environment.GetEnvironmentVariable(RedisVariable)!);

        var reply = await ExchangeAsync(host, port, "PING\r\n");

        Assert.StartsWith("+PONG", reply, StringComparison.Ordinal);
    }

    [LocalServiceFact(AzuriteVariable)]
    public async Task Azurite_BlobQueueAndTablePorts_AnswerHttp()
    {
        Assert.Equal("UseDevelopmentStorage=true", Environment.GetEnvironmentVariable(AzuriteVariable));

        // UseDevelopmentStorage=true means these three loopback ports (blob, queue, table).
        foreach (var port in new[] { 10000, 10001, 10002 })
        {
            var reply = await ExchangeAsync("127.0.0.1", port,
                "GET /devstoreaccount1?comp=list HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");

            Assert.StartsWith("HTTP/1.1 ", reply, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ParseEndpoint_NoPort_ThrowsNamingTheValue()
    {
        var ex = Assert.Throws<FormatException>(() => ParseEndpoint("localhost"));

        Assert.Equal("FRUGAL_TEST_REDIS must be host:port, got 'localhost'.", ex.Message);
    }

    private static (string Host, int Port) ParseEndpoint(string value)
    {
        var colon = value.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(value.AsSpan(colon + 1), out var port))
        {
            throw new FormatException($"{RedisVariable} must be host:port, got '{value}'.");
        }

        return (value[..colon], port);
    }

    private static async Task<string> ExchangeAsync(string host, int port, string request)
    {
        // Only a guard against a server that never answers; no test asserts a duration.
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var client = new TcpClient();
        await client.ConnectAsync(host, port, cancellation.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), cancellation.Token);
        var buffer = new byte[256];
        var read = await stream.ReadAsync(buffer, cancellation.Token);
        return Encoding.ASCII.GetString(buffer, 0, read);
    }
}
