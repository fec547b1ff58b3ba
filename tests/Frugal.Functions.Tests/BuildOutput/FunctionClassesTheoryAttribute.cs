namespace Frugal.Functions.Tests.BuildOutput;

/// <summary>The theory form of <see cref="FunctionClassesFactAttribute"/>: skipped only while the app has no function.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class FunctionClassesTheoryAttribute : TheoryAttribute
{
    public FunctionClassesTheoryAttribute() => Skip = FunctionClassesFactAttribute.SkipReason();
}
