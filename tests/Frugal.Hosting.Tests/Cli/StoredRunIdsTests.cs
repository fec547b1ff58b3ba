using System.Text.Json.Nodes;
using Frugal.Cli.Commands;
using Frugal.Cli.Local;
using Frugal.Workflows;

namespace Frugal.Hosting.Tests.Cli;

public sealed class StoredRunIdsTests
{
    private static readonly WorkflowDefinition Triage = WorkflowLoader.Load(RepoPaths.Workflow("support-triage.yaml"));

    [Fact]
    public void StoredRunIds_LineRemovedOrFileRenamed_KeepsTheIdsOfTheOtherInputs()
    {
        // The line number was part of the id: removing one bad ticket from 200 started (and paid for) all 199 again.
        RunInput[] before = [Input("t.jsonl:1", "a"), Input("t.jsonl:2", "b"), Input("t.jsonl:3", "c")];
        RunInput[] after = [Input("renamed.jsonl:1", "b"), Input("renamed.jsonl:2", "c")];

        var first = RunCommand.StoredRunIds(Triage, tenant: null, before);
        var second = RunCommand.StoredRunIds(Triage, tenant: null, after);

        Assert.Equal(first[1..], second);
    }

    [Fact]
    public void StoredRunIds_IdenticalInputs_StayRunsOfTheirOwn()
    {
        var ids = RunCommand.StoredRunIds(Triage, tenant: null, [Input("t.jsonl:1", "a"), Input("t.jsonl:2", "a")]);

        Assert.NotEqual(ids[0], ids[1]);
        Assert.Equal(ids[0], RunCommand.StoredRunIds(Triage, tenant: null, [Input("t.jsonl:9", "a")])[0]);
    }

    [Fact]
    public void StoredRunIds_OtherTenant_OtherRuns()
    {
        RunInput[] inputs = [Input("t.jsonl:1", "a")];

        Assert.NotEqual(RunCommand.StoredRunIds(Triage, "acme", inputs), RunCommand.StoredRunIds(Triage, "globex", inputs));
    }

    [Fact]
    public void StoredRunIds_OtherTaskHub_OtherRunsButTheDefaultHubKeepsItsIds()
    {
        // The same input in a fresh hub is a fresh start: with the same id, the cost ledger (one per folder) added its
        // spend to the first run's, and its per-run budget began with the first run's spend.
        RunInput[] inputs = [Input("t.jsonl:1", "a")];
        var unset = RunCommand.StoredRunIds(Triage, null, inputs);

        Assert.Equal(unset, RunCommand.StoredRunIds(Triage, null, inputs, "FrugalLocal"));
        Assert.Equal(unset, RunCommand.StoredRunIds(Triage, null, inputs, "frugallocal"));
        Assert.NotEqual(unset, RunCommand.StoredRunIds(Triage, null, inputs, "Nightly2"));
        Assert.Equal(RunCommand.StoredRunIds(Triage, null, inputs, "nightly2"), RunCommand.StoredRunIds(Triage, null, inputs, "Nightly2"));
    }

    private static RunInput Input(string label, string subject)
    {
        Assert.True(WorkflowInputValidator.TryValidate(Triage, new JsonObject { ["subject"] = subject, ["body"] = "?" }, out var valid, out _));
        return new(label, valid);
    }
}
