using System.Text.Json.Nodes;
using Mano.Common;
using Mano.Contracts;
using Mano.Tosca;

namespace Mano.Vnfm;

/// <summary>
/// Validation and interpretation of LCM request bodies against the instance and its VNFD, shared by the API (which
/// answers 400/409/422 synchronously) and the worker (which plans from the same rules).
/// </summary>
public static class LcmRequests
{
    /// <summary>SOL003 5.4.5.3.1: the target scale levels of a SCALE request; 422 beyond max_scale_level or below 0.</summary>
    public static Dictionary<string, int> ScaleTarget(LcmPlan current, VnfDeploymentFlavour flavour, ScaleVnfRequest request)
    {
        if (request.Type is not ("SCALE_OUT" or "SCALE_IN"))
            throw new BadRequestProblem("type must be SCALE_OUT or SCALE_IN (SOL003 5.5.2.5).");
        if (string.IsNullOrWhiteSpace(request.AspectId)) throw new BadRequestProblem("aspectId is required (SOL003 5.5.2.5).");
        var steps = request.NumberOfSteps ?? 1;
        if (steps < 1) throw new BadRequestProblem("numberOfSteps must be a positive integer.");
        var aspect = flavour.ScalingAspects.FirstOrDefault(a => a.Id == request.AspectId)
                     ?? throw new UnprocessableProblem($"Flavour \"{flavour.FlavourId}\" has no scaling aspect \"{request.AspectId}\" (it has: {string.Join(", ", flavour.ScalingAspects.Select(a => a.Id))}).");
        var level = current.ScaleStatus.FirstOrDefault(s => s.AspectId == aspect.Id)?.ScaleLevel ?? 0;
        var target = request.Type == "SCALE_OUT" ? level + steps : level - steps;
        if (target > aspect.MaxScaleLevel)
            throw new UnprocessableProblem($"Scaling aspect \"{aspect.Id}\" out by {steps} step(s) from level {level} would exceed its max_scale_level {aspect.MaxScaleLevel}.");
        if (target < 0)
            throw new UnprocessableProblem($"Scaling aspect \"{aspect.Id}\" in by {steps} step(s) from level {level} would go below level 0.");
        return new Dictionary<string, int> { [aspect.Id] = target };
    }

    /// <summary>SOL003 5.4.6.3.1: the target scale levels of a SCALE_TO_LEVEL request (instantiationLevelId xor scaleInfo).</summary>
    public static Dictionary<string, int> ScaleToLevelTarget(VnfDeploymentFlavour flavour, ScaleVnfToLevelRequest request)
    {
        if ((request.InstantiationLevelId is null) == (request.ScaleInfo is null))
            throw new BadRequestProblem("Exactly one of instantiationLevelId and scaleInfo is required (SOL003 5.5.2.6).");
        if (request.InstantiationLevelId is not null)
        {
            var level = flavour.FindLevel(request.InstantiationLevelId)
                        ?? throw new UnprocessableProblem($"Flavour \"{flavour.FlavourId}\" has no instantiation level \"{request.InstantiationLevelId}\".");
            return flavour.ScalingAspects.ToDictionary(a => a.Id, a => level.ScaleLevels.GetValueOrDefault(a.Id));
        }
        var target = new Dictionary<string, int>();
        foreach (var info in request.ScaleInfo!)
        {
            var aspect = flavour.ScalingAspects.FirstOrDefault(a => a.Id == info.AspectId)
                         ?? throw new UnprocessableProblem($"Flavour \"{flavour.FlavourId}\" has no scaling aspect \"{info.AspectId}\".");
            if (info.ScaleLevel < 0 || info.ScaleLevel > aspect.MaxScaleLevel)
                throw new UnprocessableProblem($"scaleLevel {info.ScaleLevel} of aspect \"{aspect.Id}\" is outside 0..{aspect.MaxScaleLevel}.");
            target[aspect.Id] = info.ScaleLevel;
        }
        return target;
    }

    /// <summary>The VNFC ids of a heal request: vnfcInstanceId (SOL002 spelling), else additionalParams.vnfcInstanceId.</summary>
    public static List<string> HealVnfcIds(HealVnfRequest request)
    {
        if (request.VnfcInstanceId is { Count: > 0 } ids) return ids.ToList();
        if (request.AdditionalParams?["vnfcInstanceId"] is JsonArray array)
            return array.Select(n => n?.GetValue<string>()).OfType<string>().ToList();
        return [];
    }

    public static void ValidateExtLinks(VnfDeploymentFlavour flavour, IReadOnlyList<ExtVirtualLinkData>? links)
    {
        foreach (var cp in (links ?? []).SelectMany(l => l.ExtCps))
            if (flavour.ExtCps.All(e => e.CpdId != cp.CpdId && e.InternalCpdId != cp.CpdId))
                throw new UnprocessableProblem($"extVirtualLinks names cpdId \"{cp.CpdId}\", which is no external CP of flavour \"{flavour.FlavourId}\".");
    }
}

/// <summary>RFC 7396 JSON merge patch over the JSON-text columns (metadata, extensions, vnfConfigurableProperties).</summary>
public static class MergePatch
{
    /// <summary>The target after the patch, as JSON text (null when the result is null or an empty object removed).</summary>
    public static string? Apply(string? target, JsonNode? patch)
    {
        var result = Apply(target is null ? null : JsonNode.Parse(target), patch);
        return result?.ToJsonString();
    }

    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject) return patch?.DeepClone();
        var result = target is JsonObject o ? (JsonObject)o.DeepClone() : new JsonObject();
        foreach (var (key, value) in patchObject)
        {
            if (value is null) result.Remove(key);
            else result[key] = Apply(result[key], value);
        }
        return result;
    }

    public static JsonObject? Object(string? json) => json is null ? null : JsonNode.Parse(json) as JsonObject;
}
