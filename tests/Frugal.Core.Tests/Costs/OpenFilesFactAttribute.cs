namespace Frugal.Core.Tests.Costs;

/// <summary>A fact that reads the process's open files from <c>/proc/self/fd</c>: skipped where there is none (not Linux).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OpenFilesFactAttribute : FactAttribute
{
    public OpenFilesFactAttribute()
    {
        if (!Directory.Exists("/proc/self/fd"))
        {
            Skip = "needs /proc/self/fd (Linux) to see which files the process holds open";
        }
    }
}
