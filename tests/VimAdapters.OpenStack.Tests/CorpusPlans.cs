using Mano.Contracts;
using Mano.Contracts.Messages;
using Mano.Tosca;
using Mano.Vnfm;

namespace Mano.VimAdapters.OpenStack.Tests;

/// <summary>Resource plans made by the VNFM's own ResourcePlanner from real packages of the Tacker corpus.</summary>
public static class CorpusPlans
{
    public const string Tenant = "tenant-os-it";

    public static KnownVnfd Load(string package)
    {
        var dir = RepoPaths.Tacker(package);
        var csar = CsarReader.ReadDirectory(dir).Package ?? throw new InvalidOperationException($"{dir} could not be read");
        var files = csar.VnfdFilePaths.ToDictionary(p => p, csar.ReadFile);
        var parsed = VnfdParser.Parse(files, csar.EntryDefinitions);
        if (parsed.Vnfd is not { } vnfd || parsed.HasErrors)
            throw new InvalidOperationException($"{package}: " + string.Join("; ", parsed.Diagnostics.Select(d => d.ToString())));
        var onboarded = new OnboardedVnfPackage("pkg-" + package, vnfd.DescriptorId, vnfd.Provider, vnfd.ProductName,
            vnfd.SoftwareVersion, vnfd.DescriptorVersion, PackageOperationalState.Enabled, csar.EntryDefinitions, files);
        return new KnownVnfd(onboarded, vnfd);
    }

    /// <summary>
    /// <see cref="Load"/> plus the package's BaseHOT/** Heat templates, as the NFVO hands them to the VNFM (ADR-0015):
    /// plans of it are for Heat mode.
    /// </summary>
    public static KnownVnfd LoadWithHeat(string package)
    {
        var known = Load(package);
        var dir = RepoPaths.Tacker(package);
        var heat = Directory.EnumerateFiles(Path.Combine(dir, "BaseHOT"), "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(dir, f).Replace('\\', '/'), File.ReadAllBytes);
        return known with { Package = known.Package with { HeatTemplates = heat } };
    }

    /// <summary>
    /// The instantiate plan of <paramref name="package"/>'s flavour, every external CP connected to
    /// <paramref name="extNetworkId"/> (as an InstantiateVnfRequest's extVirtualLinks would).
    /// </summary>
    public static LcmPlan Instantiate(KnownVnfd known, string flavourId, string vnfInstanceId, string opOccId, string extNetworkId, string? levelId = null,
        System.Text.Json.Nodes.JsonObject? additionalParams = null)
    {
        var flavour = known.Vnfd.FindFlavour(flavourId) ?? throw new InvalidOperationException($"no flavour {flavourId}");
        var extCpds = flavour.ExtCps.Select(e => e.CpdId)
            .Concat(flavour.VduCps.Where(c => c.VirtualLinkId is null).Select(c => c.Id)).Distinct().ToList();
        var request = new InstantiateVnfRequest
        {
            FlavourId = flavourId,
            InstantiationLevelId = levelId,
            AdditionalParams = additionalParams,
            ExtVirtualLinks = extCpds.Count == 0 ? null :
            [
                new ExtVirtualLinkData { Id = "ext-1", ResourceId = extNetworkId, ExtCps = extCpds.Select(c => new VnfExtCpData { CpdId = c }).ToList() },
            ],
        };
        return ResourcePlanner.PlanInstantiate(Tenant, vnfInstanceId, opOccId, known, request);
    }

    public static VnfDeploymentFlavour Flavour(KnownVnfd known, LcmPlan plan) => known.Vnfd.FindFlavour(plan.FlavourId)!;

    /// <summary>The test cloud has no Cinder: plans of packages with virtual storage run without their volumes (a separate test proves the clear refusal).</summary>
    /// <remarks>
    /// A VDU that boots from a virtual storage with its own sw_image (helloworld's VDU2: boot from volume) gets that
    /// storage's image as its boot image instead: without Cinder there is no boot volume to make.
    /// </remarks>
    public static LcmPlan WithoutVolumes(LcmPlan plan, VnfDeploymentFlavour flavour)
    {
        var computes = plan.Resources.Computes.Select(c =>
        {
            if (c.ImageName is not null) return c;
            var vdu = flavour.Vdus.Single(v => v.Id == c.VduId);
            var storageImage = flavour.VirtualStorages.Where(s => vdu.VirtualStorageIds.Contains(s.Id)).Select(s => s.SwImage?.Name).FirstOrDefault(n => n is not null);
            return c with { ImageName = storageImage };
        }).ToList();
        return plan with { Resources = plan.Resources with { Volumes = [], Computes = computes } };
    }
}
