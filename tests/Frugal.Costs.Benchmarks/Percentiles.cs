namespace Frugal.Costs.Benchmarks;

internal static class Percentiles
{
    public static double Of(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];

    public static string Verdict(bool pass) => pass ? "PASS" : "MISS";
}
