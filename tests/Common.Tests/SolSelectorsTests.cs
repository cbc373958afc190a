using System.Text.Json.Nodes;
using Mano.Common;
using Microsoft.AspNetCore.Http;

namespace Mano.Common.Tests;

public sealed class SolSelectorsTests
{
    private static JsonObject Instance() => JsonNode.Parse("""
        {"id":"i1","vnfdId":"d","vnfProvider":"p","vnfProductName":"n","vnfSoftwareVersion":"1","vnfdVersion":"1",
         "instantiationState":"INSTANTIATED","vimConnectionInfo":{"v":{"vimType":"x"}},
         "instantiatedVnfInfo":{"flavourId":"simple","vnfcResourceInfo":[{"id":"c1","vduId":"VDU1","metadata":{"a":1}},{"id":"c2","vduId":"VDU2"}]},
         "metadata":{"k":"v"},"_links":{"self":{"href":"h"}}}
        """)!.AsObject();

    private static JsonObject Apply(string query, SolResource? resource = null)
    {
        var obj = Instance();
        SolSelectors.Parse(new QueryCollection(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query)), resource ?? SolResources.VnfInstance).Apply(obj);
        return obj;
    }

    [Fact]
    public void Without_selectors_the_default_exclude_set_is_excluded()
    {
        var o = Apply("");
        Assert.False(o.ContainsKey("instantiatedVnfInfo"));
        Assert.False(o.ContainsKey("vimConnectionInfo"));
        Assert.False(o.ContainsKey("metadata"));
        Assert.True(o.ContainsKey("_links"));
        Assert.Equal("INSTANTIATED", o["instantiationState"]!.GetValue<string>());
        Assert.Equal(o.ToJsonString(), Apply("?exclude_default").ToJsonString());
    }

    [Fact]
    public void All_fields_keeps_everything() => Assert.Equal(Instance().ToJsonString(), Apply("?all_fields").ToJsonString());

    [Fact]
    public void Fields_keeps_the_listed_complex_attributes_only()
    {
        var o = Apply("?fields=instantiatedVnfInfo");
        Assert.True(o.ContainsKey("instantiatedVnfInfo"));
        Assert.False(o.ContainsKey("metadata"));
        Assert.True(o.ContainsKey("vnfdId"));
        Assert.True(o.ContainsKey("_links"));
        var both = Apply("?fields=metadata&exclude_default");
        Assert.True(both.ContainsKey("metadata"));
        Assert.False(both.ContainsKey("instantiatedVnfInfo"));
    }

    [Fact]
    public void Exclude_fields_removes_exactly_the_listed_paths_also_nested_through_arrays()
    {
        var o = Apply("?exclude_fields=metadata,instantiatedVnfInfo/vnfcResourceInfo/metadata");
        Assert.False(o.ContainsKey("metadata"));
        Assert.True(o.ContainsKey("vimConnectionInfo"));
        var vnfcs = o["instantiatedVnfInfo"]!["vnfcResourceInfo"]!.AsArray();
        Assert.All(vnfcs, v => Assert.Null(v!["metadata"]));
        Assert.Equal("VDU1", vnfcs[0]!["vduId"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("?all_fields&fields=metadata", "\"all_fields\" cannot be combined")]
    [InlineData("?all_fields&exclude_default", "\"all_fields\" cannot be combined")]
    [InlineData("?fields=metadata&exclude_fields=metadata", "\"fields\" and \"exclude_fields\"")]
    [InlineData("?exclude_fields=metadata&exclude_default", "\"exclude_fields\" and \"exclude_default\"")]
    [InlineData("?fields=nosuch", "'nosuch' is not an attribute of VnfInstance")]
    [InlineData("?exclude_fields=a,,b", "empty attribute name")]
    public void Conflicting_or_unknown_selectors_are_400(string query, string message) =>
        Assert.Contains(message, Assert.Throws<BadRequestProblem>(() => Apply(query)).Message);

    [Fact]
    public void Resources_without_selectors_ignore_them()
    {
        var o = Apply("?all_fields&fields=x", SolResources.LccnSubscription);
        Assert.Equal(Instance().ToJsonString(), o.ToJsonString());
    }
}
