using System.CommandLine;
using Mano.Contracts;

namespace Mano.Cli.Commands;

/// <summary><c>mano vnflcm ...</c>: Tacker's <c>openstack vnflcm</c> (SOL003 VNF lifecycle management, vnflcm/v2).</summary>
internal static class VnfLcmCommands
{
    /// <summary>Tacker's labels for VnfInstance attributes (python-tackerclient osc/v1/vnflcm).</summary>
    internal static readonly IReadOnlyDictionary<string, string> Labels = new Dictionary<string, string>
    {
        ["id"] = "ID",
        ["vnfInstanceName"] = "VNF Instance Name",
        ["vnfInstanceDescription"] = "VNF Instance Description",
        ["vnfdId"] = "VNFD ID",
        ["vnfProvider"] = "VNF Provider",
        ["vnfProductName"] = "VNF Product Name",
        ["vnfSoftwareVersion"] = "VNF Software Version",
        ["vnfdVersion"] = "VNFD Version",
        ["instantiationState"] = "Instantiation State",
        ["instantiatedVnfInfo"] = "Instantiated Vnf Info",
        ["vimConnectionInfo"] = "VIM Connection Info",
        ["vnfConfigurableProperties"] = "VNF Configurable Properties",
        ["metadata"] = "Metadata",
        ["extensions"] = "Extensions",
        ["_links"] = "Links",
    };

    internal static readonly Column<VnfInstance>[] ListColumns =
    [
        new("ID", i => i.Id),
        new("VNF Instance Name", i => i.VnfInstanceName),
        new("Instantiation State", i => i.InstantiationState),
        new("VNF Provider", i => i.VnfProvider),
        new("VNF Software Version", i => i.VnfSoftwareVersion),
        new("VNF Product Name", i => i.VnfProductName),
        new("VNFD ID", i => i.VnfdId),
    ];

    public static Command Build(CliContext context)
    {
        var list = new Command("list", "List VNF instances");
        list.SetAction((parse, ct) => context.RunAsync(parse, async (client, output, token) =>
        {
            var instances = await client.ListVnfInstancesAsync(token).ConfigureAwait(false);
            output.List(instances.Raw, () => instances.Value, ListColumns);
        }, ct));

        var id = new Argument<string>("vnf-instance") { Description = "VNF instance ID to display" };
        var show = new Command("show", "Display VNF instance details") { id };
        show.SetAction((parse, ct) => context.RunAsync(parse, async (client, output, token) =>
        {
            var instance = await client.GetVnfInstanceAsync(parse.GetRequiredValue(id), token).ConfigureAwait(false);
            output.Show(instance.Raw, Labels);
        }, ct));

        return new Command("vnflcm", "VNF lifecycle management (ETSI NFV-SOL003)") { list, show };
    }
}
