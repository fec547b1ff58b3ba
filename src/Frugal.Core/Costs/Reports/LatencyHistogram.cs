namespace Frugal.Costs.Reports;

/// <summary>
/// A fixed-size log-bucketed histogram: 4% wide buckets from 0.01 ms to about an hour, so memory is constant in the
/// number of samples and a quantile is within 2% of the true value. Hand-written because it is 40 lines and none of
/// the project's packages carries a mergeable quantile sketch.
/// </summary>
internal sealed class LatencyHistogram
{
    private const double Smallest = 0.01;
    private const int BucketCount = 512;
    private static readonly double LogGrowth = Math.Log(1.04);

    private readonly long[] _buckets = new long[BucketCount];
    private long _count;

    public void Add(double milliseconds)
    {
        int index = milliseconds <= Smallest
            ? 0
            : Math.Min(BucketCount - 1, 1 + (int)(Math.Log(milliseconds / Smallest) / LogGrowth));
        _buckets[index]++;
        _count++;
    }

    public double Quantile(double q)
    {
        if (_count == 0)
        {
            return 0;
        }

        long rank = Math.Max(1, (long)Math.Ceiling(q * _count));
        long seen = 0;
        for (int i = 0; i < BucketCount; i++)
        {
            seen += _buckets[i];
            if (seen >= rank)
            {
                // The geometric middle of the bucket [0.01 * 1.04^(i-1), 0.01 * 1.04^i).
                return i == 0 ? Smallest : Math.Round(Smallest * Math.Exp((i - 0.5) * LogGrowth), 3);
            }
        }

        return double.PositiveInfinity;
    }
}
