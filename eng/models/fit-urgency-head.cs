#:project ../../src/Frugal.Onnx/Frugal.Onnx.csproj
#:property TreatWarningsAsErrors=false
#:property GenerateDocumentationFile=false
#:property EnableNETAnalyzers=false
#:property PublishAot=false

// Fits the `urgency` classifier head shipped in src/Frugal.Onnx/models/urgency/: a binary logistic regression
// (labels low/high) over all-MiniLM-L6-v2 sentence embeddings of the labelled sentences in urgency.train.jsonl.
// Run from the repository root:  dotnet run eng/models/fit-urgency-head.cs
// Full-batch gradient descent with L2 (lambda 1e-3), 2000 steps, learning rate 2: deterministic, so a rerun
// writes the same head. Prints training accuracy and leave-one-out accuracy.
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Frugal.Onnx.Embeddings;

var root = Directory.GetCurrentDirectory();
var rows = File.ReadLines(Path.Combine(root, "eng/models/urgency.train.jsonl"))
    .Where(l => l.Trim().Length > 0)
    .Select(l => JsonNode.Parse(l)!)
    .Select(n => (Text: (string)n["text"]!, High: (string)n["label"]! == "high"))
    .ToList();

using var generator = OnnxEmbeddingGenerator.Create(options: new Frugal.Onnx.Models.OnnxOptions { ModelsPath = Path.Combine(AppContext.BaseDirectory, "models") });
var embedded = await generator.GenerateAsync(rows.Select(r => r.Text));
var x = embedded.Select(e => e.Vector.ToArray()).ToArray();
var y = rows.Select(r => r.High ? 1.0 : 0.0).ToArray();

(double[] W, double B) Fit(IReadOnlyList<int> use)
{
    var d = x[0].Length;
    var w = new double[d];
    var b = 0.0;
    for (var step = 0; step < 2000; step++)
    {
        var gw = new double[d];
        var gb = 0.0;
        foreach (var i in use)
        {
            var z = b;
            for (var k = 0; k < d; k++) z += w[k] * x[i][k];
            var err = 1 / (1 + Math.Exp(-z)) - y[i];
            for (var k = 0; k < d; k++) gw[k] += err * x[i][k];
            gb += err;
        }

        for (var k = 0; k < d; k++) w[k] -= 2.0 * (gw[k] / use.Count + 1e-3 * w[k]);
        b -= 2.0 * gb / use.Count;
    }

    return (w, b);
}

double Score((double[] W, double B) m, int i) => 1 / (1 + Math.Exp(-(m.B + m.W.Select((w, k) => w * x[i][k]).Sum())));

var all = Enumerable.Range(0, x.Length).ToList();
var model = Fit(all);
var train = all.Count(i => Score(model, i) >= 0.5 == y[i] > 0.5) / (double)all.Count;
var loo = all.Count(i => { var m = Fit(all.Where(j => j != i).ToList()); return Score(m, i) >= 0.5 == y[i] > 0.5; }) / (double)all.Count;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"urgency head: {rows.Count} sentences, train accuracy {train:P0}, leave-one-out accuracy {loo:P0}"));

var head = new JsonObject
{
    ["labels"] = new JsonArray("low", "high"),
    ["weights"] = new JsonArray(new JsonArray(model.W.Select(w => (JsonNode)JsonValue.Create(Math.Round(w, 6))).ToArray())),
    ["bias"] = new JsonArray(JsonValue.Create(Math.Round(model.B, 6))),
    ["activation"] = "sigmoid",
};
File.WriteAllText(Path.Combine(root, "src/Frugal.Onnx/models/urgency/head.json"), head.ToJsonString() + "\n");
