using Frugal.Engine;
using Frugal.Models;
using Frugal.Resilience;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Frugal.Core.Tests.Models;

public sealed class ModelCallExceptionTests
{
    private static readonly ModelAttempt[] Attempts = [new("cheap", 1, "http-500"), new("cheap", 2, "http-500")];

    [Fact]
    public void From_OpenCircuit_SaysWhenCallsResumeAndThatNothingWasBilled()
    {
        var failure = ModelCallException.From("cheap", Attempts, new BrokenCircuitException("The circuit is now open", TimeSpan.FromSeconds(12.2)));

        var open = Assert.IsType<ModelCircuitOpenException>(failure);
        Assert.Equal(
            "the cheap model's circuit is open after 2 attempt(s) (http-500, http-500): its deployment failed repeatedly, so calls are held back for another 13 s",
            open.Message);
        Assert.True(StepFailures.CostNothing(open));
        Assert.True(StepFailures.IsRetryable(open));
    }

    [Fact]
    public void BreakLeftIn_OpenCircuitsMessage_ReadsTheBreakTheOrchestratorWaitsOut()
    {
        // A configured break longer than the default 15 s: the step's retries waited 16-31 s each, met the circuit still
        // open and failed the step; the orchestrator now waits what the failure says is left.
        var failure = ModelCallException.From("cheap", Attempts, new BrokenCircuitException("The circuit is now open", TimeSpan.FromSeconds(59.5)));

        Assert.Equal(TimeSpan.FromSeconds(60), ModelCircuitOpenException.BreakLeftIn(failure!.Message));
        Assert.Null(ModelCircuitOpenException.BreakLeftIn(ModelCallException.From("cheap", Attempts, new BrokenCircuitException("open"))!.Message));
        Assert.Null(ModelCircuitOpenException.BreakLeftIn(null));
    }

    [Fact]
    public void From_Timeout_MayHaveBeenBilled()
    {
        var failure = ModelCallException.From("premium", [], new TimeoutRejectedException("timed out", TimeSpan.FromSeconds(60)));

        Assert.Equal("the premium model did not answer within 60 s", failure!.Message);
        Assert.False(StepFailures.CostNothing(failure));
    }

    [Fact]
    public void From_TimeoutAfterOnlyErrorAnswers_CostNothing()
    {
        // A 429 whose Retry-After outlasted the call's total time: every attempt was refused, none was cut off, yet each
        // step attempt was recorded unpriced, "may have been billed".
        ModelAttempt[] refused = [new("cheap", 1, "http-429", 100_000)];

        var failure = ModelCallException.From("cheap", refused, new TimeoutRejectedException("timed out", TimeSpan.FromSeconds(20)));

        Assert.Equal("the cheap model did not answer within 20 s after 1 attempt(s) (http-429)", failure!.Message);
        Assert.True(StepFailures.CostNothing(failure));
        Assert.False(StepFailures.CostNothing(ModelCallException.From("cheap", [.. refused, new("cheap", 2, "timeout")], new TimeoutRejectedException("timed out", TimeSpan.FromSeconds(20)))!));
    }

    [Fact]
    public void From_ConnectionRefused_CostNothing()
    {
        var failure = ModelCallException.From("cheap", [], new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (127.0.0.1:9)"));

        Assert.Equal("the cheap model could not be reached: Connection refused (127.0.0.1:9)", failure!.Message);
        Assert.True(StepFailures.CostNothing(failure));
    }

    [Fact]
    public void From_SomethingElse_IsLeftAsItIs()
    {
        Assert.Null(ModelCallException.From("cheap", Attempts, new InvalidOperationException("a bug")));
    }
}
