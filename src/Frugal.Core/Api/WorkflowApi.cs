using System.Text.Json;
using System.Text.Json.Nodes;
using Frugal.Budgets;
using Frugal.Engine;
using Frugal.Workflows;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Primitives;

namespace Frugal.Api;

/// <summary>
/// The run API both hosts expose (<c>POST /api/workflows/{name}/runs</c>, <c>GET /api/runs/{id}</c>): parsing,
/// validation and problem responses live here once; the Functions app and <c>frugal serve</c> only adapt HTTP.
/// </summary>
public sealed class WorkflowApi
{
    private readonly WorkflowCatalog _catalog;
    private readonly BudgetGuard? _budgets;
    private readonly Frugal.Routing.Feedback.IRoutingFeedbackStore? _feedback;
    private readonly Func<string>? _newRunId;
    private readonly ILogger _logger;

    /// <summary>Creates the API over the workflows in a catalog; with a <see cref="BudgetGuard"/>, new runs of a tenant
    /// whose monthly budget is spent get 402 and of a tenant over its tokens per minute 429 with Retry-After.</summary>
    /// <param name="catalog">The workflows.</param>
    /// <param name="budgets">Admission by budget, when set.</param>
    /// <param name="feedback">Where routing feedback goes, when set.</param>
    /// <param name="newRunId">Makes run ids (the local host's <c>NewRunId</c>); null for Durable Task's own.</param>
    /// <param name="logger">Where failures the caller is not told the details of are logged.</param>
    public WorkflowApi(
        WorkflowCatalog catalog,
        BudgetGuard? budgets = null,
        Frugal.Routing.Feedback.IRoutingFeedbackStore? feedback = null,
        Func<string>? newRunId = null,
        ILogger<WorkflowApi>? logger = null)
    {
        _catalog = catalog;
        _budgets = budgets;
        _feedback = feedback;
        _newRunId = newRunId;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Starts a run from a request body; 202 with status URLs, or a problem (404, 400).</summary>
    /// <param name="client">The durable client.</param>
    /// <param name="name">The workflow's name from the route.</param>
    /// <param name="body">The request body: the run input as JSON.</param>
    /// <param name="tenant">The tenant (header <c>x-frugal-tenant</c>, which must come once), or none for the default.</param>
    /// <param name="baseUrl">The API's base URL, e.g. <c>http://127.0.0.1:7071/api</c>, for the status URLs.</param>
    /// <param name="statusQuery">A query string the status URL needs to work as given (the Functions app's <c>?code=</c>), or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiResult> StartRunAsync(
        DurableTaskClient client, string name, Stream body, StringValues tenant, string baseUrl, string? statusQuery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(body);
        if (!_catalog.TryGet(name, out var definition))
        {
            return ApiResult.Problem(404, "Unknown workflow", $"no workflow named '{name}' is deployed");
        }

        JsonNode? input;
        JsonElement parsed;
        try
        {
            (input, parsed) = await JsonInput.ParseElementAsync(body, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            if (JsonErrors.IsEmptyInput(ex))
            {
                return ApiResult.Problem(400, "Malformed JSON", "the request body is empty: send the run input as JSON");
            }

            return ApiResult.Problem(400, "Malformed JSON", $"the request body is not valid JSON: {JsonErrors.Describe(ex)}");
        }

        if (ApiResult.TenantProblem(tenant) is { } tenantProblem)
        {
            return tenantProblem;
        }

        // The input is checked before the budget: a refusal (402, 429, 503) says to wait or to try again, which an input
        // the schema refuses never gets past; it was sent back with the budget's answer and, once let in, a 400.
        if (!WorkflowInputValidator.TryValidateParsed(definition, input, parsed, out var valid, out var violations))
        {
            return InputProblem(name, violations);
        }

        BudgetRefusal? refusal;
        try
        {
            refusal = _budgets is null ? null : await _budgets.CheckRunStartAsync(WorkflowRunRequest.TenantOrDefault(tenant), cancellationToken).ConfigureAwait(false);
        }
        catch (BudgetStoreUnavailableException ex)
        {
            // Whether the tenant may spend cannot be known: nothing starts, and the caller may try again. The store's
            // words stay in the log: they name its host and port, the setting holding its connection string and the
            // Redis client's diagnostics, which the caller (a tenant, behind the gateway) was told.
            var caller = WorkflowRunRequest.TenantOrDefault(tenant);
            Log.RunStartBudgetStoreUnavailable(_logger, caller, ex);
            return ApiResult.Problem(
                503,
                "Budget store unavailable",
                $"the budget store did not answer, so whether tenant '{caller}' may spend is not known: nothing was started; try again later (the service's log says why)");
        }

        if (refusal is not null)
        {
            return BudgetProblem(refusal);
        }

        var id = await WorkflowStarter.StartAsync(client, valid, tenant, _newRunId?.Invoke(), cancellationToken: cancellationToken).ConfigureAwait(false);

        var statusUrl = $"{baseUrl.TrimEnd('/')}/runs/{Uri.EscapeDataString(id)}{statusQuery}";
        var accepted = new JsonObject
        {
            ["id"] = id,
            ["workflow"] = definition.Name,
            ["version"] = definition.Hash,
            ["statusQueryGetUri"] = statusUrl,
        };
        return new ApiResult(202, accepted, Location: statusUrl);
    }

    private static ApiResult InputProblem(string name, IReadOnlyList<InputViolation> violations) => ApiResult.Problem(
        400,
        "Input does not match the workflow's input schema",
        $"{violations.Count} violation(s) of the input schema of '{name}'",
        new JsonObject { ["errors"] = Errors(violations) });

    /// <summary>A problem's <c>errors</c>: each violation's pointer (<c>/</c> for the whole body) and message.</summary>
    private static JsonArray Errors(IEnumerable<InputViolation> violations) => new([.. violations.Select(v => (JsonNode)new JsonObject
    {
        ["pointer"] = v.Pointer.Length == 0 ? "/" : v.Pointer,
        ["message"] = v.Message,
    })]);

    /// <summary>The problem answer for a refused run: 402 with the budget and spend, or 429 with Retry-After.</summary>
    /// <param name="refusal">Why the run is refused.</param>
    public static ApiResult BudgetProblem(BudgetRefusal refusal)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        var extensions = refusal.StatusCode == 402
            ? new JsonObject { ["tenant"] = refusal.Tenant, ["budget"] = refusal.Limit, ["spent"] = refusal.Used }
            : new JsonObject { ["tenant"] = refusal.Tenant, ["tokensPerMinute"] = refusal.Limit, ["tokensThisMinute"] = refusal.Used };
        return ApiResult.Problem(refusal.StatusCode, refusal.Title, refusal.Detail, extensions) with { RetryAfterSeconds = refusal.RetryAfterSeconds };
    }

    /// <summary>The deployed workflows: name, description, version and input schema.</summary>
    public JsonArray List() => new([.. _catalog.Workflows.OrderBy(w => w.Name, StringComparer.Ordinal).Select(w => (JsonNode)new JsonObject
    {
        ["name"] = w.Name,
        ["description"] = w.Description,
        ["version"] = w.Hash,
        ["input"] = w.InputSchema.DeepClone(),
    })]);

    /// <summary>
    /// The status and, once finished, the output of a run; 404 if there is no such run or it is another tenant's (the
    /// same answer, so an id of someone else's run says nothing), 400 for a malformed tenant.
    /// </summary>
    /// <param name="client">The durable client.</param>
    /// <param name="id">The run's id.</param>
    /// <param name="tenant">The caller's tenant (header <c>x-frugal-tenant</c>, which must come once), or none for the default: the run's must match.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiResult> GetRunAsync(DurableTaskClient client, string id, StringValues tenant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var (metadata, request, problem) = await FindRunAsync(client, id, tenant, cancellationToken).ConfigureAwait(false);
        return problem ?? new ApiResult(200, RunStatus.ToJson(metadata!, request));
    }

    /// <summary>
    /// A run of <paramref name="tenant"/> with its input, or the problem to answer: 400 for a malformed tenant, 404 when
    /// there is no workflow run with that id or it belongs to another tenant. Function keys say nothing about tenants,
    /// so the tenant header (set by the caller's gateway from its authentication, as for starting runs) is what keeps one
    /// tenant from reading another's outputs by id.
    /// </summary>
    private static async Task<(OrchestrationMetadata? Run, WorkflowRunRequest? Request, ApiResult? Problem)> FindRunAsync(
        DurableTaskClient client, string id, StringValues tenant, CancellationToken cancellationToken)
    {
        if (ApiResult.TenantProblem(tenant) is { } tenantProblem)
        {
            return (null, null, tenantProblem);
        }

        var metadata = await client.GetInstanceAsync(id, getInputsAndOutputs: true, cancellationToken).ConfigureAwait(false);
        var request = metadata?.Name == WorkflowOrchestrator.Name ? ReadRequest(metadata) : null;

        // Compared ignoring case: runs started before tenants were recorded lower case keep the spelling they came with.
        return request is null || !string.Equals(request.Tenant?.Trim(), WorkflowRunRequest.TenantOrDefault(tenant), StringComparison.OrdinalIgnoreCase)
            ? (null, null, ApiResult.Problem(404, "Unknown run", $"no run with id '{id}'"))
            : (metadata, request, null);
    }

    private static WorkflowRunRequest? ReadRequest(OrchestrationMetadata metadata)
    {
        try
        {
            return metadata.ReadInputAs<WorkflowRunRequest>();
        }
        catch (JsonException)
        {
            return null; // not a workflow run's input: no tenant's
        }
    }

    private const string FeedbackShape = "{\"step\": \"<step id>\", \"verdict\": \"good\" or \"bad\"}";

    private static readonly JsonNode FeedbackSchemaNode = JsonNode.Parse("""
        {
          "type": "object",
          "required": ["step", "verdict"],
          "additionalProperties": false,
          "properties": {
            "step": { "type": "string", "minLength": 1 },
            "verdict": { "enum": ["good", "bad"] }
          }
        }
        """)!;

    private static readonly Lazy<Json.Schema.JsonSchema> FeedbackSchema = new(() => SchemaValidation.Build(FeedbackSchemaNode));

    /// <summary>
    /// Records a user's verdict on a step of a run (<c>{"step": "answer", "verdict": "good|bad"}</c>): it becomes a
    /// labelled routing example for the next <c>frugal router train --feedback</c>, but a good verdict on a premium
    /// answer, which says nothing about cheap. 200 with <c>recorded</c> (whether an example was kept), <c>tier</c>,
    /// <c>example</c> (its scores) and, when none was kept, <c>reason</c>; or a problem (400, 404, 409).
    /// </summary>
    /// <param name="client">The durable client, to find the run.</param>
    /// <param name="runId">The run's id.</param>
    /// <param name="body">The verdict.</param>
    /// <param name="tenant">The caller's tenant (header <c>x-frugal-tenant</c>, which must come once), or none for the default: the run's must match.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiResult> FeedbackAsync(DurableTaskClient client, string runId, Stream body, StringValues tenant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (_feedback is null)
        {
            return ApiResult.Problem(409, "Feedback is off", "set Frugal:Routing:Feedback:Enabled=true to collect routing feedback (it keeps prompt text)");
        }

        ArgumentNullException.ThrowIfNull(client);

        if ((await FindRunAsync(client, runId, tenant, cancellationToken).ConfigureAwait(false)).Problem is { } problem)
        {
            return problem;
        }

        JsonNode? node;
        try
        {
            node = await JsonInput.ParseAsync(body, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            return ApiResult.Problem(400, "Malformed JSON", JsonErrors.IsEmptyInput(ex)
                ? $"the request body is empty: send the verdict as JSON, {FeedbackShape}"
                : $"the request body is not valid JSON: {JsonErrors.Describe(ex)}");
        }

        // Each problem is named where it is, as a run input's are: "the body must be ..." alone did not say which part
        // was wrong, and a misspelt property ("verdit") or one the API does not take was passed over in silence.
        var violations = SchemaValidation.Validate(FeedbackSchema.Value, FeedbackSchemaNode, node, json: true)
            .Select(v => new InputViolation(v.Pointer, v.Message.StartsWith("the input ", StringComparison.Ordinal) ? "the body " + v.Message["the input ".Length..] : v.Message))
            .ToList();
        if (violations.Count > 0)
        {
            return ApiResult.Problem(
                400,
                "Invalid feedback",
                $"{string.Join("; ", violations.Select(v => v.Message))} (the body must be {FeedbackShape})",
                new JsonObject { ["errors"] = Errors(violations) });
        }

        var step = node!["step"]!.GetValue<string>();
        var verdict = node["verdict"]!.GetValue<string>();

        if (await _feedback.MarkAsync(runId, step, verdict == "good", cancellationToken).ConfigureAwait(false) is { } tier)
        {
            // "recorded": true was answered for a good premium verdict too, which keeps no example: the answer says
            // what was kept, so a caller counting verdicts does not count examples the next router will never see.
            var scores = Frugal.Routing.Feedback.RoutingVerdict.Scores(tier, verdict == "good");
            var answer = new JsonObject
            {
                ["run"] = runId,
                ["step"] = step,
                ["verdict"] = verdict,
                ["tier"] = tier,
                ["recorded"] = scores is not null,
                ["example"] = scores is { } s ? new JsonObject { ["cheap_score"] = s.Cheap, ["premium_score"] = s.Premium } : null,
            };
            if (scores is null)
            {
                answer["reason"] = tier == Frugal.Models.ModelTierKeys.Premium
                    ? "a good verdict on a premium answer says nothing about whether the cheap tier would have done, so it keeps no routing example; it replaces any earlier verdict on the step, whose example is removed"
                    : $"a verdict on a call of tier '{tier}' keeps no routing example";
            }

            return new ApiResult(200, answer);
        }

        // A foreach is reported under its own id but its calls are recorded per item: the tenant hint misled there.
        var items = await _feedback.ItemStepsAsync(runId, step, 4, cancellationToken).ConfigureAwait(false);
        return items.Count > 0
            ? ApiResult.Problem(404, "Unknown step", $"step '{step}' of run '{runId}' is a foreach: a verdict judges one item's model call, named by its index ({string.Join(", ", items.Select(i => $"'{i}'"))}{(items.Count == 4 ? ", ..." : string.Empty)})")
            : ApiResult.Problem(404, "Unknown step", $"run '{runId}' has no recorded model call for step '{step}' (examples are kept only for the tenants in Frugal:Costs:StoreTextForTenants, whose prompt text may be stored)");
    }
}
