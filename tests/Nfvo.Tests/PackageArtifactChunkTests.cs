using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using MassTransit;
using Mano.Contracts;
using Mano.Contracts.Messages;
using Microsoft.Extensions.DependencyInjection;

namespace Mano.Nfvo.Tests;

/// <summary>
/// GetVnfPackageArtifactChunk over the bus (the VNFM's way to stream a package's software image into a VIM): byte
/// ranges of the stored CSAR's image file, only the package's listed files, only the tenant's packages.
/// </summary>
public abstract class PackageArtifactChunkTests(NfvoTestHost host)
{
    private const string Root = "/vnfpkgm/v2/vnf_packages";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly string _tenant = "chunk-" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>Onboards helloworld with <paramref name="image"/> as its cirros image file (the test host takes CSARs up to 4 MiB).</summary>
    private async Task OnboardAsync(byte[] image)
    {
        var client = host.Client(_tenant);
        var created = await client.PostAsJsonAsync(Root, new { }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = SolJson.Deserialize<VnfPkgInfo>(await created.Content.ReadAsStringAsync(Ct)).Id;
        var content = new ByteArrayContent(Csars.ZipDirectory(Csars.HelloWorldDirectory, [(Csars.CirrosImage, image)]));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        Assert.Equal(HttpStatusCode.Accepted, (await client.PutAsync($"{Root}/{id}/package_content", content, Ct)).StatusCode);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var info = SolJson.Deserialize<VnfPkgInfo>(await client.GetStringAsync($"{Root}/{id}", Ct));
            if (info.OnboardingState == PackageOnboardingState.Onboarded) return;
            Assert.True(info.OnboardingState is PackageOnboardingState.Processing or PackageOnboardingState.Uploading && DateTime.UtcNow < deadline,
                $"onboarding ended {info.OnboardingState}: {info.OnboardingFailureDetails?.Detail}");
            await Task.Delay(50, Ct);
        }
    }

    private async Task<VnfPackageArtifactChunk> ChunkAsync(string tenant, string path, long offset, int count, string vnfdId = Csars.HelloWorldVnfdId)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var client = scope.ServiceProvider.GetRequiredService<IRequestClient<GetVnfPackageArtifactChunk>>();
        return (await client.GetResponse<VnfPackageArtifactChunk>(new GetVnfPackageArtifactChunk(tenant, vnfdId, path, offset, count), Ct)).Message;
    }

    [Fact]
    public async Task The_image_file_is_served_in_ranges_and_nothing_outside_the_package_listing()
    {
        var image = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 5);
        await OnboardAsync(image);

        // 1 MiB at a time, as the VNFM's stream pulls them: the pieces make the file
        using var all = new MemoryStream();
        const int size = 1 << 20;
        for (long offset = 0; ; offset += size)
        {
            var chunk = await ChunkAsync(_tenant, Csars.CirrosImage, offset, size);
            Assert.Null(chunk.Problem);
            Assert.Equal(image.LongLength, chunk.TotalLength);
            if (chunk.Data.Length == 0) break;
            all.Write(chunk.Data);
        }
        Assert.Equal(SHA256.HashData(image), SHA256.HashData(all.ToArray()));
        var middle = await ChunkAsync(_tenant, Csars.CirrosImage, 1_000_001, 17);
        Assert.Equal(image[1_000_001..1_000_018], middle.Data);
        var probe = await ChunkAsync(_tenant, Csars.CirrosImage, 0, 0);
        Assert.Equal((0, image.LongLength, (ProblemDetails?)null), (probe.Data.Length, probe.TotalLength, probe.Problem));

        // only listed files: not the VNFD, not TOSCA.meta, no path tricks; other tenants see nothing
        foreach (var bad in new[] { "Definitions/helloworld3_top.vnfd.yaml", "TOSCA-Metadata/TOSCA.meta", "Files/images/../images/cirros-0.5.2-x86_64-disk.img",
                     "/" + Csars.CirrosImage, "Files/images/nothing.img" })
            Assert.Equal(404, (await ChunkAsync(_tenant, bad, 0, 10)).Problem?.Status);
        var foreign = await ChunkAsync("another-" + _tenant, Csars.CirrosImage, 0, 10);
        Assert.Equal(404, foreign.Problem?.Status);
        Assert.Empty(foreign.Data);
        Assert.Equal(404, (await ChunkAsync(_tenant, Csars.CirrosImage, 0, 10, vnfdId: Guid.NewGuid().ToString())).Problem?.Status);

        // ranges: too big a chunk or a negative offset is refused
        Assert.Equal(422, (await ChunkAsync(_tenant, Csars.CirrosImage, 0, GetVnfPackageArtifactChunkConsumer.MaxChunkBytes + 1)).Problem?.Status);
        Assert.Equal(422, (await ChunkAsync(_tenant, Csars.CirrosImage, -1, 10)).Problem?.Status);
    }
}

public sealed class SqlitePackageArtifactChunkTests(SqliteNfvoTestHost host) : PackageArtifactChunkTests(host), IClassFixture<SqliteNfvoTestHost>;

public sealed class PostgresPackageArtifactChunkTests(PostgresNfvoTestHost host) : PackageArtifactChunkTests(host), IClassFixture<PostgresNfvoTestHost>;
