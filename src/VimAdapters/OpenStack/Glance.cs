using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Mano.VimAdapters.OpenStack;

public sealed record GlanceImage(string Id, string Name, string Status, string? Checksum, string? OsHashAlgo, string? OsHashValue, long? Size, List<string>? Tags, string? Visibility);

/// <summary>A software image to put into Glance (SOL001 sw_image_data): name, formats and the file's content.</summary>
public sealed record SoftwareImageUpload(string Name, string DiskFormat, string ContainerFormat, IReadOnlyList<string> Tags, int? MinDiskGiB = null, int? MinRamMiB = null);

/// <summary>Glance (image v2) over REST: find, create, upload, reuse by checksum or name, delete.</summary>
public sealed class GlanceClient(OpenStackSession session)
{
    private static readonly string[] Svc = OpenStackServiceTypes.Image;
    private readonly OpenStackSession _s = session;

    public async Task<IReadOnlyList<GlanceImage>> ListImagesAsync(CancellationToken ct, string? name = null, IEnumerable<string>? tags = null)
    {
        var q = new List<string> { "limit=1000" };
        if (name is not null) q.Add("name=" + Uri.EscapeDataString(name));
        foreach (var t in tags ?? []) q.Add("tag=" + Uri.EscapeDataString(t));
        var node = await _s.SendAsync("glance.list_images", Svc, HttpMethod.Get, "/images?" + string.Join("&", q), null, ct).ConfigureAwait(false);
        return OpenStackSession.Read<List<GlanceImage>>("glance.list_images", node, "images");
    }

    public async Task<GlanceImage?> GetImageAsync(string id, CancellationToken ct)
    {
        var node = await _s.SendAsync("glance.get_image", Svc, HttpMethod.Get, "/images/" + id, null, ct, notFoundIsNull: true).ConfigureAwait(false);
        return node is null ? null : OpenStackSession.Read<GlanceImage>("glance.get_image", node, "");
    }

    /// <summary>The id of an ACTIVE image named <paramref name="name"/> (or with that id); a clear error when none or several.</summary>
    public async Task<GlanceImage> FindImageAsync(string nameOrId, CancellationToken ct)
    {
        var named = (await ListImagesAsync(ct, name: nameOrId).ConfigureAwait(false)).Where(i => i.Status == "active").ToList();
        if (named.Count == 1) return named[0];
        if (named.Count > 1)
            throw new VimException("glance.find_image", $"{named.Count} active images are named '{nameOrId}' ({string.Join(", ", named.Select(i => i.Id))}); name one by id");
        if (Guid.TryParse(nameOrId, out _) && await GetImageAsync(nameOrId, ct).ConfigureAwait(false) is { Status: "active" } byId) return byId;
        throw new VimException("glance.find_image", $"no active image named '{nameOrId}' is visible to the project (upload the package's software image first)");
    }

    /// <summary>
    /// Ensures the image: an active image with the same content (sha512 <c>os_hash_value</c>, or md5 <c>checksum</c>) or,
    /// failing that, the same name and size is reused; else the image is created (with <paramref name="spec"/>'s tags) and
    /// <paramref name="content"/> uploaded, then awaited ACTIVE. A half-made image of an earlier attempt (queued, same
    /// name and tags) is deleted first.
    /// </summary>
    public async Task<GlanceImage> EnsureImageAsync(SoftwareImageUpload spec, Func<Stream> content, CancellationToken ct)
    {
        const string op = "glance.ensure_image";
        string sha512, md5;
        long size;
        using (var s = content())
        {
            using var h512 = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
            using var hmd5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
            var buffer = new byte[81920];
            int n;
            size = 0;
            while ((n = await s.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
            {
                h512.AppendData(buffer, 0, n);
                hmd5.AppendData(buffer, 0, n);
                size += n;
            }
            sha512 = Convert.ToHexStringLower(h512.GetHashAndReset());
            md5 = Convert.ToHexStringLower(hmd5.GetHashAndReset());
        }
        var all = await ListImagesAsync(ct).ConfigureAwait(false);
        var same = all.FirstOrDefault(i => i.Status == "active" && (i.OsHashValue == sha512 || (i.OsHashValue is null && i.Checksum == md5)));
        if (same is not null) return same;
        foreach (var stale in all.Where(i => i.Name == spec.Name && i.Status is "queued" or "saving" or "importing" && spec.Tags.All(t => i.Tags?.Contains(t) == true)))
            await DeleteImageAsync(stale.Id, ct).ConfigureAwait(false);

        var body = new JsonObject
        {
            ["name"] = spec.Name, ["disk_format"] = spec.DiskFormat, ["container_format"] = spec.ContainerFormat, ["visibility"] = "private",
            ["tags"] = new JsonArray(spec.Tags.Select(t => (JsonNode)JsonValue.Create(t)!).ToArray()),
        };
        if (spec.MinDiskGiB is not null) body["min_disk"] = spec.MinDiskGiB;
        if (spec.MinRamMiB is not null) body["min_ram"] = spec.MinRamMiB;
        var image = await _s.SendAsync<GlanceImage>("glance.create_image", Svc, HttpMethod.Post, "/images", body, "", ct).ConfigureAwait(false);
        var (status, text) = await _s.SendRawAsync("glance.upload_image", Svc, HttpMethod.Put, $"/images/{image.Id}/file", () =>
        {
            var c = new StreamContent(content());
            c.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
            return c;
        }, null, ct).ConfigureAwait(false);
        if (status != HttpStatusCode.NoContent && (int)status is < 200 or > 299)
            throw OpenStackErrors.FromResponse("glance.upload_image", HttpMethod.Put, "image", $"/images/{image.Id}/file", status, text);
        return await _s.WaitAsync(op, $"image {image.Id} to become active", _s.Options.ResourceTimeout, async () =>
        {
            var now = await GetImageAsync(image.Id, ct).ConfigureAwait(false) ?? throw new VimException(op, $"image {image.Id} vanished during upload");
            if (now.Status is "killed" or "deleted") throw new VimException(op, $"image {image.Id} went to {now.Status} during upload");
            return now.Status == "active" ? now : null;
        }, ct).ConfigureAwait(false);
    }

    public async Task DeleteImageAsync(string id, CancellationToken ct) =>
        await _s.SendAsync("glance.delete_image", Svc, HttpMethod.Delete, "/images/" + id, null, ct, notFoundIsNull: true).ConfigureAwait(false);
}
