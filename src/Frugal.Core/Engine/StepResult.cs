namespace Frugal.Engine;

/// <summary>A finished step inside a run; its outcome is built from the activity's responses when first read.</summary>
internal sealed class StepResult
{
    private Func<StepOutcome>? _read;
    private StepOutcome? _outcome;

    public StepResult(StepOutcome outcome) => _outcome = outcome;

    public StepResult(Func<StepOutcome> read) => _read = read;

    public StepOutcome Outcome => _outcome ??= Read();

    /// <summary>Skipped or completed, known without reading the responses.</summary>
    public string Status => _outcome?.Status ?? "completed";

    private StepOutcome Read()
    {
        var read = _read!;
        _read = null;
        return read();
    }
}
