namespace Frugal.Hosting.Tests.Cli;

/// <summary>
/// Paths this account may not read or write, for the failures only they show. Root reads and writes any file whatever
/// its mode; not in sysfs or another process's /proc entries.
/// </summary>
internal static class LockedPaths
{
    /// <summary>A folder that cannot be listed (another process's map_files: it needs CAP_SYS_ADMIN), or null where there is none.</summary>
    public static string? UnlistableFolder()
    {
        const string folder = "/proc/1/map_files";
        try
        {
            _ = Directory.GetFiles(folder);
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return folder;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// A folder in which no file or folder can be made (sysfs: "Permission denied" for a file, "Operation not
    /// permitted" for a folder, both UnauthorizedAccessException in .NET), or null where there is none.
    /// </summary>
    public static string? UnwritableFolder()
    {
        const string folder = "/sys/bus/cpu";
        if (OperatingSystem.IsWindows() || !Directory.Exists(folder))
        {
            return null;
        }

        try
        {
            using var probe = new FileStream(Path.Combine(folder, $"frugal-{Guid.NewGuid():N}.tmp"), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return folder;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
