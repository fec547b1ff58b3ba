using System.Net;

namespace Frugal.Inference.Tests.Api;

[Collection(RunningService.Name)]
public sealed class BadInputTests(ServiceFixture service)
{
    [Theory]
    [InlineData("""{"input": ""}""", "'input' is empty or only whitespace; send some text.", "input")]
    [InlineData("""{"input": "   "}""", "'input' is empty or only whitespace; send some text.", "input")]
    [InlineData("""{"input": []}""", "'input' is an empty array; send at least one string.", "input")]
    [InlineData("""{"input": ["a", ""]}""", "'input[1]' is empty or only whitespace; send some text.", "input[1]")]
    [InlineData("""{"input": ["a", " \t\n"]}""", "'input[1]' is empty or only whitespace; send some text.", "input[1]")]
    [InlineData("""{"input": "\u200b\ufeff"}""", "'input' is empty or only whitespace; send some text.", "input")]
    [InlineData("""{"input": ["a", "\u0000 \u00ad\ufffd"]}""", "'input[1]' is empty or only whitespace; send some text.", "input[1]")]
    [InlineData("""{"input": "x", "model": ""}""", "'model' must be a non-empty string, not an empty one.", "model")]
    [InlineData("""{"model": "all-MiniLM-L6-v2"}""", "'input' is required: a string or an array of strings.", "input")]
    [InlineData("""{"input": ["1","2","3","4","5","6","7","8","9"]}""", "'input' has 9 items; at most 8 are allowed per request (Inference:MaxInputs): send them in several requests.", "input")]
    [InlineData("""{"input": 42}""", "'input' must be a string or an array of strings, not a number.", "input")]
    [InlineData("""{"input": ["ok", {"text": "x"}]}""", "'input[1]' must be a string, not an object (token arrays are not supported).", "input[1]")]
    [InlineData("""{"input": [[101, 102]]}""", "'input[0]' must be a string, not an array (token arrays are not supported).", "input[0]")]
    [InlineData("""{"input": "x", "model": 5}""", "'model' must be a non-empty string, not a number.", "model")]
    [InlineData("""{"input": "x", "encoding_format": "hex"}""", "'encoding_format' must be \"float\" or \"base64\", not \"hex\".", "encoding_format")]
    [InlineData("""{"input": "x", "dimensions": "many"}""", "'dimensions' must be a positive integer, not \"many\".", "dimensions")]
    [InlineData("""{"input": "x", "dimensions": 1536}""", "Model 'all-MiniLM-L6-v2' makes 384 dimensions, not 1536.", "dimensions")]
    [InlineData("""["x"]""", "The request body must be a JSON object, not an array.", null)]
    public async Task Embeddings_BadInput_Returns400WithOpenAIError(string json, string message, string? param)
    {
        using var response = await service.Client.PostAsync("/v1/embeddings", json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.ReadJsonAsync()).GetProperty("error");
        Assert.Equal(message, error.GetProperty("message").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task Embeddings_InvalidJson_Returns400SayingSo()
    {
        using var response = await service.Client.PostAsync("/v1/embeddings", """{"input": "x" """);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("The request body is not valid JSON:", (await response.ReadJsonAsync()).ErrorMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("POST", "/api/v1/embeddings", HttpStatusCode.NotFound, "Invalid URL (POST /api/v1/embeddings): the app serves POST /v1/embeddings, POST /v1/classify, GET /healthz and GET /metrics.")]
    [InlineData("GET", "/v1/embeddings", HttpStatusCode.MethodNotAllowed, "Invalid method for URL (GET /v1/embeddings).")]
    public async Task Request_PathOrMethodNotServed_AnsweredInTheApiErrorShape(string method, string path, HttpStatusCode status, string message)
    {
        // Empty answers: an endpoint configured with a wrong path read only "The inference app answered 404 Not Found".
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative))
        {
            Content = method == "GET" ? null : new StringContent("{}", System.Text.Encoding.UTF8, "application/json"),
        };

        using var response = await service.Client.SendAsync(request);

        Assert.Equal(status, response.StatusCode);
        var error = (await response.ReadJsonAsync()).GetProperty("error");
        Assert.Equal(message, error.GetProperty("message").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
    }

    [Theory]
    [InlineData(new byte[] { 0x7B, 0x22, 0x69, 0x6E, 0x70, 0x75, 0x74, 0x22, 0x3A, 0x22, 0x5C, 0x75, 0x64, 0x38, 0x30, 0x30, 0x61, 0x22, 0x7D })] // {"input":"\ud800a"}
    [InlineData(new byte[] { 0x7B, 0x22, 0x69, 0x6E, 0x70, 0x75, 0x74, 0x22, 0x3A, 0x22, 0xFF, 0xFE, 0x22, 0x7D })]                               // {"input":"<FF FE>"}
    public async Task Embeddings_StringThatIsNotText_Returns400(byte[] body)
    {
        // A lone surrogate (a cut emoji, as Python's json.dumps writes it) or bytes that are not UTF-8: 500, empty body.
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var response = await service.Client.PostAsync(new Uri("/v1/embeddings", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("A string in the request body is not valid text", (await response.ReadJsonAsync()).ErrorMessage(), StringComparison.Ordinal);
    }
}
