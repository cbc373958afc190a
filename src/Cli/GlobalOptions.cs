using System.CommandLine;

namespace Mano.Cli;

/// <summary>Options accepted by every command, before or after the verb (like OSC's <c>-f</c> and <c>--os-*</c>).</summary>
internal sealed class GlobalOptions
{
    public const string DefaultEndpoint = "http://127.0.0.1:9890";
    public const string EndpointVariable = "MANO_ENDPOINT";
    public const string Table = "table";
    public const string Json = "json";
    public const double DefaultTimeoutSeconds = 30;

    public Option<string> Endpoint { get; } = new("--endpoint")
    {
        Description = $"Base URL of Mano's API (environment variable {EndpointVariable})",
        HelpName = "url",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(EndpointVariable) is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : DefaultEndpoint,
    };

    public Option<string> Format { get; } = new("--format", "-f")
    {
        Description = "Output format: table, or json (the SOL JSON document as Mano returned it, indented)",
        HelpName = "table|json",
        Recursive = true,
        DefaultValueFactory = _ => Table,
    };

    public Option<double> Timeout { get; } = new("--timeout")
    {
        Description = "Seconds to wait for Mano's answer",
        HelpName = "seconds",
        Recursive = true,
        DefaultValueFactory = _ => DefaultTimeoutSeconds,
    };

    public GlobalOptions()
    {
        Format.AcceptOnlyFromAmong(Table, Json);
        Timeout.Validators.Add(result =>
        {
            var seconds = result.GetValueOrDefault<double>();
            if (!(seconds > 0) || double.IsInfinity(seconds) || seconds > int.MaxValue / 1000)
            {
                result.AddError("--timeout must be a positive number of seconds.");
            }
        });
        Endpoint.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (TryParseEndpoint(value, out _) is false)
            {
                result.AddError($"--endpoint '{value}' is not an absolute http:// or https:// URL.");
            }
        });
    }

    public void AddTo(Command root)
    {
        root.Add(Endpoint);
        root.Add(Format);
        root.Add(Timeout);
    }

    /// <summary>Parses an endpoint: absolute http(s) URL, no query or fragment; a trailing slash is added so relative paths append.</summary>
    public static bool TryParseEndpoint(string? value, out Uri endpoint)
    {
        endpoint = null!;
        if (string.IsNullOrWhiteSpace(value)
            || !Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || uri.Query.Length > 0
            || uri.Fragment.Length > 0)
        {
            return false;
        }

        var builder = new UriBuilder(uri);
        if (!builder.Path.EndsWith('/'))
        {
            builder.Path += "/";
        }

        endpoint = builder.Uri;
        return true;
    }
}
