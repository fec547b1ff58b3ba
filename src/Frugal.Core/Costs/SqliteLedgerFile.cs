using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Frugal.Costs;

/// <summary>What a file given as a SQLite cost ledger is, read before it is opened as one (which would change it).</summary>
public static class SqliteLedgerFile
{
    /// <summary>
    /// Why <paramref name="path"/> cannot be a SQLite file Frugal writes (the cost ledger, the routing feedback store), or
    /// null: a folder, another kind of file, or a place it cannot be made. Its folder is made when missing, as the store
    /// would make it on first use, so that a place it cannot be made is said at start.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="holder">What the file holds, for the message: <c>a cost ledger</c>.</param>
    /// <returns>The problem, worded to follow the path (<c>is a folder, not a SQLite file</c>), or null.</returns>
    public static string? Problem(string path, string holder)
    {
        try
        {
            if (Directory.Exists(path))
            {
                return "is a folder, not a SQLite file";
            }

            if (File.Exists(path))
            {
                // Opened for writing only to find out that it can be; an empty file is one SQLite will make a store of.
                using (new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete))
                {
                }

                return new FileInfo(path).Length == 0 || IsSqliteFile(path) ? null : $"is not a SQLite database ({holder} is one)";
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"cannot be opened or made: {ex.Message}";
        }
    }

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
