using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Frugal.Budgets;
using StackExchange.Redis;

namespace Frugal.Core.Tests.Budgets;

/// <summary>
/// A redis-server of a test's own (from PATH, as eng/services.sh finds it), on a free loopback port in 7900-7949, that
/// the test stops and starts again (or freezes) to make a Redis outage; the shared test server must not be stopped. Stopped with
/// <c>SHUTDOWN SAVE</c>, it comes back with its data, as after a failover in which the data survives. Disposing kills it
/// and deletes its folder.
/// </summary>
internal sealed class OwnRedisServer : IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("frugal-redis-").FullName;
    private readonly string _executable;
    private Process? _process;

    private OwnRedisServer(string executable)
    {
        _executable = executable;
    }

    public int Port { get; private set; }

    /// <summary>
    /// A store on this server. While the server is down each command fails at once (no backlog: by default a command
    /// waits for the connection to come back until its timeout, so every settle attempt of an outage took that long);
    /// while it is up, the default 5 s timeouts. They were 500 ms, to make an outage fail fast, and a loaded CI machine
    /// held a read up for 772 ms: a call that failed there was not what the tests check.
    /// </summary>
    public RedisBudgetStore NewStore()
    {
        var options = ConfigurationOptions.Parse($"127.0.0.1:{Port}");
        options.BacklogPolicy = BacklogPolicy.FailFast;
        return new RedisBudgetStore(options);
    }

    public static async Task<OwnRedisServer> StartAsync()
    {
        var executable = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(folder => Path.Combine(folder, "redis-server"))
            .FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("redis-server is not on PATH; install it (Debian: apt-get install redis-server) or run eng/services.sh start");
        var server = new OwnRedisServer(executable);
        foreach (var port in Enumerable.Range(7900, 50).Where(IsFree))
        {
            server.Port = port;
            if (await server.TryStartAsync())
            {
                return server;
            }
        }

        await server.DisposeAsync();
        throw new InvalidOperationException("no free port in 7900-7949 for a redis-server of the test's own");
    }

    /// <summary>Saves the data and stops the server (what clients see of an outage).</summary>
    public async Task StopAsync()
    {
        using (var client = new TcpClient())
        {
            await client.ConnectAsync(IPAddress.Loopback, Port);
            await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes("SHUTDOWN SAVE\r\n"));
            await client.GetStream().FlushAsync();
        }

        await _process!.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        _process.Dispose();
        _process = null;
    }

    /// <summary>Starts the server again on the same port, with the data it saved.</summary>
    public async Task RestartAsync()
    {
        if (!await TryStartAsync())
        {
            throw new InvalidOperationException($"redis-server did not start again on port {Port}");
        }
    }

    /// <summary>
    /// Freezes the server (SIGSTOP): its connections stay open and nothing answers, as a hung server or a network path
    /// that drops packets without resetting the connection. Disposing kills it frozen.
    /// </summary>
    public async Task PauseAsync()
    {
        using var kill = Process.Start("kill", ["-STOP", _process!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -STOP {_process.Id} exited with {kill.ExitCode}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
            process.Dispose();
            _process = null;
        }

        Directory.Delete(_folder, recursive: true);
    }

    private async Task<bool> TryStartAsync()
    {
        var start = new ProcessStartInfo(_executable)
        {
            ArgumentList = { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", _folder, "--save", "", "--appendonly", "no", "--daemonize", "no" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        for (var i = 0; i < 300 && !process.HasExited; i++)
        {
            if (await AnswersPingAsync())
            {
                _process = process;
                return true;
            }

            await Task.Delay(50);
        }

        if (!process.HasExited)
        {
            process.Kill();
        }

        await process.WaitForExitAsync();
        process.Dispose();
        return false;
    }

    private async Task<bool> AnswersPingAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes("PING\r\n"));
            var reply = new byte[7];
            int read = await stream.ReadAsync(reply).AsTask().WaitAsync(TimeSpan.FromSeconds(2));
            return Encoding.ASCII.GetString(reply, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is SocketException or IOException or TimeoutException)
        {
            return false;
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
