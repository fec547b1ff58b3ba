using Frugal.Cli.Onnx;
using Frugal.Engine;
using Frugal.Models;
using Frugal.Onnx.Models;
using Frugal.Workflows;

namespace Frugal.Hosting.Tests.Onnx;

/// <summary>The <c>onnx</c> tier's in-process classifier (the CLI's default) under the step handler.</summary>
public sealed class LocalOnnxClassifierTests : IAsyncDisposable
{
    private readonly LocalOnnxModels models = new(new OnnxOptions { IntraOpThreads = 2 }, TimeProvider.System);
    private readonly StepRequest request = new("wf", "hash", "tenant", "urgency", 1, []) { RunId = "run" };

    public ValueTask DisposeAsync() => models.DisposeAsync();

    [Fact]
    public async Task Execute_OnnxStepOverTheTokenLimit_OutputsTruncated()
    {
        // The classifier read the first 256 word pieces only, and the step's output did not say so.
        var handler = new OnnxStepHandler(new LocalOnnxClassifier(models));

        var cut = await handler.ExecuteAsync(new ModelCall(ModelTier.Onnx, string.Join(' ', Enumerable.Repeat("outage", 400))) { Model = "urgency" }, request, CancellationToken.None);
        var whole = await handler.ExecuteAsync(new ModelCall(ModelTier.Onnx, "the server is down") { Model = "urgency" }, request, CancellationToken.None);

        Assert.True(cut.Output!["truncated"]!.GetValue<bool>());
        Assert.False(whole.Output!.AsObject().ContainsKey("truncated"));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" \t\n ")]
    [InlineData("\u200b\ufeff\u0000")]
    public async Task ClassifyAsync_EmptyOrWhitespacePrompt_FailsAsBadInputLikeTheApp(string text)
    {
        // Both were classified in process (an embedding of [CLS] [SEP] alone, labelled as if it said something), where
        // the inference app refuses "" with a 400: the same workflow passed locally and failed deployed.
        var error = await Assert.ThrowsAsync<StepInputException>(() => new LocalOnnxClassifier(models).ClassifyAsync("urgency", text, CancellationToken.None));

        Assert.Equal("ONNX model 'urgency' refused the input: 'input' is empty or only whitespace; send some text.", error.Message);
    }
}
