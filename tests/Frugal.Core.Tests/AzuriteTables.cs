using Azure.Data.Tables;
using Azure.Data.Tables.Sas;

namespace Frugal.Core.Tests;

/// <summary>Table storage on Azurite (<c>FRUGAL_TEST_AZURITE</c>, else <c>UseDevelopmentStorage=true</c>), which the test script starts.</summary>
internal static class AzuriteTables
{
    /// <summary>The connection string of the Azurite account.</summary>
    public static string Connection =>
        Environment.GetEnvironmentVariable("FRUGAL_TEST_AZURITE") is { Length: > 0 } connection ? connection : "UseDevelopmentStorage=true";

    /// <summary>
    /// A client of <paramref name="table"/> whose account SAS may read and list, not create: Azurite refuses a creation
    /// with 403 as Azure does to Storage Table Data Reader.
    /// </summary>
    public static TableClient ReadOnly(string table)
    {
        var service = new TableServiceClient(Connection);
        var sas = service.GenerateSasUri(
            TableAccountSasPermissions.Read | TableAccountSasPermissions.List,
            TableAccountSasResourceTypes.All,
            DateTimeOffset.UtcNow.AddHours(1));
        return new TableClient(new Uri($"{service.Uri.AbsoluteUri.TrimEnd('/')}/{table}{sas.Query}"));
    }

    /// <summary>Whether the account has a table named <paramref name="table"/>.</summary>
    public static async Task<bool> ExistsAsync(string table)
    {
        await foreach (var _ in new TableServiceClient(Connection).QueryAsync(t => t.Name == table))
        {
            return true;
        }

        return false;
    }
}
