using System.CommandLine;
using System.Reflection;
using Mano.Cli.Commands;

namespace Mano.Cli;

/// <summary>
/// Entry point of the <c>mano</c> command line. The grammar is OpenStack Tacker's OSC plugin
/// (<c>openstack vnflcm list</c>, <c>openstack vnf package show</c>) without the <c>openstack</c> prefix.
/// </summary>
public static class Cli
{
    /// <summary>Exit code of a command that succeeded.</summary>
    public const int Success = 0;

    /// <summary>Exit code when Mano answered with an error (ProblemDetails), or when the command line was wrong.</summary>
    public const int ApiError = 1;

    /// <summary>Exit code when Mano could not be reached (connection refused, DNS, timeout).</summary>
    public const int Unreachable = 2;

    /// <summary>Exit code when the user interrupted the command (Ctrl+C).</summary>
    public const int Cancelled = 130;

    /// <summary>Runs the command line.</summary>
    /// <param name="args">The arguments, without the program name.</param>
    /// <param name="handler">HTTP handler to use instead of the default sockets one (tests); not disposed.</param>
    /// <param name="stdout">Where results go; defaults to <see cref="Console.Out"/>.</param>
    /// <param name="stderr">Where errors go; defaults to <see cref="Console.Error"/>.</param>
    /// <returns>The process exit code.</returns>
    public static Task<int> RunAsync(
        string[] args,
        HttpMessageHandler? handler = null,
        TextWriter? stdout = null,
        TextWriter? stderr = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var isTerminal = stdout is null && !Console.IsOutputRedirected;
        var context = new CliContext(handler, stdout ?? Console.Out, stderr ?? Console.Error, isTerminal);
        var root = BuildRootCommand(context);
        var invocation = new InvocationConfiguration
        {
            Output = context.Stdout,
            Error = context.Stderr,
        };
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && parse.CommandResult.Command.Name == "validate")
        {
            // `vnf package validate` is a local benchmark subject with its own exit codes: 2 for a usage problem.
            return InvokeAsUsageError(parse, invocation);
        }

        return parse.InvokeAsync(invocation);
    }

    private static async Task<int> InvokeAsUsageError(ParseResult parse, InvocationConfiguration invocation)
    {
        await parse.InvokeAsync(invocation).ConfigureAwait(false);
        return Commands.ValidateCommand.UsageOrIo;
    }

    /// <summary>The version of this command line (informational version without the source revision).</summary>
    public static string Version
    {
        get
        {
            var assembly = typeof(Cli).Assembly;
            var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
            var version = informational ?? assembly.GetName().Version?.ToString() ?? "0.0.0";
            var plus = version.IndexOf('+', StringComparison.Ordinal);
            return plus < 0 ? version : version[..plus];
        }
    }

    internal static RootCommand BuildRootCommand(CliContext context)
    {
        var root = new RootCommand("mano: command line of the Mano ETSI NFV MANO orchestrator (Tacker-compatible grammar).");
        context.Options.AddTo(root);
        root.Add(VnfLcmCommands.Build(context));
        root.Add(VnfPackageCommands.Build(context));
        root.Add(VersionCommand.Build(context));
        return root;
    }
}
