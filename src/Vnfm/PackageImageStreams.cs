using MassTransit;
using Mano.Common;
using Mano.Contracts.Messages;
using Mano.VimAdapters;

namespace Mano.Vnfm;

/// <summary>
/// Gives the software images of a plan their bytes: for each image whose file is in the VNF package, an opener of a
/// read-only stream that pulls the file from the NFVO's package store in 4 MiB chunks over the bus
/// (<see cref="GetVnfPackageArtifactChunk"/>), so a multi-GiB image never sits in memory or in one message. The VNFM
/// knows the NFVO only through the bus; the driver knows only the opener.
/// </summary>
public sealed class PackageImageStreams(IClientFactory clients)
{
    public const int ChunkBytes = 4 << 20;
    private static readonly RequestTimeout Timeout = RequestTimeout.After(s: 60);

    /// <summary>
    /// The plan with an opener on every image whose file the package holds (the NFVO answers its length). An image whose
    /// file is not in the package keeps no opener: the driver then looks it up by name in the VIM.
    /// </summary>
    /// <remarks>
    /// Only OpenStack VIMs take image files (Glance); on the other VIM types (sandbox, Kubernetes: container images) the
    /// plan is returned as it is, without asking the NFVO anything, so an NFVO that serves no artifact chunks (an external
    /// NFVO over REST) costs those VIMs nothing.
    /// </remarks>
    public async Task<VnfResourcePlan> AttachAsync(VnfResourcePlan plan, string vimType, string tenantId, string vnfdId, CancellationToken ct)
    {
        if (vimType != VimTypes.OpenStack) return plan;
        var paths = plan.Computes.Select(c => c.Image?.ArtifactPath).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (paths.Count == 0) return plan;
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            var probe = await ChunkAsync(tenantId, vnfdId, path, 0, 0, ct);
            if (probe.Problem is null) present.Add(path);
            else if (probe.Problem.Status != 404) throw ProblemOf(probe.Problem, path);
        }
        return plan with
        {
            Computes = plan.Computes.Select(c => c.Image is { ArtifactPath: { } p } image && present.Contains(p)
                ? c with { Image = image with { Open = _ => Task.FromResult<Stream>(new ArtifactChunkStream(this, tenantId, vnfdId, p)) } }
                : c).ToList(),
        };
    }

    internal async Task<VnfPackageArtifactChunk> ChunkAsync(string tenantId, string vnfdId, string path, long offset, int count, CancellationToken ct)
    {
        try
        {
            var response = await clients.CreateRequestClient<GetVnfPackageArtifactChunk>()
                .GetResponse<VnfPackageArtifactChunk>(new GetVnfPackageArtifactChunk(tenantId, vnfdId, path, offset, count), ct, Timeout);
            return response.Message;
        }
        catch (RequestTimeoutException)
        {
            throw new ServiceUnavailableProblem($"The NFVO did not answer for bytes {offset}.. of \"{path}\" of VNFD {vnfdId} in time; retry the operation.");
        }
    }

    internal static Exception ProblemOf(Mano.Contracts.ProblemDetails problem, string path) =>
        new IOException($"Reading \"{path}\" from the VNF package failed: {problem.Detail ?? problem.Title ?? $"status {problem.Status}"}");
}

/// <summary>A forward-only, read-only stream over one package file, fetched chunk by chunk on demand (one chunk held at a time).</summary>
public sealed class ArtifactChunkStream : Stream
{
    private readonly PackageImageStreams _source;
    private readonly string _tenantId, _vnfdId, _path;
    private byte[] _chunk = [];
    private int _chunkPos;
    private long _position;
    private long _length = -1;

    internal ArtifactChunkStream(PackageImageStreams source, string tenantId, string vnfdId, string path) =>
        (_source, _tenantId, _vnfdId, _path) = (source, tenantId, vnfdId, path);

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    /// <summary>Known once the first chunk arrived (HTTP uploads then go chunked, which Glance accepts).</summary>
    public override long Length => _length >= 0 ? _length : throw new NotSupportedException("the length is known after the first read");
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length == 0) return 0;
        if (_chunkPos >= _chunk.Length)
        {
            if (_length >= 0 && _position >= _length) return 0;
            var next = await _source.ChunkAsync(_tenantId, _vnfdId, _path, _position, PackageImageStreams.ChunkBytes, cancellationToken).ConfigureAwait(false);
            if (next.Problem is not null) throw PackageImageStreams.ProblemOf(next.Problem, _path);
            _length = next.TotalLength;
            if (next.Data.Length == 0)
            {
                if (_position < _length) throw new IOException($"\"{_path}\" ended at byte {_position} of {_length}");
                return 0;
            }
            (_chunk, _chunkPos) = (next.Data, 0);
        }
        var n = Math.Min(buffer.Length, _chunk.Length - _chunkPos);
        _chunk.AsMemory(_chunkPos, n).CopyTo(buffer);
        _chunkPos += n;
        _position += n;
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
