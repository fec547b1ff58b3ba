namespace Frugal.Functions.Runs;

/// <summary>Header names Frugal reads.</summary>
internal static class HttpHeaders
{
    /// <summary>The tenant a run is for.</summary>
    public const string Tenant = "x-frugal-tenant";
}
