namespace Frugal.Api;

/// <summary>What both hosts of the HTTP API (the Functions app and <c>frugal serve</c>) read the same way.</summary>
public static class ApiProtocol
{
    /// <summary>The header naming the tenant a request is for (set by the caller's gateway).</summary>
    public const string TenantHeader = "x-frugal-tenant";

    /// <summary>
    /// The largest request body read (100 MB): a run's input travels whole in its start request, and past this the
    /// answer is a 413 problem, not the host's default 30 MB limit and a bare 500.
    /// </summary>
    public const long MaxRequestBodyBytes = 100 * 1024 * 1024;
}
