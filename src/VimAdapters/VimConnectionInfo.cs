namespace Mano.VimAdapters;

/// <summary>
/// How to reach one VIM (SOL003 <c>VimConnectionInfo</c>). <see cref="AccessInfo"/> holds secrets
/// (passwords, tokens): never log it and never return it from an API.
/// </summary>
public sealed record VimConnectionInfo(
    string VimId,
    string VimType,
    IReadOnlyDictionary<string, string> InterfaceInfo,
    IReadOnlyDictionary<string, string> AccessInfo)
{
    /// <summary>Never prints <see cref="AccessInfo"/> values (records print every property by default).</summary>
    public override string ToString() =>
        $"VimConnectionInfo {{ VimId = {VimId}, VimType = {VimType}, InterfaceInfo = [{string.Join(", ", InterfaceInfo.Select(kv => $"{kv.Key}={kv.Value}"))}], AccessInfo = [{string.Join(", ", AccessInfo.Keys)}] (values hidden) }}";
}

/// <summary>The <c>vimType</c> values Mano's drivers serve (SOL003 / Tacker spelling).</summary>
public static class VimTypes
{
    public const string Sandbox = "MANO.SANDBOX.V_1";
    public const string OpenStack = "ETSINFV.OPENSTACK_KEYSTONE.V_3";
    public const string Kubernetes = "ETSINFV.KUBERNETES.V_1";
}
