using System.CommandLine;
using System.Globalization;

namespace Frugal.Cli.Commands;

/// <summary>
/// A numeric option that parses and checks its value in one place, so a bad value is a usage error that names the
/// option and says what was expected. A validator that reads the value instead throws when the text does not parse
/// ("Cannot parse argument 'abc' for option '--target'", with a stack trace).
/// </summary>
internal static class NumberOption
{
    /// <param name="name">The option's name.</param>
    /// <param name="description">Its help text.</param>
    /// <param name="valid">Which parsed values are accepted.</param>
    /// <param name="expected">What is accepted, for the message: "'x' is not {expected}".</param>
    /// <param name="defaultValue">The value when the option is not given.</param>
    /// <param name="aliases">Other names of the option (<c>-p</c>).</param>
    public static Option<T> Create<T>(string name, string description, Func<T, bool> valid, string expected, T defaultValue, params string[] aliases) => new(name, aliases)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            var type = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
            object? value = type == typeof(int) && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int i) ? i
                : type == typeof(double) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d) ? d
                : type == typeof(decimal) && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal m) ? m
                : null;
            if (value is T typed && valid(typed))
            {
                return typed;
            }

            // A whole number past int's range ('99999999999') read "is not a whole number above 0", which it is.
            string digits = text.StartsWith('+') ? text[1..] : text;
            bool tooLarge = value is null && type == typeof(int) && digits.Length > 0 && digits.All(char.IsAsciiDigit);
            result.AddError(tooLarge
                ? string.Create(CultureInfo.InvariantCulture, $"{name}: '{text}' is not {expected} (it is over {int.MaxValue}, the most a whole number here can be)")
                : $"{name}: '{text}' is not {expected}");
            return defaultValue;
        },
    };
}
