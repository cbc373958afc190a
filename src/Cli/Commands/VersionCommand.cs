using System.CommandLine;

namespace Mano.Cli.Commands;

/// <summary><c>mano version</c>: the version of this command line (Mano's own version is the server's business).</summary>
internal static class VersionCommand
{
    public static Command Build(CliContext context)
    {
        var version = new Command("version", "Print the version of the mano command line");
        version.SetAction(_ =>
        {
            context.Stdout.WriteLine($"mano {Cli.Version}");
            return Cli.Success;
        });
        return version;
    }
}
