using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mano.VimAdapters;

/// <summary>One resource inside the sandbox (a flat row; the fields that matter depend on <see cref="Kind"/>).</summary>
internal sealed class SandboxEntry
{
    public string Id { get; set; } = "";
    public long Seq { get; set; }
    public VimResourceKind Kind { get; set; }
    public string TenantId { get; set; } = "";
    public string Name { get; set; } = "";
    public Dictionary<string, string> Tags { get; set; } = new(StringComparer.Ordinal);
    public DateTimeOffset CreatedAt { get; set; }

    // Compute
    public int Vcpus { get; set; }
    public long RamMiB { get; set; }
    public string? ImageName { get; set; }
    public string? ZoneId { get; set; }
    /// <summary>Power state of a server: null or ACTIVE (running), SHUTOFF (stopped).</summary>
    public string? PowerState { get; set; }
    /// <summary>How the server was last stopped: "graceful", or "forced" (asked so, or the graceful timeout expired).</summary>
    public string? LastStop { get; set; }

    // Network
    public bool Shared { get; set; }

    // Subnet (NetworkId also for ports)
    public string? NetworkId { get; set; }
    public string? Cidr { get; set; }
    public int IpVersion { get; set; }
    public string? GatewayIp { get; set; }

    // Port (ServerId also for volumes)
    public string? SubnetId { get; set; }
    public string? IpAddress { get; set; }
    public string? MacAddress { get; set; }
    public string? ServerId { get; set; }

    // Volume
    public long SizeBytes { get; set; }

    [JsonIgnore]
    public long SizeGiB => (SizeBytes + SandboxCloud.GiB - 1) / SandboxCloud.GiB;
}

/// <summary>The persisted form of a <see cref="SandboxCloud"/>.</summary>
internal sealed class SandboxState
{
    public const string FormatName = "mano-sandbox-vim";
    public const int CurrentVersion = 1;

    public string? Format { get; set; }
    public int Version { get; set; }
    public string? Cloud { get; set; }
    public long NextCidrIndex { get; set; }
    public long NextMacIndex { get; set; }
    public Dictionary<string, SandboxQuota>? Quotas { get; set; }
    public List<SandboxEntry>? Resources { get; set; }
    /// <summary>Service function chain resources (port pairs, groups, flow classifiers, chains); absent in older files.</summary>
    public List<SandboxSfcEntry>? SfcResources { get; set; }

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    };
}
