using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Mano.VimAdapters.OpenStack;

public sealed record GlanceImage(string Id, string Name, string Status, string? Checksum, string? OsHashAlgo, string? OsHashValue, long? Size, List<string>? Tags, string? Visibility)
{
    /// <summary>The image property Mano sets on the images it uploads: the VNFD's declared checksum, "algorithm:hash".</summary>
    [System.Text.Json.Serialization.JsonPropertyName(GlanceClient.ChecksumProperty)]
    public string? ManoSwImageChecksum { get; init; }

    [System.Text.Json.Serialization.JsonPropertyName("updated_at")]
    public DateTimeOffset? UpdatedAt { get; init; }
}


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

    /// <summary>Image property holding the VNFD's sw_image_data checksum ("sha-256:ab12..." normalised to "sha256:ab12...").</summary>
    public const string ChecksumProperty = "mano_sw_image_checksum";

    /// <summary>
    /// Ensures a VNF package's software image (SOL001 sw_image_data) in the project: an ACTIVE image with the same
    /// content is reused (Mano's <see cref="ChecksumProperty"/>, or Glance's own <c>os_hash_algo</c>/<c>os_hash_value</c>
    /// or md5 <c>checksum</c> equal to the declared one); otherwise the image is created with the VNFD's formats and
    /// minimums and the file streamed from <paramref name="open"/> into it (never held in memory). The uploaded bytes are
    /// hashed on the way and checked against the declared checksum: a mismatch deletes the image and fails.
    /// Images are shared by every VNF instance of the project and outlive them. An upload an earlier attempt left
    /// unfinished (not active, same checksum property, untouched for <see cref="OpenStackOptions.ResourceTimeout"/>) is deleted.
    /// </summary>
    public async Task<GlanceImage> EnsurePackageImageAsync(PlannedImage image, Func<CancellationToken, Task<Stream>> open, CancellationToken ct)
    {
        const string op = "glance.ensure_package_image";
        var algorithm = NormaliseAlgorithm(image.ChecksumAlgorithm);
        var hash = image.ChecksumHash?.Trim().ToLowerInvariant();
        if (algorithm is null || string.IsNullOrEmpty(hash))
        {
            // SOL001 makes checksum mandatory; without one, hash the file first (a streamed pass) so reuse still works.
            algorithm = "sha512";
            await using var first = await open(ct).ConfigureAwait(false);
            using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
            await CopyHashingAsync(first, Stream.Null, h, ct).ConfigureAwait(false);
            hash = Convert.ToHexStringLower(h.GetHashAndReset());
        }
        var property = $"{algorithm}:{hash}";

        var all = await ListImagesAsync(ct).ConfigureAwait(false);
        var same = all.FirstOrDefault(i => i.Status == "active" && (i.ManoSwImageChecksum == property
            || (i.OsHashAlgo is { } a && NormaliseAlgorithm(a) == algorithm && string.Equals(i.OsHashValue, hash, StringComparison.OrdinalIgnoreCase))
            || (algorithm == "md5" && string.Equals(i.Checksum, hash, StringComparison.OrdinalIgnoreCase))));
        if (same is not null) return same;
        var staleBefore = DateTimeOffset.UtcNow - _s.Options.ResourceTimeout;
        foreach (var stale in all.Where(i => i.ManoSwImageChecksum == property && i.Status is "queued" or "saving" or "killed" && i.UpdatedAt < staleBefore))
            await DeleteImageAsync(stale.Id, ct).ConfigureAwait(false);

        var body = new JsonObject
        {
            ["name"] = image.Name, ["disk_format"] = (image.DiskFormat ?? "raw").ToLowerInvariant(),
            ["container_format"] = (image.ContainerFormat ?? "bare").ToLowerInvariant(), ["visibility"] = "private",
            [ChecksumProperty] = property,
        };
        if (!string.IsNullOrEmpty(image.Version)) body["mano_sw_image_version"] = image.Version;
        // SOL001 min_disk / min_ram are sizes in bytes; Glance wants GiB and MiB (rounded up).
        if (image.MinDiskBytes is > 0 and var disk) body["min_disk"] = (int)((disk + (1L << 30) - 1) >> 30);
        if (image.MinRamBytes is > 0 and var ram) body["min_ram"] = (int)((ram + (1L << 20) - 1) >> 20);
        using var hasher = HashOf(algorithm);
        GlanceImage created;
        // Opened before the image is created: a file that cannot be read leaves no queued image behind.
        var source = await open(ct).ConfigureAwait(false);
        await using (source.ConfigureAwait(false))
        {
            created = await _s.SendAsync<GlanceImage>("glance.create_image", Svc, HttpMethod.Post, "/images", body, "", ct).ConfigureAwait(false);
            var content = hasher is null ? source : new HashingReadStream(source, hasher);
            var used = false;
            var (status, text) = await _s.SendRawAsync("glance.upload_image", Svc, HttpMethod.Put, $"/images/{created.Id}/file", () =>
            {
                // The stream is read once: a second send (token renewal) cannot replay it.
                if (used) throw new VimException("glance.upload_image", $"the upload of image {created.Id} was refused (token rejected); retry the operation");
                used = true;
                var c = new StreamContent(content, 1 << 20);
                c.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
                return c;
            }, null, ct).ConfigureAwait(false);
            if ((int)status is < 200 or > 299)
            {
                await DeleteImageAsync(created.Id, ct).ConfigureAwait(false);
                throw OpenStackErrors.FromResponse("glance.upload_image", HttpMethod.Put, "image", $"/images/{created.Id}/file", status, text);
            }
        }
        if (hasher is not null && Convert.ToHexStringLower(hasher.GetHashAndReset()) is var actual && actual != hash)
        {
            await DeleteImageAsync(created.Id, ct).ConfigureAwait(false);
            throw new VimException(op, $"the file of software image '{image.Name}' ({image.ArtifactPath}) has {algorithm} {actual}, not the {hash} its VNFD declares; the image was not kept");
        }
        return await _s.WaitAsync(op, $"image {created.Id} to become active", _s.Options.ResourceTimeout, async () =>
        {
            var now = await GetImageAsync(created.Id, ct).ConfigureAwait(false) ?? throw new VimException(op, $"image {created.Id} vanished during upload");
            if (now.Status is "killed" or "deleted") throw new VimException(op, $"image {created.Id} went to {now.Status} during upload");
            return now.Status == "active" ? now : null;
        }, ct).ConfigureAwait(false);
    }

    /// <summary>"SHA-256", "sha_256", "sha256" -> "sha256" (SOL001 / SOL004 spell them with a dash, Glance without).</summary>
    internal static string? NormaliseAlgorithm(string? algorithm) =>
        string.IsNullOrWhiteSpace(algorithm) ? null : algorithm.Trim().ToLowerInvariant().Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);

    private static IncrementalHash? HashOf(string algorithm) => algorithm switch
    {
        "sha256" => IncrementalHash.CreateHash(HashAlgorithmName.SHA256),
        "sha384" => IncrementalHash.CreateHash(HashAlgorithmName.SHA384),
        "sha512" => IncrementalHash.CreateHash(HashAlgorithmName.SHA512),
        "sha1" => IncrementalHash.CreateHash(HashAlgorithmName.SHA1),
        "md5" => IncrementalHash.CreateHash(HashAlgorithmName.MD5),
        _ => null, // an algorithm .NET does not offer: the bytes are not verified here
    };

    private static async Task CopyHashingAsync(Stream from, Stream to, IncrementalHash hash, CancellationToken ct)
    {
        var buffer = new byte[1 << 20];
        int n;
        while ((n = await from.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
        {
            hash.AppendData(buffer, 0, n);
            await to.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
        }
    }

    /// <summary>Passes a stream through, hashing what is read.</summary>
    private sealed class HashingReadStream(Stream inner, IncrementalHash hash) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            hash.AppendData(buffer.Span[..n]);
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = inner.Read(buffer, offset, count);
            hash.AppendData(buffer, offset, n);
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    public async Task DeleteImageAsync(string id, CancellationToken ct) =>
        await _s.SendAsync("glance.delete_image", Svc, HttpMethod.Delete, "/images/" + id, null, ct, notFoundIsNull: true).ConfigureAwait(false);
}
