namespace Frugal.Onnx.Classification;

/// <summary>The output activations a classifier head may apply.</summary>
internal static class Activations
{
    public static void Validate(string activation, string where)
    {
        if (activation is not ("softmax" or "sigmoid" or "none"))
        {
            throw new InvalidDataException($"{where}: activation '{activation}' is not one of softmax, sigmoid, none.");
        }
    }

    public static void Apply(string activation, Span<float> scores)
    {
        switch (activation)
        {
            case "softmax":
                var max = float.NegativeInfinity;
                foreach (var s in scores)
                {
                    max = Math.Max(max, s);
                }

                var sum = 0f;
                for (var i = 0; i < scores.Length; i++)
                {
                    scores[i] = MathF.Exp(scores[i] - max);
                    sum += scores[i];
                }

                for (var i = 0; i < scores.Length; i++)
                {
                    scores[i] /= sum;
                }

                break;
            case "sigmoid":
                for (var i = 0; i < scores.Length; i++)
                {
                    scores[i] = 1f / (1f + MathF.Exp(-scores[i]));
                }

                break;
        }
    }
}
