using Mano.Common;

namespace Mano.Common.Tests;

public sealed class SolFilterParserTests
{
    [Fact]
    public void Parses_expressions_joined_by_semicolons_with_nested_paths_and_value_lists()
    {
        var f = SolFilter.Parse("(eq,vnfInstanceName,x);(in,instantiationState,A,B);(neq,instantiatedVnfInfo/vnfcResourceInfo/vduId,VDU1)");
        Assert.Equal(3, f.Terms.Count);
        Assert.Equal(new SolFilterTerm(SolFilterOperator.Eq, ["vnfInstanceName"], ["x"]).ToString(), f.Terms[0].ToString());
        Assert.Equal(SolFilterOperator.In, f.Terms[1].Operator);
        Assert.Equal(["A", "B"], f.Terms[1].Values);
        Assert.Equal(["instantiatedVnfInfo", "vnfcResourceInfo", "vduId"], f.Terms[2].Path);
        Assert.True(f.Terms[2].IsNegative);
    }

    [Theory]
    [InlineData("eq"), InlineData("neq"), InlineData("gt"), InlineData("gte"), InlineData("lt"), InlineData("lte"),
     InlineData("in"), InlineData("nin"), InlineData("cont"), InlineData("ncont")]
    public void Knows_every_SOL013_operator(string op) =>
        Assert.Equal(op, SolFilter.Name(Assert.Single(SolFilter.Parse($"({op},a,1)").Terms).Operator));

    [Fact]
    public void Quoted_values_may_hold_commas_parentheses_semicolons_and_doubled_quotes()
    {
        var f = SolFilter.Parse("(in,vnfInstanceName,'a,b','c)d','it''s;x','');(eq,b,'(x)')");
        Assert.Equal(["a,b", "c)d", "it's;x", ""], f.Terms[0].Values);
        Assert.Equal("(x)", f.Terms[1].Values[0]);
    }

    [Theory]
    [InlineData("plain-VNF_A-0"), InlineData("a,b"), InlineData("c)d"), InlineData("it's;x"), InlineData("(x)")]
    public void Value_writes_what_Parse_reads_back(string value)
    {
        Assert.Equal(value, Assert.Single(Assert.Single(SolFilter.Parse($"(eq,a,{SolFilter.Value(value)})").Terms).Values));
        Assert.Equal(value.IndexOfAny([',', ')', '\'', ';']) >= 0, SolFilter.Value(value).StartsWith('\''));
    }

    [Theory]
    [InlineData("", "the filter is empty")]
    [InlineData("eq,a,b", "expected '(' to start an expression")]
    [InlineData("(like,a,b)", "unknown operator 'like'")]
    [InlineData("(eq,a)", "expected ',' and a value after the attribute 'a'")]
    [InlineData("(eq,,b)", "expected an attribute name")]
    [InlineData("(eq,a/,b)", "expected an attribute name")]
    [InlineData("(eq,a,b", "expected ')' to end the expression")]
    [InlineData("(eq,a,b)(eq,c,d)", "expected ';' between two expressions")]
    [InlineData("(eq,a,b);", "expected an expression after ';'")]
    [InlineData("(eq,a,'b)", "unterminated quoted value")]
    [InlineData("(eq,a,it's)", "must be enclosed in single quotes")]
    [InlineData("(eq,a,)", "empty value")]
    [InlineData("(eq,a,'b'c)", "expected ',' or ')' after a quoted value")]
    [InlineData("(eq,a,b,c)", "takes exactly one value")]
    [InlineData("(gt,a,1,2)", "takes exactly one value")]
    public void Malformed_filters_are_400_with_a_precise_message(string filter, string message)
    {
        var e = Assert.Throws<BadRequestProblem>(() => SolFilter.Parse(filter));
        Assert.Equal(400, e.Status);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void The_message_gives_the_position()
    {
        var e = Assert.Throws<BadRequestProblem>(() => SolFilter.Parse("(eq,a,b);(foo,c,d)"));
        Assert.Contains("position 11", e.Message);
    }
}
