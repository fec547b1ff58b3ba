using Frugal.Costs;
using static Frugal.Core.Tests.Costs.CostSamples;

namespace Frugal.Core.Tests.Costs;

/// <summary>The behaviour every ledger must have; run against SQLite and against Table storage on Azurite.</summary>
internal static class CostLedgerContract
{
    public static async Task AppendSameKeyTwice_KeepsOneRecord(ICostLedger ledger)
    {
        // What an append returns is what metrics count: the records it stored anew, not those it held already.
        var first = Record(dollars: 0.5m);
        Assert.Same(first, Assert.Single(await ledger.AppendAsync([first], CancellationToken.None)));
        Assert.Empty(await ledger.AppendAsync([first with { Dollars = 9m }], CancellationToken.None));
        Assert.Empty(await ledger.AppendAsync([first, first], CancellationToken.None));

        var stored = await ToListAsync(ledger.QueryAsync(new CostQuery(), CancellationToken.None));

        var only = Assert.Single(stored);
        Assert.Equal(0.5m, only.Dollars);
    }

    public static async Task AppendSameAttemptRunAgain_KeepsEachExecution(ICostLedger ledger)
    {
        // Durable Task runs an activity again under the same attempt number when its host stopped before the result
        // was stored; that execution paid for its calls again, and its records were dropped as duplicates.
        var first = Record(dollars: 0.5m) with { Invocation = "first" };
        var again = first with { Invocation = "again", Dollars = 0.7m };
        await ledger.AppendAsync([first], CancellationToken.None);
        var twice = await ledger.AppendAsync([first], CancellationToken.None);          // the same record twice: kept once
        var ranAgain = await ledger.AppendAsync([again], CancellationToken.None);       // the attempt ran again
        var cameTwice = await ledger.AppendAsync([again], CancellationToken.None);      // and its record came twice
        CostRecord third = first with { Invocation = "third", Dollars = 0.9m }, other = Record(step: "other");
        var mixed = await ledger.AppendAsync([third, other, first], CancellationToken.None);

        var stored = await ToListAsync(ledger.QueryAsync(new CostQuery(), CancellationToken.None));

        Assert.Equal(
            ["answer 0.5", "answer~rerun1 0.7", "answer~rerun2 0.9", "other 0.001"],
            stored.Select(r => $"{r.StepId} {r.Dollars}").Order(StringComparer.Ordinal));
        Assert.Empty(twice);
        Assert.Same(again, Assert.Single(ranAgain));
        Assert.Empty(cameTwice);
        Assert.Equal([third, other], mixed); // the records as appended (not re-keyed), in their order
    }

    public static async Task AppendSameAttemptRunAgainInOneBatch_KeepsEachExecution(ICostLedger ledger)
    {
        // Both executions of one attempt can reach the writer together (a host that ran the activity again while the
        // first execution's record was still queued); the Table ledger kept the first and dropped the second.
        var first = Record(dollars: 0.5m) with { Invocation = "first" };
        var again = first with { Invocation = "again", Dollars = 0.7m };

        var appended = await ledger.AppendAsync([first, again, first], CancellationToken.None);

        var stored = await ToListAsync(ledger.QueryAsync(new CostQuery(), CancellationToken.None));
        Assert.Equal(["answer 0.5", "answer~rerun1 0.7"], stored.Select(r => $"{r.StepId} {r.Dollars}").Order(StringComparer.Ordinal));
        Assert.Equal([first, again], appended);
    }

    public static async Task AppendRetryAttempt_KeepsBothAttempts(ICostLedger ledger)
    {
        await ledger.AppendAsync([Record(attempt: 1) with { Outcome = CostOutcome.Failed }], CancellationToken.None);
        await ledger.AppendAsync([Record(attempt: 2), Record(attempt: 1)], CancellationToken.None);

        var stored = await ToListAsync(ledger.QueryAsync(new CostQuery(), CancellationToken.None));

        Assert.Equal([1, 2], stored.Select(r => r.Attempt).Order());
        Assert.Equal(CostOutcome.Failed, stored.Single(r => r.Attempt == 1).Outcome);
    }

    public static async Task Query_Filters_ReturnMatchingRecords(ICostLedger ledger)
    {
        await ledger.AppendAsync(
        [
            Record(runId: "r1", startedAt: Day1),
            Record(runId: "r2", startedAt: Day1.AddDays(1), tenant: "globex"),
            Record(runId: "r3", startedAt: Day1.AddDays(2), workflow: "triage"),
            Record(runId: "r4", startedAt: Day1, tier: CostTier.Deterministic, model: null),
            Record(runId: "r5", startedAt: Day1, tier: CostTier.Onnx),
        ], CancellationToken.None);

        async Task<string[]> Runs(CostQuery query) =>
            (await ToListAsync(ledger.QueryAsync(query, CancellationToken.None))).Select(r => r.RunId).Order().ToArray();

        Assert.Equal(["r2", "r3"], await Runs(new CostQuery { Since = Day1.AddDays(1) }));
        Assert.Equal(["r1", "r2", "r4", "r5"], await Runs(new CostQuery { Until = Day1.AddDays(2) }));
        Assert.Equal(["r2"], await Runs(new CostQuery { Since = Day1.AddHours(1), Until = Day1.AddDays(1).AddHours(1) }));
        Assert.Equal(["r2"], await Runs(new CostQuery { Tenant = "globex" }));
        Assert.Equal(["r3"], await Runs(new CostQuery { Workflow = "triage" }));
        Assert.Equal(["r1"], await Runs(new CostQuery { RunId = "r1" }));
        Assert.Equal(["r4", "r5"], await Runs(new CostQuery { Tiers = [CostTier.Deterministic, CostTier.Onnx] }));
        Assert.Equal(["r1", "r3"], await Runs(new CostQuery { Tenant = "acme", Tiers = [CostTier.Cheap] }));
        Assert.Empty(await Runs(new CostQuery { Tiers = [] }));
    }

    /// <summary>
    /// The spend a budget seeds from: the selected records' priced dollars summed exactly (no double rounding), the
    /// unpriced ones one entry per tier, model, usage and dollars with their count, calls in flight left out; the same as
    /// summing the records <see cref="ICostLedger.QueryAsync"/> returns.
    /// </summary>
    public static async Task Spend_TenantsMonth_SumsPricedAndGroupsUnpriced(ICostLedger ledger)
    {
        await ledger.AppendAsync(
        [
            Record(runId: "r1", dollars: 0.000000001m),
            Record(runId: "r2", dollars: 1234.000000003m),
            Record(runId: "r3", dollars: 0.1m, startedAt: Day1.AddHours(5)),
            Record(runId: "r4", model: "llama-local", dollars: 0m, priced: false),
            Record(runId: "r5", model: "llama-local", dollars: 0m, priced: false),
            Record(runId: "r6", model: "llama-local", dollars: 0m, priced: false) with { OutputTokens = 7 },
            Record(runId: "r6b", tier: CostTier.Onnx, model: "llama-local", dollars: 0m, priced: false),
            Record(runId: "r7", dollars: 5m) with { Outcome = CostOutcome.Started },
            Record(runId: "r8", dollars: 9m, tenant: "globex"),
            Record(runId: "r9", dollars: 9m, startedAt: Day1.AddDays(-1)),
        ], CancellationToken.None);
        var query = new CostQuery { Tenant = "acme", Since = Day1, Until = Day1.AddDays(1) };

        var spend = await ledger.SpendAsync(query, CancellationToken.None);

        Assert.Equal(1234.100000004m, spend.PricedDollars);
        Assert.Equal(
            ["Cheap llama-local 1000/200/300/10 $0 x2", "Cheap llama-local 1000/200/7/10 $0 x1", "Onnx llama-local 1000/200/300/10 $0 x1"],
            spend.Unpriced.Select(u => $"{u.Tier} {u.Model} {u.Usage.InputTokens}/{u.Usage.CachedInputTokens}/{u.Usage.OutputTokens}/{u.Usage.ReasoningTokens} ${u.Dollars} x{u.Calls}").Order(StringComparer.Ordinal));
        var streamed = await ToListAsync(ledger.QueryAsync(query, CancellationToken.None));
        Assert.Equal(streamed.Where(r => r.Priced && !r.Unfinished).Sum(r => r.Dollars), spend.PricedDollars);
        Assert.Equal(streamed.Count(r => !r.Priced), spend.Unpriced.Sum(u => u.Calls));
        Assert.Equal(0m, (await ledger.SpendAsync(query with { Tenant = "nobody" }, CancellationToken.None)).PricedDollars);
        var onnx = await ledger.SpendAsync(query with { Tiers = [CostTier.Onnx] }, CancellationToken.None);
        Assert.Equal((0m, 1L), (onnx.PricedDollars, onnx.Unpriced.Sum(u => u.Calls)));
    }

    /// <summary>
    /// Budget seeding with <see cref="CostQuery.CountStartsBefore"/>: a call's start older than that (its call cut off
    /// by a kill, its reservation's lease passed) counts at its recorded bound, priced or unpriced; a younger one (a call
    /// that may be in flight) and every start without the cutoff are left out of the sums and listed apart.
    /// </summary>
    public static async Task Spend_StartsBeforeTheCutoff_CountAtTheirBound(ICostLedger ledger)
    {
        await ledger.AppendAsync([Record(runId: "r1", dollars: 0.5m)], CancellationToken.None);
        await ledger.AppendAsync(
        [
            Started(Record(runId: "r2", dollars: 0.02m), "killed"),
            Started(Record(runId: "r3", dollars: 0.07m, startedAt: Day1.AddHours(5)), "in-flight"),
            Started(Record(runId: "r4", model: "llama-local", dollars: 0m, priced: false), "killed-unpriced"),
        ], CancellationToken.None);
        var query = new CostQuery { Tenant = "acme", Since = Day1, Until = Day1.AddDays(1) };

        var seeded = await ledger.SpendAsync(query with { CountStartsBefore = Day1.AddHours(1) }, CancellationToken.None);
        var finished = await ledger.SpendAsync(query, CancellationToken.None);

        Assert.Equal(0.52m, seeded.PricedDollars);
        var unpriced = Assert.Single(seeded.Unpriced);
        Assert.Equal(("llama-local", 1L), (unpriced.Model, unpriced.Calls));
        var inFlight = Assert.Single(seeded.Unfinished);
        Assert.Equal(("in-flight", Day1.AddHours(5), 0.07m, true), (inFlight.Invocation, inFlight.StartedAt, inFlight.Dollars, inFlight.Priced));
        Assert.Equal(0.5m, finished.PricedDollars);
        Assert.Empty(finished.Unpriced);
        Assert.Equal(["in-flight", "killed", "killed-unpriced"], finished.Unfinished.Select(s => s.Invocation).Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// One tenant's run over several days, as a budget seeds a run counter (the Table ledger reads it partition by
    /// partition, a RowKey range in each): not another tenant's records under the same run id, not a run whose id
    /// begins with this one's, not a day outside the range.
    /// </summary>
    public static async Task Query_TenantRunOverDays_ReturnsOnlyThatRunsRecords(ICostLedger ledger)
    {
        const string run = "run/1|a%";
        await ledger.AppendAsync(
        [
            Record(runId: run, step: "a", startedAt: Day1, tenant: "acme"),
            Record(runId: run, step: "b", startedAt: Day1.AddDays(3), tenant: "acme"),
            Record(runId: run + "0", step: "a", startedAt: Day1.AddDays(1), tenant: "acme"),
            Record(runId: "run/1", step: "a", startedAt: Day1.AddDays(1), tenant: "acme"),
            Record(runId: run, step: "c", startedAt: Day1.AddDays(1), tenant: "globex"),
            Record(runId: run, step: "d", startedAt: Day1.AddDays(-1), tenant: "acme"),
        ], CancellationToken.None);

        var found = await ToListAsync(ledger.QueryAsync(
            new CostQuery { Tenant = "acme", RunId = run, Since = Day1, Until = Day1.AddDays(5) }, CancellationToken.None));
        var open = await ToListAsync(ledger.QueryAsync(new CostQuery { Tenant = "acme", RunId = run, Since = Day1.AddDays(-1) }, CancellationToken.None));

        Assert.Equal(["a", "b"], found.Select(r => r.StepId).Order().ToArray());
        Assert.Equal(["a", "b", "d"], open.Select(r => r.StepId).Order().ToArray());
    }

    /// <summary>
    /// A hosted model call writes a start before it is sent; the process is then killed (no completion). The report
    /// shows the call as unfinished, with its upper bound apart from the measured spend, which it does not change.
    /// </summary>
    public static async Task StartNeverCompleted_ReportShowsItUnfinishedApartFromTheSpend(ICostLedger ledger)
    {
        await ledger.AppendAsync([Record(runId: "r1", dollars: 0.5m)], CancellationToken.None);
        await ledger.AppendAsync([Started(Record(runId: "r2", dollars: 0.02m), "killed")], CancellationToken.None);

        var report = await new Frugal.Costs.Reports.CostReport(ledger, TimeProvider.System)
            .BuildAsync(new Frugal.Costs.Reports.CostReportRequest(), null, CancellationToken.None);

        Assert.Equal(0.5m, report.Dollars);
        Assert.Equal(1, report.UnfinishedCalls);
        Assert.Equal(0.02m, report.UnfinishedMaxDollars);
        var group = Assert.Single(report.Groups);
        Assert.Equal((1, 0.5m, 1, 0.02m), (group.Calls, group.Dollars, group.UnfinishedCalls, group.UnfinishedMaxDollars));
        Assert.Equal(1, report.Days.Single().Calls);
    }

    /// <summary>
    /// The call's own record replaces its start (same key and invocation), so a report never counts both; a start an
    /// earlier execution of the same attempt left (its host killed) stays, and the new execution's start and record
    /// take the next re-run key together.
    /// </summary>
    public static async Task CompletionAfterStart_ReplacesTheStart(ICostLedger ledger)
    {
        var call = Record(dollars: 0.004m) with { Outcome = CostOutcome.Succeeded };
        await ledger.AppendAsync([Started(call with { Dollars = 0.02m }, "killed")], CancellationToken.None);
        await ledger.AppendAsync([Started(call with { Dollars = 0.02m }, "again")], CancellationToken.None);
        var replaced = await ledger.AppendAsync([call with { Invocation = "again", ReplacesStart = true }, Record(step: "other")], CancellationToken.None);
        var again = await ledger.AppendAsync([call with { Invocation = "again", ReplacesStart = true }], CancellationToken.None);

        var stored = await ToListAsync(ledger.QueryAsync(new CostQuery(), CancellationToken.None));

        Assert.Equal(
            ["answer Started 0.02", "answer~rerun1 Succeeded 0.004", "other Succeeded 0.001"],
            stored.Select(r => $"{r.StepId} {r.Outcome} {r.Dollars}").Order(StringComparer.Ordinal));
        Assert.Equal(2, replaced.Count); // the record that replaced its start is new to the ledger's sums
        Assert.Empty(again);
    }

    private static CostRecord Started(CostRecord call, string invocation) =>
        call with { Outcome = CostOutcome.Started, Invocation = invocation, InputTokens = 40, OutputTokens = 700 };

    public static async Task Append_RoundTripsEveryField(ICostLedger ledger)
    {
        var record = Record(runId: "run/with#odd?chars|%_", tier: CostTier.Onnx, cache: CacheOutcome.Semantic, saved: 0.0123456789m)
            with { PromptText = "hello", AnswerText = "world", Priced = false, Dollars = 0.000000123m };
        await ledger.AppendAsync([record], CancellationToken.None);

        var withText = Assert.Single(await ToListAsync(ledger.QueryAsync(new CostQuery { IncludeText = true }, CancellationToken.None)));
        var withoutText = Assert.Single(await ToListAsync(ledger.QueryAsync(new CostQuery(), CancellationToken.None)));

        Assert.Equal(record, withText);
        Assert.Equal(record with { PromptText = null, AnswerText = null }, withoutText);
    }
}
