using System.Numerics;
using System.Text;

namespace Frugal.Routing;

/// <summary>
/// Training vectors and their gains for the nearest-neighbour vote, searched by brute force (a few thousand rows of
/// 384 values take about a millisecond; an ANN index would not pay for itself here). On disk each vector is stored as
/// signed bytes with one scale per row, a quarter of the float size: cosine similarities move by about 0.001.
/// Format (little-endian): "FRNN", int32 version 1, int32 rows, int32 dimensions, then per row float32 scale,
/// float32 gain, dimensions x int8.
/// </summary>
internal sealed class NeighbourIndex
{
    private static readonly byte[] Magic = "FRNN"u8.ToArray();
    private readonly float[] vectors;

    public NeighbourIndex(float[] vectors, float[] gains, int dimensions)
    {
        this.vectors = vectors;
        Gains = gains;
        Dimensions = dimensions;
    }

    public float[] Gains { get; }

    public int Dimensions { get; }

    public int Rows => Gains.Length;

    public static NeighbourIndex Create(IReadOnlyList<float[]> vectors, IReadOnlyList<double> gains)
    {
        var dimensions = vectors[0].Length;
        var flat = new float[vectors.Count * dimensions];
        for (var i = 0; i < vectors.Count; i++)
        {
            // Quantised now, as on disk, so a router scores the same before and after a save.
            var scale = Scale(vectors[i]);
            for (var d = 0; d < dimensions; d++)
            {
                flat[(i * dimensions) + d] = (sbyte)Math.Round(vectors[i][d] / scale) * scale;
            }
        }

        return new NeighbourIndex(flat, [.. gains.Select(g => (float)g)], dimensions);
    }

    /// <summary>The similarity-weighted mean gain of the <paramref name="k"/> nearest rows.</summary>
    /// <param name="vector">A unit vector.</param>
    /// <param name="k">How many neighbours vote.</param>
    /// <param name="temperature">A neighbour weighs exp(cosine / temperature).</param>
    /// <param name="exclude">A row to leave out (the query itself, when scoring training rows), or -1.</param>
    /// <returns>The vote, and the cosine of the nearest neighbour.</returns>
    public (double Gain, double Nearest) Vote(ReadOnlySpan<float> vector, int k, double temperature, int exclude = -1)
    {
        // More neighbours than rows is every row: k: 2147483647 in router.json asked for an array of that many and ended
        // every score with "Array dimensions exceeded supported range".
        k = Math.Min(k, Rows);
        var best = new (float Similarity, int Row)[k];
        var count = 0;
        for (var r = 0; r < Rows; r++)
        {
            if (r == exclude)
            {
                continue;
            }

            var similarity = Dot(vector, vectors.AsSpan(r * Dimensions, Dimensions));
            if (count < k)
            {
                best[count++] = (similarity, r);
                continue;
            }

            var worst = 0;
            for (var i = 1; i < k; i++)
            {
                worst = best[i].Similarity < best[worst].Similarity ? i : worst;
            }

            if (similarity > best[worst].Similarity)
            {
                best[worst] = (similarity, r);
            }
        }

        double nearest = -1;
        for (var i = 0; i < count; i++)
        {
            nearest = Math.Max(nearest, best[i].Similarity);
        }

        // Weighed against the nearest neighbour, which weighs 1, rather than against a similarity of 1: a small
        // temperature (1e-300, or 0.0005 with no neighbour nearer than 0.6) underflowed every weight to 0, and every
        // prompt's vote was 0 whatever its neighbours said. The mean is the same, as a common factor cancels.
        double sum = 0, weights = 0;
        for (var i = 0; i < count; i++)
        {
            var weight = Math.Exp((best[i].Similarity - nearest) / temperature);
            sum += weight * Gains[best[i].Row];
            weights += weight;
        }

        return (weights > 0 ? sum / weights : 0, nearest);
    }

    public void Save(string path)
    {
        using var writer = new BinaryWriter(File.Create(path), Encoding.UTF8);
        writer.Write(Magic);
        writer.Write(1);
        writer.Write(Rows);
        writer.Write(Dimensions);
        for (var r = 0; r < Rows; r++)
        {
            var row = vectors.AsSpan(r * Dimensions, Dimensions);
            var scale = Scale(row);
            writer.Write(scale);
            writer.Write(Gains[r]);
            foreach (var value in row)
            {
                writer.Write((sbyte)Math.Round(value / scale));
            }
        }
    }

    /// <exception cref="InvalidDataException">The file is not a neighbour file, or not of the expected size.</exception>
    public static NeighbourIndex Load(string path, int expectedRows, int expectedDimensions)
    {
        using var reader = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
        if (!reader.ReadBytes(4).AsSpan().SequenceEqual(Magic) || reader.ReadInt32() != 1)
        {
            throw new InvalidDataException("not a Frugal neighbour file (FRNN version 1).");
        }

        var rows = reader.ReadInt32();
        var dimensions = reader.ReadInt32();
        if (rows != expectedRows || dimensions != expectedDimensions)
        {
            throw new InvalidDataException($"holds {rows} x {dimensions} values; router.json expects {expectedRows} x {expectedDimensions}.");
        }

        var vectors = new float[rows * dimensions];
        var gains = new float[rows];
        for (var r = 0; r < rows; r++)
        {
            var scale = reader.ReadSingle();
            gains[r] = reader.ReadSingle();
            var bytes = reader.ReadBytes(dimensions);
            if (bytes.Length != dimensions)
            {
                throw new InvalidDataException($"ends early, at row {r}.");
            }

            for (var d = 0; d < dimensions; d++)
            {
                vectors[(r * dimensions) + d] = (sbyte)bytes[d] * scale;
            }
        }

        return new NeighbourIndex(vectors, gains, dimensions);
    }

    private static float Scale(ReadOnlySpan<float> row)
    {
        var max = 0f;
        foreach (var value in row)
        {
            max = Math.Max(max, Math.Abs(value));
        }

        return max > 0 ? max / 127f : 1f;
    }

    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = Vector<float>.Zero;
        var i = 0;
        for (; i <= a.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            sum += new Vector<float>(a[i..]) * new Vector<float>(b[i..]);
        }

        var total = Vector.Sum(sum);
        for (; i < a.Length; i++)
        {
            total += a[i] * b[i];
        }

        return total;
    }
}
