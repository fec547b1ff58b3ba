namespace Frugal.Cli.Local;

/// <summary>Whether a file can be written in a folder, found by writing one (permissions alone do not say it: root, ACLs,
/// a read-only mount).</summary>
internal static class WritableFolder
{
    /// <summary>Why no file can be written in <paramref name="folder"/> (an existing one): the error of writing a probe
    /// file there, deleted at once; null when it can.</summary>
    public static string? Problem(string folder)
    {
        try
        {
            using var probe = new FileStream(
                Path.Combine(folder, $".frugal-{Guid.NewGuid():N}.tmp"), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ex.Message;
        }
    }
}
