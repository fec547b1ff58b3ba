namespace Frugal;

/// <summary>Checks of Azure Storage connection strings in settings, made before the first request would fail on one.</summary>
public static class StorageConnectionStrings
{
    /// <summary>
    /// Why the Azure SDK cannot parse <paramref name="connectionString"/> for a client <paramref name="create"/> makes
    /// (a table or blob service client: each needs its own endpoint), or null when it can.
    /// </summary>
    /// <param name="connectionString">The connection string.</param>
    /// <param name="create">Makes the client from it, which parses it and sends nothing.</param>
    public static string? Problem(string connectionString, Func<string, object> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        try
        {
            _ = create(connectionString);
            return null;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
        {
            return ex.Message.TrimEnd('.');
        }
    }
}
