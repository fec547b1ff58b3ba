using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Frugal.Costs;

/// <summary>What a file given as a SQLite cost ledger is, read before it is opened as one (which would change it).</summary>
public static class SqliteLedgerFile
{
    /// <summary>Whether <paramref name="path"/> is an existing SQLite database (a cost ledger, or any other): its header.</summary>
    /// <param name="path">The file.</param>
    public static bool IsSqliteFile(string path)
    {
        try
        {
            using var file = File.OpenRead(path);
            Span<byte> header = stackalloc byte[16];
            return file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) == header.Length && header.SequenceEqual("SQLite format 3\0"u8);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// Whether <paramref name="path"/> is a SQLite database that holds no cost ledger (no <c>cost_records</c> table), such
    /// as the routing feedback file next to the ledger. Reading or purging one as a ledger created the ledger's table in
    /// it, switched it to WAL mode, and reported nothing spent. Only reads the file's schema; a file whose schema cannot
    /// be read (damaged, locked) is not said to lack the table, so that opening it as a ledger reports what is wrong.
    /// </summary>
    /// <param name="path">The file.</param>
    public static bool LacksCostTable(string path)
    {
        if (!IsSqliteFile(path))
        {
            return false;
        }

        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'cost_records'";
            return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) == 0;
        }
        catch (SqliteException)
        {
            return false;
        }
    }
}
