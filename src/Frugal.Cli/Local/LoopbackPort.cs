using System.Net;
using System.Net.Sockets;

namespace Frugal.Cli.Local;

/// <summary>The loopback port a command serves on (<c>frugal serve</c>, <c>frugal emulate</c>).</summary>
internal static class LoopbackPort
{
    /// <summary>Whether nothing listens on <paramref name="port"/> of 127.0.0.1 now.</summary>
    public static bool IsFree(int port)
    {
        try
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>What to do when the port is taken (say, by <c>func start</c>, which also listens on 7071).</summary>
    public static string InUse(int port) =>
        $"--port: 127.0.0.1:{port} is already in use; stop what listens there or pass another port (0 takes any free one)";
}
