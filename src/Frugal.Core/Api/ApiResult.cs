using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Primitives;

namespace Frugal.Api;

/// <summary>A host-neutral HTTP answer: each host (Functions, <c>frugal serve</c>) writes it out the same way.</summary>
/// <param name="StatusCode">The HTTP status.</param>
/// <param name="Body">The JSON body.</param>
/// <param name="IsProblem">Whether the body is an RFC 9457 problem (<c>application/problem+json</c>).</param>
/// <param name="Location">The <c>Location</c> header, if any.</param>
/// <param name="RetryAfterSeconds">The <c>Retry-After</c> header, if any.</param>
public sealed record ApiResult(int StatusCode, JsonNode Body, bool IsProblem = false, string? Location = null, int? RetryAfterSeconds = null)
{
    /// <summary>The content codings a request body may come in, none but <c>identity</c>: what a 415 sends as <c>Accept-Encoding</c>.</summary>
    public const string AcceptedEncodings = "identity";

    // Messages quote names and values ('subject', café); the default encoder sends them as \u0027 and \u00E9, which
    // a person reading the answer with curl should not have to decode. The body is JSON sent as JSON, never put into
    // HTML, which is what the default's extra escaping guards against.
    // A run's status holds its output a level or two down, and the output may hold an input as deep as the parser takes.
    private static readonly JsonSerializerOptions BodyOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, MaxDepth = 2 * JsonInput.MaxDepth };

    /// <summary>The body as it is sent.</summary>
    public string BodyText => Body.ToJsonString(BodyOptions);

    /// <summary>The content type to send.</summary>
    public string ContentType => IsProblem ? "application/problem+json" : "application/json";

    /// <summary>The response headers to send besides the content type, so every host sends the same ones.</summary>
    public IEnumerable<KeyValuePair<string, string>> Headers
    {
        get
        {
            if (Location is { } location)
            {
                yield return new("Location", location);
            }

            if (RetryAfterSeconds is { } retry)
            {
                yield return new("Retry-After", retry.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            // RFC 9110 15.5.16: a 415 for a content coding says which codings would have been accepted.
            if (StatusCode == 415)
            {
                yield return new("Accept-Encoding", AcceptedEncodings);
            }
        }
    }

    /// <summary>
    /// 415 for a request body sent compressed (<c>Content-Encoding: gzip</c>, <c>br</c>, ...), else null. Neither host
    /// decodes one (the Functions host passes the body on as it came, and its worker's pipeline takes no request
    /// decompression), so the JSON reader met the compressed bytes and answered "'0x1F' is an invalid start of a value".
    /// </summary>
    /// <param name="contentEncoding">The request's <c>Content-Encoding</c> values, none when absent.</param>
    public static ApiResult? ContentEncodingProblem(StringValues contentEncoding)
    {
        var codings = contentEncoding.SelectMany(v => (v ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Where(c => !string.Equals(c, "identity", StringComparison.OrdinalIgnoreCase))
            .ToList();
        return codings.Count == 0 ? null
            : Problem(415, "Unsupported content encoding",
                $"the request body came with Content-Encoding '{string.Join(", ", codings)}', which this API does not decode; send the JSON uncompressed, without a Content-Encoding header");
    }

    /// <summary>
    /// 400 for a tenant header (<c>x-frugal-tenant</c>) that cannot name a tenant, else null. A header sent more than
    /// once is refused: ASP.NET Core joins the values with commas, so a gateway that added its header to the caller's
    /// instead of replacing it let each caller name a new tenant ("acme,anything"), with a budget of its own.
    /// </summary>
    /// <param name="tenant">The header's values, none when absent.</param>
    public static ApiResult? TenantProblem(StringValues tenant) =>
        tenant.Count > 1 ? Problem(400, "Bad tenant", $"x-frugal-tenant must be sent once (it came {tenant.Count} times)")
        : Engine.WorkflowRunRequest.TenantProblem(tenant) is { } problem ? Problem(400, "Bad tenant", $"x-frugal-tenant {problem}")
        : null;

    /// <summary>
    /// The problem for a request body the web server refused while it was read (its status and message, from ASP.NET
    /// Core's <c>BadHttpRequestException</c>): titled by its status, so a body sent too slowly (408) is not called a
    /// bad request.
    /// </summary>
    /// <param name="status">The status the server gave the refusal: 413 over the size limit, 408 too slow, else 400.</param>
    /// <param name="message">The server's message.</param>
    public static ApiResult RequestBodyProblem(int status, string message) =>
        Problem(status, status switch
        {
            413 => "Request body too large",
            408 => "Request body too slow",
            _ => "Bad request",
        }, message);

    /// <summary>An RFC 9457 problem.</summary>
    public static ApiResult Problem(int status, string title, string detail, JsonObject? extensions = null)
    {
        var body = new JsonObject
        {
            ["type"] = $"https://httpstatuses.io/{status}",
            ["title"] = title,
            ["status"] = status,
            ["detail"] = detail,
        };
        foreach (var (key, value) in extensions ?? [])
        {
            body[key] = value?.DeepClone();
        }

        return new ApiResult(status, body, IsProblem: true);
    }
}
