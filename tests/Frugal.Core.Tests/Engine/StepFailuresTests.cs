using System.Reflection;
using Frugal.Engine;
using Microsoft.DurableTask;

namespace Frugal.Core.Tests.Engine;

public sealed class StepFailuresTests
{
    [Fact]
    public void IsRetryable_ExceptionTypeTwoLoadedAssembliesDefine_RetryableInsteadOfThrowing()
    {
        // The SDK's own lookup throws for such a name, which failed whole runs with "Multiple exception types ...".
        var name = typeof(DuplicateNamedException).FullName!;
        _ = LoadTwin();
        var failure = new TaskFailureDetails(name, "The inference app answered 500", null, null, null);
        Assert.Throws<AmbiguousMatchException>(() => failure.IsCausedBy<StepInputException>());

        Assert.True(StepFailures.IsRetryable(new TaskFailureDetails(name, "The inference app answered 500", null, null, null)));
    }

    [Theory]
    [InlineData(typeof(StepInputException), false)]
    [InlineData(typeof(Frugal.Budgets.BudgetExceededException), false)]
    [InlineData(typeof(Frugal.Models.ContentFilteredException), false)]
    [InlineData(typeof(InvalidOperationException), true)]
    public void IsRetryable_FailureOfType_AsItsException(Type type, bool retryable)
    {
        Assert.Equal(retryable, StepFailures.IsRetryable(new TaskFailureDetails(type.FullName!, "m", null, null, null)));
    }

    /// <summary>Loads a copy of this test assembly under another name, so that two loaded assemblies define <see cref="DuplicateNamedException"/>.</summary>
    private static Assembly LoadTwin()
    {
        var context = new System.Runtime.Loader.AssemblyLoadContext("twin", isCollectible: false);
        return context.LoadFromAssemblyPath(typeof(StepFailuresTests).Assembly.Location);
    }

    /// <summary>An exception type whose full name a second loaded assembly defines too.</summary>
    public sealed class DuplicateNamedException : Exception;
}
