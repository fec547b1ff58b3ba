using System.Net.Http.Json;
using System.Text.Json;

namespace Frugal.Inference.Tests;

/// <summary>Small helpers to post JSON and read answers.</summary>
internal static class Json
{
    public static Task<HttpResponseMessage> PostAsync(this HttpClient client, string path, string json) =>
        client.PostAsync(new Uri(path, UriKind.Relative), new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, object body) =>
        client.PostAsJsonAsync(new Uri(path, UriKind.Relative), body);

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    public static float[] Vector(this JsonElement embeddingsResponse, int index) =>
        [.. embeddingsResponse.GetProperty("data")[index].GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle())];

    public static string ErrorMessage(this JsonElement errorResponse) =>
        errorResponse.GetProperty("error").GetProperty("message").GetString()!;

    public static float Dot(float[] a, float[] b) => a.Zip(b, (x, y) => x * y).Sum();
}
