using System.CommandLine;
using Mano.Contracts;

namespace Mano.Cli.Commands;

/// <summary><c>mano vnf package ...</c>: Tacker's <c>openstack vnf package</c> (SOL005 VNF package management, vnfpkgm/v2).</summary>
internal static class VnfPackageCommands
{
    /// <summary>Tacker's labels for VnfPkgInfo attributes (python-tackerclient osc/v1/vnfpkgm).</summary>
    internal static readonly IReadOnlyDictionary<string, string> Labels = new Dictionary<string, string>
    {
        ["id"] = "ID",
        ["vnfdId"] = "VNFD ID",
        ["vnfProvider"] = "VNF Provider",
        ["vnfProductName"] = "VNF Product Name",
        ["vnfSoftwareVersion"] = "VNF Software Version",
        ["vnfdVersion"] = "VNFD Version",
        ["checksum"] = "Checksum",
        ["packageSecurityOption"] = "Package Security Option",
        ["softwareImages"] = "Software Images",
        ["additionalArtifacts"] = "Additional Artifacts",
        ["onboardingState"] = "Onboarding State",
        ["operationalState"] = "Operational State",
        ["usageState"] = "Usage State",
        ["vnfmInfo"] = "VNFM Info",
        ["userDefinedData"] = "User Defined Data",
        ["onboardingFailureDetails"] = "Onboarding Failure Details",
        ["_links"] = "Links",
    };

    internal static readonly Column<VnfPkgInfo>[] ListColumns =
    [
        new("Id", p => p.Id),
        new("Vnf Product Name", p => p.VnfProductName),
        new("Onboarding State", p => p.OnboardingState),
        new("Usage State", p => p.UsageState),
        new("Operational State", p => p.OperationalState),
    ];

    public static Command Build(CliContext context)
    {
        var list = new Command("list", "List VNF packages");
        list.SetAction((parse, ct) => context.RunAsync(parse, async (client, output, token) =>
        {
            var packages = await client.ListVnfPackagesAsync(token).ConfigureAwait(false);
            output.List(packages.Raw, () => packages.Value, ListColumns);
        }, ct));

        var id = new Argument<string>("vnf-package") { Description = "VNF package ID" };
        var show = new Command("show", "Show VNF package details") { id };
        show.SetAction((parse, ct) => context.RunAsync(parse, async (client, output, token) =>
        {
            var package = await client.GetVnfPackageAsync(parse.GetRequiredValue(id), token).ConfigureAwait(false);
            output.Show(package.Raw, Labels);
        }, ct));

        var packageCommand = new Command("package", "VNF package management (ETSI NFV-SOL005)") { list, show, ValidateCommand.Build(context) };
        return new Command("vnf", "VNF commands") { packageCommand };
    }
}
