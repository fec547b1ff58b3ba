using System.CommandLine;
using Frugal.Cli.Local;
using Frugal.Workflows;
using Microsoft.Extensions.Configuration;

namespace Frugal.Cli.Commands;

/// <summary><c>frugal validate &lt;files&gt;</c>: checks workflow files and prints every problem as <c>file:line:column: message</c>.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("files") { Description = "Workflow files (YAML), or folders of them.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("validate", "Validate workflow files without running them.") { files };
        command.SetAction(parse =>
        {
            var failed = 0;

            // Workflows by folder and name: a host loads a folder and serves only the first of two with one name.
            var named = new Dictionary<(string Folder, string Name), WorkflowDefinition>();

            // The routers a local host has: the built-in ones and those frugal.json or the environment add.
            string[] routers = [.. new[] { "rules", Frugal.Routing.RoutingOptions.DefaultRouterName }
                .Concat(LocalRuntime.ReadConfiguration().GetSection($"{Frugal.Routing.RoutingOptions.SectionName}:Routers").GetChildren().Select(c => c.Key))
                .Distinct(StringComparer.OrdinalIgnoreCase)];
            foreach (var file in WorkflowFileReader.Expand(parse.GetValue(files)!))
            {
                try
                {
                    var definition = WorkflowFileReader.Read(file, routers);
                    var key = (Path.GetDirectoryName(Path.GetFullPath(file)) ?? string.Empty, definition.Name);
                    if (named.TryGetValue(key, out var first))
                    {
                        failed++;
                        parse.InvocationConfiguration.Error.WriteLine(WorkflowCatalog.DuplicateName(definition, first).ToString());
                        continue;
                    }

                    named.Add(key, definition);
                    parse.InvocationConfiguration.Output.WriteLine($"{file}: ok ({definition.Name}, {definition.Steps.Count} step{(definition.Steps.Count == 1 ? string.Empty : "s")}, version {definition.Hash[..12]})");
                }
                catch (WorkflowValidationException ex)
                {
                    failed++;
                    foreach (var diagnostic in ex.Diagnostics)
                    {
                        parse.InvocationConfiguration.Error.WriteLine(diagnostic.ToString());
                    }
                }
                catch (CliUsageException ex)
                {
                    failed++;
                    parse.InvocationConfiguration.Error.WriteLine(ex.Message);
                }
            }

            return failed == 0 ? ExitCodes.Ok : ExitCodes.BadInput;
        });
        return command;
    }
}
