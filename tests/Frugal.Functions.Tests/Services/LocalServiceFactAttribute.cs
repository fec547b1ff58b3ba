namespace Frugal.Functions.Tests.Services;

/// <summary>
/// A fact that talks to a local service started by eng/services.sh. eng/test.sh sets the variable, so in CI it
/// always runs; a bare `dotnet test` without the services skips it, naming the variable.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class LocalServiceFactAttribute : FactAttribute
{
    public LocalServiceFactAttribute(string variable)
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(variable)))
        {
            Skip = $"{variable} is not set; run `bash eng/test.sh`, or `bash eng/services.sh start` and set it (docs/testing.md).";
        }
    }
}
