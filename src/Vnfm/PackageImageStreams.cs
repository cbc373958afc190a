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
    /// The plan with an opener on every image that names a file of the package. Nothing is asked of the NFVO here: only a
    /// driver that needs the bytes opens the image (OpenStack, when Glance has no image with the same checksum), and the
    /// opener then asks the NFVO. A file the package does not hold opens as <see cref="FileNotFoundException"/>: the driver
    /// then looks the image up by name in the VIM.
    /// </summary>
    public VnfResourcePlan Attach(VnfResourcePlan plan, string tenantId, string vnfdId) => plan with
    {
        Computes = plan.Computes.Select(c => c.Image is { ArtifactPath: { } path } image
            ? c with { Image = image with { Open = ct => OpenAsync(tenantId, vnfdId, path, ct) } }
            : c).ToList(),
    };

    private async Task<Stream> OpenAsync(string tenantId, string vnfdId, string path, CancellationToken ct)
    {
        var probe = await ChunkAsync(tenantId, vnfdId, path, 0, 0, ct);
        if (probe.Problem is { Status: 404 }) throw new FileNotFoundException($"The VNF package of VNFD {vnfdId} has no file \"{path}\".", path);
        if (probe.Problem is not null) throw ProblemOf(probe.Problem, path);
        return new ArtifactChunkStream(this, tenantId, vnfdId, path);
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
