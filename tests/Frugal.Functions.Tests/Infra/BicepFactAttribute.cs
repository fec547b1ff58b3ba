namespace Frugal.Functions.Tests.Infra;

/// <summary>A fact that needs the Bicep compiler; skipped, with the reason, only when the compiler is not restored.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BicepFactAttribute : FactAttribute
{
    public BicepFactAttribute()
    {
        if (BicepCli.Path is null)
        {
            Skip = "Bicep CLI not available: " + BicepCli.MissingReason;
        }
    }
}
