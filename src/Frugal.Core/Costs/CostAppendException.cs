namespace Frugal.Costs;

/// <summary>
/// An append to the cost ledger that failed after some of its records were made durable. A ledger that commits one
/// append in several transactions (Table storage: one per partition, a day and a tenant) throws it, so that the writer
/// (<see cref="CostRecorder"/>) completes the callers whose records are kept and fails only the others: failed, an
/// activity retries and pays for its calls again.
/// </summary>
public sealed class CostAppendException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CostAppendException()
    {
    }

    /// <summary>Creates the exception with its message.</summary>
    public CostAppendException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its message and cause.</summary>
    public CostAppendException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception with what was kept.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="inner">The failure.</param>
    /// <param name="durable">The records of the append that are durable (stored by it, or held already): the same instances, in their order.</param>
    /// <param name="stored">Those of <paramref name="durable"/> the append stored anew, as <see cref="ICostLedger.AppendAsync"/> returns them.</param>
    public CostAppendException(string message, Exception inner, IReadOnlyList<CostRecord> durable, IReadOnlyList<CostRecord> stored)
        : base(message, inner)
    {
        Durable = durable;
        Stored = stored;
    }

    /// <summary>The records of the append that are durable: stored by it, or held already.</summary>
    public IReadOnlyList<CostRecord> Durable { get; } = [];

    /// <summary>Those of <see cref="Durable"/> the append stored anew (what metrics count).</summary>
    public IReadOnlyList<CostRecord> Stored { get; } = [];
}
