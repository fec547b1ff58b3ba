using Frugal.Onnx.Classification;

namespace Frugal.Inference.Tests.Classification;

public sealed class LinearClassifierHeadTests
{
    private static LinearClassifierHead Load(string json)
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, json);
            return LinearClassifierHead.Load(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Score_SoftmaxHead_ScoresSumToOneAndFollowTheWeights()
    {
        var head = Load("""{ "labels": ["a", "b"], "weights": [[1, 0], [0, 1]], "bias": [0, 0] }""");

        var scores = head.Score([[3f, 0f]])[0];

        Assert.True(scores[0] > scores[1]);
        Assert.Equal(1f, scores[0] + scores[1], 5);
    }

    [Fact]
    public void Score_BinaryLogisticRegression_ScoresTheSecondLabelWithASigmoid()
    {
        var head = Load("""{ "labels": ["cheap", "premium"], "weights": [[2, 0]], "bias": [0] }""");

        var scores = head.Score([[0f, 5f]])[0];

        Assert.Equal([0.5f, 0.5f], scores);
    }

    [Theory]
    [InlineData("""{ "labels": ["a"], "weights": [[1]] }""", "a classifier head needs 'labels' (two or more) and 'weights'.")]
    [InlineData("""{ "labels": ["a", "b", "c"], "weights": [[1], [2]] }""", "'weights' has 2 rows but there are 3 labels.")]
    [InlineData("""{ "labels": ["a", "b"], "weights": [[1, 2], [3]] }""", "every row of 'weights' must have the same, non-zero length.")]
    [InlineData("""{ "labels": ["a", "b"], "weights": [[1], [2]], "bias": [0] }""", "'bias' has 1 values but 'weights' has 2 rows.")]
    [InlineData("""{ "labels": ["a", "b"], "weights": [[1], [2]], "activation": "relu" }""", "activation 'relu' is not one of softmax, sigmoid, none.")]
    public void Load_InconsistentHead_ThrowsSayingWhatIsWrong(string json, string message)
    {
        var ex = Assert.Throws<InvalidDataException>(() => Load(json));

        Assert.EndsWith(message, ex.Message, StringComparison.Ordinal);
    }
}
