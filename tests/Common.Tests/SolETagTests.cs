using Mano.Common;
using Microsoft.AspNetCore.Http;

namespace Mano.Common.Tests;

public sealed class SolETagTests
{
    private static HttpRequest Request(string header, string value)
    {
        var ctx = new DefaultHttpContext();
        ctx.Request.Headers[header] = value;
        return ctx.Request;
    }

    [Fact]
    public void ETags_are_strong_quoted_and_change_with_the_version_and_the_resource()
    {
        var e1 = SolETag.FromVersion("a", 1);
        Assert.StartsWith("\"", e1);
        Assert.EndsWith("\"", e1);
        Assert.NotEqual(e1, SolETag.FromVersion("a", 2));
        Assert.NotEqual(e1, SolETag.FromVersion("b", 1));
        Assert.Equal(e1, SolETag.FromVersion("a", 1));
    }

    [Fact]
    public void If_Match_accepts_the_current_tag_a_list_containing_it_star_and_absence()
    {
        var etag = SolETag.FromVersion("a", 3);
        SolETag.CheckIfMatch(new DefaultHttpContext().Request, etag);
        SolETag.CheckIfMatch(Request("If-Match", etag), etag);
        SolETag.CheckIfMatch(Request("If-Match", $"\"zz\", {etag}"), etag);
        SolETag.CheckIfMatch(Request("If-Match", "*"), etag);
    }

    [Fact]
    public void If_Match_with_a_stale_or_weak_tag_is_412()
    {
        var etag = SolETag.FromVersion("a", 3);
        var stale = Assert.Throws<PreconditionFailedProblem>(() => SolETag.CheckIfMatch(Request("If-Match", SolETag.FromVersion("a", 2)), etag));
        Assert.Equal(412, stale.Status);
        Assert.Contains("GET it again", stale.Message);
        Assert.Throws<PreconditionFailedProblem>(() => SolETag.CheckIfMatch(Request("If-Match", "W/" + etag), etag));
        Assert.Throws<BadRequestProblem>(() => SolETag.CheckIfMatch(Request("If-Match", "no-quotes"), etag));
    }

    [Fact]
    public void If_None_Match_detects_an_unchanged_representation()
    {
        var etag = SolETag.FromVersion("a", 3);
        Assert.True(SolETag.IsNotModified(Request("If-None-Match", "W/" + etag), etag));
        Assert.False(SolETag.IsNotModified(Request("If-None-Match", SolETag.FromVersion("a", 4)), etag));
        Assert.False(SolETag.IsNotModified(new DefaultHttpContext().Request, etag));
    }
}
