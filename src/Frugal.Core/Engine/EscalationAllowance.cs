namespace Frugal.Engine;

/// <summary>The escalations the calls of one activity may still make together (they run concurrently).</summary>
public sealed class EscalationAllowance
{
    private int _left;

    /// <summary>Creates the allowance.</summary>
    public EscalationAllowance(int left)
    {
        _left = left;
    }

    /// <summary>Takes one escalation if any is left.</summary>
    public bool TryTake() => Interlocked.Decrement(ref _left) >= 0;
}
