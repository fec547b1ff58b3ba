using System.Runtime.CompilerServices;

namespace Frugal.Tests;

/// <summary>
/// Points the temp folder of the test process (and of the processes it starts) at a folder of its own, deleted when
/// the process exits. Tests write cost ledgers, router artefacts, indexes and <c>frugal</c> outputs under
/// <see cref="Path.GetTempPath"/>, some into folders a shared fixture or another process still holds open when the
/// test ends; deleting one folder at exit catches all of them, so <c>dotnet test</c> run directly leaves nothing in
/// /tmp (<c>eng/test.sh</c> does the same for a whole run with <c>TMPDIR</c>).
/// </summary>
internal static class TestTempFolder
{
#pragma warning disable CA2255 // A test assembly is the application here: its temp folder must be set before any test runs.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Initialize()
    {
        var folder = Directory.CreateTempSubdirectory("frugal-tests-").FullName;
        Environment.SetEnvironmentVariable("TMPDIR", folder);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // Something outlived the tests and holds a file; the folder stays, under the temp folder it came from.
            }
            catch (UnauthorizedAccessException)
            {
            }
        };
    }
}
