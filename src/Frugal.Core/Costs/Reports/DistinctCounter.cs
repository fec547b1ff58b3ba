using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace Frugal.Costs.Reports;

/// <summary>
/// Counts distinct run ids in bounded memory with a K-minimum-values sketch: it keeps the 4,096 smallest 64-bit
/// hashes seen, so the count is exact below 4,096 distinct runs and an estimate with about 1.6% standard error above.
/// An exact set would grow with the number of runs, which a streaming report must not.
/// </summary>
internal sealed class DistinctCounter
{
    private const int K = 4096;

    private readonly SortedSet<ulong> _smallest = [];
    private ulong _max = ulong.MaxValue;

    public bool IsExact => _smallest.Count < K;

    public void Add(string value)
    {
        ulong hash = XxHash3.HashToUInt64(MemoryMarshal.AsBytes(value.AsSpan()));
        if (_smallest.Count < K)
        {
            if (_smallest.Add(hash) && _smallest.Count == K)
            {
                _max = _smallest.Max;
            }
        }
        else if (hash < _max && _smallest.Add(hash))
        {
            _smallest.Remove(_max);
            _max = _smallest.Max;
        }
    }

    public long Count => IsExact
        ? _smallest.Count
        : (long)Math.Round((K - 1) / (_max / (double)ulong.MaxValue));
}
