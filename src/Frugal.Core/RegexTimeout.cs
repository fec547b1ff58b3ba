namespace Frugal;

/// <summary>
/// The longest a regular expression without a timeout of its own may run in a Frugal process. JSON Schema
/// <c>pattern</c> keywords check run inputs and model answers, and JsonSchema.Net builds them with no timeout: a
/// common slug pattern, <c>^([a-z0-9]+-?)+$</c>, backtracked for 4.5 s on a 29-character input, holding a request or an
/// activity (and doubling with each character). .NET reads this setting once, at the first regular expression, and only
/// as a <see cref="TimeSpan"/> set in code (from runtimeconfig.json it is a string, which fails every Regex), so each
/// host calls <see cref="Apply"/> first thing. Frugal's own expressions run on callers' text are linear
/// (<c>RegexOptions.NonBacktracking</c>) or carry their own timeout (the <c>regex</c> step).
/// </summary>
public static class RegexTimeout
{
    private const string Key = "REGEX_DEFAULT_MATCH_TIMEOUT";

    /// <summary>The default match timeout a host applies: far above any reasonable match, far below a stuck request.</summary>
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(1);

    /// <summary>Sets the process's default match timeout, unless the process already set one.</summary>
    public static void Apply()
    {
        if (AppContext.GetData(Key) is null)
        {
            AppContext.SetData(Key, Default);
        }
    }
}
