namespace Frugal.Models;

/// <summary>Runs a named ONNX classifier on a text: Frugal's inference app over HTTP, or the models in process.</summary>
public interface IOnnxClassifier
{
    /// <summary>Gets who serves the calls, recorded as the cost record's provider (<c>frugal-inference</c>, <c>frugal-onnx-local</c>).</summary>
    string Provider { get; }

    /// <summary>Classifies one text.</summary>
    /// <param name="model">The classifier's name.</param>
    /// <param name="text">The text.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The label, the scores and the accelerator seconds used.</returns>
    /// <exception cref="Engine.StepInputException">No classifier has that name; the message names it and those there are.</exception>
    Task<OnnxClassification> ClassifyAsync(string model, string text, CancellationToken cancellationToken);
}
