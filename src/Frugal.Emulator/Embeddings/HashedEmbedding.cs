namespace Frugal.Emulator.Embeddings;

/// <summary>
/// Deterministic unit vectors by feature hashing: each word seeds its own random direction, a text is the
/// normalised sum of its words' directions. Hand-written so the emulator needs no model, while texts that share
/// words stay close (useful when exercising a semantic cache) and the same text always gets the same vector.
/// </summary>
internal static class HashedEmbedding
{
    public static float[] Create(string deployment, string text, int dimensions)
    {
        var sum = new double[dimensions];
        var words = 0;
        foreach (var word in Words(text))
        {
            AddDirection(sum, DeterministicRandom.Hash(deployment.ToUpperInvariant(), word));
            words++;
        }

        if (words == 0)
        {
            AddDirection(sum, DeterministicRandom.Hash(deployment.ToUpperInvariant(), "\u0000empty", text));
        }

        var norm = Math.Sqrt(sum.Sum(v => v * v));
        var vector = new float[dimensions];
        for (var i = 0; i < dimensions; i++)
        {
            vector[i] = (float)(sum[i] / norm);
        }

        return vector;
    }

    private static void AddDirection(double[] sum, ulong seed)
    {
        var random = new DeterministicRandom(seed);
        for (var i = 0; i < sum.Length; i++)
        {
            sum[i] += random.NextGaussian();
        }
    }

    private static IEnumerable<string> Words(string text)
    {
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var isWordChar = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (isWordChar && start < 0)
            {
                start = i;
            }
            else if (!isWordChar && start >= 0)
            {
                yield return text[start..i].ToUpperInvariant();
                start = -1;
            }
        }
    }
}
