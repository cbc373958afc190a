using Spectre.Console;
using Spectre.Console.Rendering;

namespace Mano.Cli;

/// <summary>
/// The border cliff/prettytable draws for OpenStack clients (Tacker's <c>openstack vnflcm list</c>):
/// '+' at every joint, '-' across, '|' down, so scripts that parse Tacker's tables parse Mano's.
/// </summary>
internal sealed class PrettyTableBorder : TableBorder
{
    public static readonly PrettyTableBorder Instance = new();

    public override string GetPart(TableBorderPart part) => part switch
    {
        TableBorderPart.HeaderTop or TableBorderPart.HeaderBottom or TableBorderPart.FooterTop
            or TableBorderPart.FooterBottom or TableBorderPart.RowCenter => "-",
        TableBorderPart.HeaderLeft or TableBorderPart.HeaderSeparator or TableBorderPart.HeaderRight
            or TableBorderPart.CellLeft or TableBorderPart.CellSeparator or TableBorderPart.CellRight => "|",
        _ => "+",
    };
}
