using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mano.Contracts;

// ETSI GS NFV-SOL 013 common data types used by every SOL API.

/// <summary>SOL013 clause 6.3: the error body of every SOL API ("application/problem+json").</summary>
public sealed record ProblemDetails
{
    public string? Type { get; init; }
    public string? Title { get; init; }
    public required int Status { get; init; }
    public required string Detail { get; init; }
    public string? Instance { get; init; }
}

/// <summary>SOL013 clause 8.3 "Link".</summary>
public sealed record Link(string Href);

/// <summary>SOL013 "NotificationLink" (same shape as Link; the href is the producer's URI).</summary>
public sealed record NotificationLink(string Href);

/// <summary>SOL013 clause 9.3 ApiVersionInformation.</summary>
public sealed record ApiVersionInformation(string UriPrefix, IReadOnlyList<ApiVersion> ApiVersions);

public sealed record ApiVersion(string Version, bool? IsDeprecated = null, DateTimeOffset? RetirementDate = null);

/// <summary>SOL013 clause 8.3.4 SubscriptionAuthentication (credentials are write-only: never serialised back).</summary>
public sealed record SubscriptionAuthentication
{
    public IReadOnlyList<string> AuthType { get; init; } = [];
    public SubscriptionParamsBasic? ParamsBasic { get; init; }
    public SubscriptionParamsOauth2ClientCredentials? ParamsOauth2ClientCredentials { get; init; }
}

public sealed record SubscriptionParamsBasic(string? UserName, string? Password);

public sealed record SubscriptionParamsOauth2ClientCredentials(string? ClientId, string? ClientPassword, string? TokenEndpoint);

/// <summary>JSON conventions of the SOL APIs: camelCase, nulls omitted, enums as their SOL names.</summary>
public static class SolJson
{
    public static readonly JsonSerializerOptions Options = Create();

    public static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        return options;
    }

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException($"null {typeof(T).Name}");
}
