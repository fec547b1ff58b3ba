using Frugal.Costs;

namespace Frugal.Core.Tests.Costs;

internal static class CostSamples
{
    public static readonly DateTimeOffset Day1 = new(2025, 6, 1, 10, 0, 0, TimeSpan.Zero);

    public static CostRecord Record(
        string runId = "run-1",
        string step = "answer",
        int attempt = 1,
        string workflow = "support",
        string tenant = "acme",
        CostTier tier = CostTier.Cheap,
        string? model = "gpt-4o-mini",
        decimal dollars = 0.001m,
        CacheOutcome cache = CacheOutcome.None,
        decimal saved = 0m,
        double latencyMs = 100,
        DateTimeOffset? startedAt = null,
        bool priced = true) => new()
        {
            RunId = runId,
            Workflow = workflow,
            WorkflowVersion = "abc123",
            StepId = step,
            Activity = "RunModelStep",
            Attempt = attempt,
            Tenant = tenant,
            Tier = tier,
            Provider = model is null ? null : "azure-openai",
            Model = model,
            InputTokens = 1000,
            CachedInputTokens = 200,
            OutputTokens = 300,
            ReasoningTokens = 10,
            Dollars = dollars,
            PriceTableVersion = "2025-06-01",
            Priced = priced,
            Cache = cache,
            SavedDollars = saved,
            GpuSeconds = tier == CostTier.Onnx ? 0.5 : 0,
            BatchSize = 1,
            LatencyMs = latencyMs,
            Outcome = CostOutcome.Succeeded,
            StartedAt = startedAt ?? Day1,
            CompletedAt = (startedAt ?? Day1).AddMilliseconds(latencyMs),
            PromptHash = CostRecord.HashText("prompt"),
            AnswerHash = CostRecord.HashText("answer"),
        };

    public static async Task<List<CostRecord>> ToListAsync(IAsyncEnumerable<CostRecord> records)
    {
        var list = new List<CostRecord>();
        await foreach (var record in records)
        {
            list.Add(record);
        }

        return list;
    }
}
