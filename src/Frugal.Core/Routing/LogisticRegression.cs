namespace Frugal.Routing;

/// <summary>
/// L2-regularised logistic regression fitted by full-batch Adam. Hand-written on purpose: a few hundred inputs and a few
/// thousand rows train in about a second, and ML.NET (the only candidate on NuGet) would add a large dependency tree to
/// the core for one convex fit. Targets may be soft (any value in [0, 1]).
/// </summary>
internal static class LogisticRegression
{
    /// <summary>Fits weights and a bias.</summary>
    /// <param name="rows">The inputs, already scaled.</param>
    /// <param name="targets">One target in [0, 1] per row.</param>
    /// <param name="l2">The L2 penalty on the weights (not the bias), per row.</param>
    /// <param name="iterations">Adam steps over the whole set.</param>
    /// <returns>The weights and the bias.</returns>
    public static (double[] Weights, double Bias) Fit(IReadOnlyList<double[]> rows, IReadOnlyList<double> targets, double l2, int iterations = 400)
    {
        var n = rows.Count;
        var d = rows[0].Length;
        var w = new double[d + 1];
        var m = new double[d + 1];
        var v = new double[d + 1];
        var gradient = new double[d + 1];
        const double Rate = 0.05, Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;
        w[d] = Logit(Math.Clamp(targets.Average(), 0.01, 0.99));
        for (var t = 1; t <= iterations; t++)
        {
            Array.Clear(gradient);
            for (var i = 0; i < n; i++)
            {
                var error = Sigmoid(Dot(w, rows[i])) - targets[i];
                var row = rows[i];
                for (var j = 0; j < d; j++)
                {
                    gradient[j] += error * row[j];
                }

                gradient[d] += error;
            }

            for (var j = 0; j <= d; j++)
            {
                var g = (gradient[j] / n) + (j < d ? l2 * w[j] : 0);
                m[j] = (Beta1 * m[j]) + ((1 - Beta1) * g);
                v[j] = (Beta2 * v[j]) + ((1 - Beta2) * g * g);
                var mHat = m[j] / (1 - Math.Pow(Beta1, t));
                var vHat = v[j] / (1 - Math.Pow(Beta2, t));
                w[j] -= Rate * mHat / (Math.Sqrt(vHat) + Epsilon);
            }
        }

        return (w[..d], w[d]);
    }

    /// <summary>The model's probability for one row.</summary>
    /// <param name="weights">The weights.</param>
    /// <param name="bias">The bias.</param>
    /// <param name="row">The scaled input.</param>
    /// <returns>A probability.</returns>
    public static double Predict(IReadOnlyList<double> weights, double bias, ReadOnlySpan<double> row)
    {
        var z = bias;
        for (var j = 0; j < row.Length; j++)
        {
            z += weights[j] * row[j];
        }

        return Sigmoid(z);
    }

    public static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    private static double Logit(double p) => Math.Log(p / (1 - p));

    // The bias sits at w[^1], after the weights.
    private static double Dot(double[] w, double[] row)
    {
        var z = w[^1];
        for (var j = 0; j < row.Length; j++)
        {
            z += w[j] * row[j];
        }

        return z;
    }
}
