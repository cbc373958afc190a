using Mano.Common;
using Mano.Nfvo;
using Mano.Vnfm;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Mano.Common.Tests;

public sealed class SqliteVnfmDatabase()
    : SqliteTestDatabase<VnfmDbContext, VnfmSqliteDbContext>("vnfm", VnfmRegistration.Schema, (o, t) => new(o, t)), IAsyncLifetime;

public sealed class PostgresVnfmDatabase()
    : PostgresTestDatabase<VnfmDbContext, VnfmPostgresDbContext>("vnfm", VnfmRegistration.Schema, (o, t) => new(o, t)), IAsyncLifetime;

public sealed class SqliteNfvoDatabase()
    : SqliteTestDatabase<NfvoDbContext, NfvoSqliteDbContext>("nfvo", NfvoRegistration.Schema, (o, t) => new(o, t)), IAsyncLifetime;

public sealed class PostgresNfvoDatabase()
    : PostgresTestDatabase<NfvoDbContext, NfvoPostgresDbContext>("nfvo", NfvoRegistration.Schema, (o, t) => new(o, t)), IAsyncLifetime;

public sealed class SqliteQueryTests(SqliteVnfmDatabase vnfm, SqliteNfvoDatabase nfvo)
    : SolQueryDatabaseTests(vnfm, nfvo, "mano_json_match"), IClassFixture<SqliteVnfmDatabase>, IClassFixture<SqliteNfvoDatabase>;

public sealed class PostgresQueryTests(PostgresVnfmDatabase vnfm, PostgresNfvoDatabase nfvo)
    : SolQueryDatabaseTests(vnfm, nfvo, "jsonb_path_exists"), IClassFixture<PostgresVnfmDatabase>, IClassFixture<PostgresNfvoDatabase>;

/// <summary>
/// The SOL013 query layer on the VNFM's and NFVO's real, migrated schemas: every filter is translated to SQL (EF Core
/// does not evaluate a Where clause on the client: an untranslatable one throws) and paging is keyset in the database.
/// </summary>
public abstract class SolQueryDatabaseTests(ITestDatabase<VnfmDbContext> vnfm, ITestDatabase<NfvoDbContext> nfvo, string jsonFunction)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly DateTime T0 = new(2025, 3, 1, 10, 0, 0, DateTimeKind.Utc);

    private async Task<string> SeedInstancesAsync()
    {
        var tenant = "t-" + Guid.NewGuid().ToString("N");
        await using var db = vnfm.NewContext(tenant);
        db.VnfInstances.AddRange(
            Instance(tenant, "a", "alpha", "INSTANTIATED", 0,
                """{"flavourId":"simple","vnfState":"STARTED","extCpInfo":[],"scaleStatus":[{"aspectId":"a1","scaleLevel":2}],"vnfcResourceInfo":[{"id":"c1","vduId":"VDU1","computeResource":{"resourceId":"r1"}},{"id":"c2","vduId":"VDU2","computeResource":{"resourceId":"r2"}}]}""",
                """{"tier":"gold","n":5,"on":true}"""),
            Instance(tenant, "b", "beta,x", "NOT_INSTANTIATED", 1, null, """{"tier":"silver"}"""),
            Instance(tenant, "c", null, "INSTANTIATED", 2,
                """{"flavourId":"big","vnfState":"STOPPED","extCpInfo":[],"vnfcResourceInfo":[{"id":"c3","vduId":"VDU3","computeResource":{"resourceId":"r3"}}]}""",
                null));
        await db.SaveChangesAsync(Ct);
        // Another tenant's instance, identical in every filtered attribute: never visible.
        await using var other = vnfm.NewContext("other-" + tenant);
        other.VnfInstances.Add(Instance("other-" + tenant, "z", "alpha", "INSTANTIATED", 0, null, null));
        await other.SaveChangesAsync(Ct);
        return tenant;
    }

    private static VnfInstanceRecord Instance(string tenant, string id, string? name, string state, int minutes, string? info, string? metadata) => new()
    {
        Id = $"{id}-{tenant}", TenantId = tenant, VnfInstanceName = name, VnfdId = "vnfd-1", VnfPkgId = "pkg-1", VnfProvider = "Company",
        VnfProductName = "Sample", VnfSoftwareVersion = "1.0", VnfdVersion = "1.0", InstantiationState = state,
        InstantiatedVnfInfo = info, Metadata = metadata, CreatedAt = T0.AddMinutes(minutes),
        VimConnectionInfo = info is null ? null : """{"vim1":{"vimType":"ETSINFV.OPENSTACK_KEYSTONE.V_3","accessInfo":{"password":"secret"}}}""",
    };

    private async Task<List<string>> InstanceNamesAsync(string tenant, string filter)
    {
        await using var db = vnfm.NewContext(tenant);
        var rows = await SolQuery.Filter(db.VnfInstances.AsNoTracking(), SolResources.VnfInstance, filter).OrderBy(i => i.CreatedAt).ToListAsync(Ct);
        return rows.Select(r => r.Id.Split('-')[0]).ToList();
    }

    [Theory]
    [InlineData("(eq,instantiationState,INSTANTIATED)", "a,c")]
    [InlineData("(in,instantiationState,NOT_INSTANTIATED,NO_SUCH)", "b")]
    [InlineData("(nin,instantiationState,NOT_INSTANTIATED)", "a,c")]
    [InlineData("(neq,vnfInstanceName,alpha)", "b,c")]
    [InlineData("(eq,vnfInstanceName,'beta,x')", "b")]
    [InlineData("(cont,vnfInstanceName,et,lph)", "a,b")]
    [InlineData("(ncont,vnfInstanceName,et)", "a,c")]
    [InlineData("(eq,instantiatedVnfInfo/flavourId,simple)", "a")]
    [InlineData("(neq,instantiatedVnfInfo/flavourId,simple)", "b,c")]
    [InlineData("(eq,instantiatedVnfInfo/vnfcResourceInfo/vduId,VDU2)", "a")]
    [InlineData("(in,instantiatedVnfInfo/vnfcResourceInfo/vduId,VDU3,VDU9)", "c")]
    [InlineData("(neq,instantiatedVnfInfo/vnfcResourceInfo/vduId,VDU1)", "b,c")]
    [InlineData("(cont,instantiatedVnfInfo/vnfcResourceInfo/vduId,DU3)", "c")]
    [InlineData("(ncont,instantiatedVnfInfo/vnfcResourceInfo/vduId,DU3)", "a,b")]
    [InlineData("(gte,instantiatedVnfInfo/scaleStatus/scaleLevel,2)", "a")]
    [InlineData("(gt,instantiatedVnfInfo/scaleStatus/scaleLevel,2)", "")]
    [InlineData("(lt,instantiatedVnfInfo/scaleStatus/scaleLevel,2.5)", "a")]
    [InlineData("(eq,instantiatedVnfInfo/vnfcResourceInfo/computeResource/resourceId,r3)", "c")]
    [InlineData("(eq,metadata/tier,gold)", "a")]
    [InlineData("(in,metadata/tier,silver,bronze)", "b")]
    [InlineData("(eq,metadata/n,5)", "a")]
    [InlineData("(gt,metadata/n,4)", "a")]
    [InlineData("(eq,metadata/on,true)", "a")]
    [InlineData("(eq,vimConnectionInfo/vim1/vimType,ETSINFV.OPENSTACK_KEYSTONE.V_3)", "a,c")]
    [InlineData("(eq,instantiationState,INSTANTIATED);(nin,instantiatedVnfInfo/flavourId,big)", "a")]
    [InlineData("(eq,vnfdId,vnfd-1);(eq,vnfProvider,Company);(eq,vnfSoftwareVersion,1.0)", "a,b,c")]
    public async Task Filters_VNF_instances_in_the_database(string filter, string expected)
    {
        var tenant = await SeedInstancesAsync();
        Assert.Equal(expected, string.Join(',', await InstanceNamesAsync(tenant, filter)));
    }

    [Fact]
    public async Task JSON_attributes_are_filtered_by_a_database_function_not_in_memory()
    {
        await using var db = vnfm.NewContext("t");
        var sql = SolQuery.Filter(db.VnfInstances.AsNoTracking(), SolResources.VnfInstance, "(eq,instantiatedVnfInfo/vnfcResourceInfo/vduId,VDU2)").ToQueryString();
        Assert.Contains(jsonFunction, sql);
        var paged = SolQuery.Filter(db.VnfInstances.AsNoTracking(), SolResources.VnfInstance, "(neq,metadata/tier,gold)").OrderBy(i => i.Id).Skip(1).Take(2);
        var pagedSql = paged.ToQueryString();
        Assert.Contains(jsonFunction, pagedSql);
        Assert.Contains("LIMIT", pagedSql);
    }

    [Theory]
    [InlineData("(eq,nosuch,x)", "'nosuch' is not a filterable attribute of VnfInstance")]
    [InlineData("(gt,vnfInstanceName,a)", "the operator 'gt' does not apply to 'vnfInstanceName', a string")]
    [InlineData("(cont,instantiationState,INST)", "does not apply to 'instantiationState', a enum")]
    [InlineData("(gt,instantiatedVnfInfo/scaleStatus/scaleLevel,abc)", "'abc' is not a valid number value")]
    [InlineData("(eq,vimConnectionInfo/vim1/accessInfo/password,secret)", "not a filterable attribute")]
    public async Task Unknown_attributes_inapplicable_operators_and_bad_values_are_400(string filter, string message)
    {
        await using var db = vnfm.NewContext("t");
        var e = Assert.Throws<BadRequestProblem>(() => SolQuery.Filter(db.VnfInstances.AsNoTracking(), SolResources.VnfInstance, filter));
        Assert.Contains(message, e.Message);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Operation_occurrences_filter_on_dates_booleans_and_JSON_error_details()
    {
        var tenant = "t-" + Guid.NewGuid().ToString("N");
        await using (var db = vnfm.NewContext(tenant))
        {
            for (var i = 0; i < 3; i++)
                db.VnfLcmOpOccs.Add(new VnfLcmOpOccRecord
                {
                    Id = $"op{i}-{tenant}", TenantId = tenant, VnfInstanceId = "inst", Operation = i == 2 ? "TERMINATE" : "INSTANTIATE",
                    OperationState = i == 1 ? "FAILED_TEMP" : "COMPLETED", StartTime = T0.AddHours(i), StateEnteredTime = T0.AddHours(i),
                    IsAutomaticInvocation = i == 0,
                    Error = i == 1 ? """{"status":500,"detail":"VIM unreachable"}""" : null,
                });
            await db.SaveChangesAsync(Ct);
        }
        async Task<string> Ids(string filter)
        {
            await using var db = vnfm.NewContext(tenant);
            var rows = await SolQuery.Filter(db.VnfLcmOpOccs.AsNoTracking(), SolResources.VnfLcmOpOcc, filter).OrderBy(o => o.StartTime).ToListAsync(Ct);
            return string.Join(',', rows.Select(r => r.Id.Split('-')[0]));
        }
        Assert.Equal("op1,op2", await Ids("(gt,startTime,2025-03-01T10:30:00Z)"));
        Assert.Equal("op0,op1", await Ids("(lte,startTime,2025-03-01T11:00:00Z)"));
        Assert.Equal("op1,op2", await Ids("(eq,isAutomaticInvocation,false)"));
        Assert.Equal("op1", await Ids("(eq,error/status,500);(cont,error/detail,unreachable)"));
        Assert.Equal("op2", await Ids("(eq,operation,TERMINATE)"));
        Assert.Contains("not a valid boolean", Assert.Throws<BadRequestProblem>(() => SolQuery.Filter(
            vnfm.NewContext(tenant).VnfLcmOpOccs, SolResources.VnfLcmOpOcc, "(eq,isAutomaticInvocation,maybe)")).Message);
        Assert.Contains("RFC 3339", Assert.Throws<BadRequestProblem>(() => SolQuery.Filter(
            vnfm.NewContext(tenant).VnfLcmOpOccs, SolResources.VnfLcmOpOcc, "(gt,startTime,yesterday)")).Message);
    }

    [Fact]
    public async Task Subscriptions_filter_on_their_stored_filter()
    {
        var tenant = "t-" + Guid.NewGuid().ToString("N");
        await using (var db = vnfm.NewContext(tenant))
        {
            db.Subscriptions.Add(new LccnSubscriptionRecord { Id = "s1-" + tenant, TenantId = tenant, CallbackUri = "http://a/cb", Verbosity = "FULL", CreatedAt = T0,
                Filter = """{"notificationTypes":["VnfLcmOperationOccurrenceNotification"],"operationStates":["COMPLETED"]}""" });
            db.Subscriptions.Add(new LccnSubscriptionRecord { Id = "s2-" + tenant, TenantId = tenant, CallbackUri = "http://b/cb", Verbosity = "SHORT", CreatedAt = T0.AddSeconds(1) });
            await db.SaveChangesAsync(Ct);
        }
        await using var read = vnfm.NewContext(tenant);
        var hits = await SolQuery.Filter(read.Subscriptions.AsNoTracking(), SolResources.LccnSubscription,
            "(eq,filter/notificationTypes,VnfLcmOperationOccurrenceNotification)").ToListAsync(Ct);
        Assert.Equal("s1-" + tenant, Assert.Single(hits).Id);
        Assert.Equal("s2-" + tenant, Assert.Single(await SolQuery.Filter(read.Subscriptions.AsNoTracking(), SolResources.LccnSubscription,
            "(eq,verbosity,SHORT);(cont,callbackUri,//b/)").ToListAsync(Ct)).Id);
    }

    [Fact]
    public async Task VNF_packages_filter_on_columns_checksum_vnfmInfo_and_userDefinedData()
    {
        var tenant = "t-" + Guid.NewGuid().ToString("N");
        await using (var db = nfvo.NewContext(tenant))
        {
            db.VnfPackages.Add(new VnfPackage { Id = "p1-" + tenant, TenantId = tenant, OnboardingState = "ONBOARDED", OperationalState = "ENABLED",
                UsageState = "NOT_IN_USE", VnfdId = "d1-" + tenant, ChecksumAlgorithm = "SHA-256", ChecksumHash = "ab", VnfmInfo = """["vnfm-1","vnfm-2"]""",
                UserDefinedData = """{"owner":"me","size":3}""", CreatedAt = T0, UpdatedAt = T0 });
            db.VnfPackages.Add(new VnfPackage { Id = "p2-" + tenant, TenantId = tenant, OnboardingState = "CREATED", OperationalState = "DISABLED",
                UsageState = "NOT_IN_USE", CreatedAt = T0.AddSeconds(1), UpdatedAt = T0 });
            await db.SaveChangesAsync(Ct);
        }
        async Task<string> Ids(string filter)
        {
            await using var db = nfvo.NewContext(tenant);
            var rows = await SolQuery.Filter(db.VnfPackages.AsNoTracking(), SolResources.VnfPkgInfo, filter).OrderBy(p => p.CreatedAt).ToListAsync(Ct);
            return string.Join(',', rows.Select(r => r.Id.Split('-')[0]));
        }
        Assert.Equal("p1", await Ids("(eq,vnfmInfo,vnfm-2)"));
        Assert.Equal("p2", await Ids("(neq,vnfmInfo,vnfm-2)"));
        Assert.Equal("p1", await Ids("(eq,checksum/algorithm,SHA-256)"));
        Assert.Equal("p1", await Ids("(eq,userDefinedData/owner,me);(gte,userDefinedData/size,3)"));
        Assert.Equal("p2", await Ids("(in,onboardingState,CREATED,UPLOADING)"));
        Assert.Equal("p1,p2", await Ids("(eq,usageState,NOT_IN_USE)"));
    }

    // ---- paging ------------------------------------------------------------------------------------------------

    private static HttpRequest Request(string query, int pageSize = 2, string? key = null)
    {
        var services = new ServiceCollection().AddSingleton(new SolQueryOptions { PageSize = pageSize, PagingKey = key }).BuildServiceProvider();
        var ctx = new DefaultHttpContext { RequestServices = services };
        ctx.Request.Scheme = "http";
        ctx.Request.Host = new HostString("mano.example:8080");
        ctx.Request.Path = "/vnflcm/v2/vnf_instances";
        ctx.Request.QueryString = new QueryString(query);
        return ctx.Request;
    }

    private static string MarkerOf(string link) =>
        Uri.UnescapeDataString(link.Split("nextpage_opaque_marker=")[1]);

    [Fact]
    public async Task Pages_follow_the_Link_marker_in_the_database_and_keep_the_filter()
    {
        var tenant = await SeedInstancesAsync();
        await using var db = vnfm.NewContext(tenant);
        var filter = "?filter=" + Uri.EscapeDataString("(neq,vnfInstanceName,zzz)") + "&exclude_default";
        var first = (SolListResult)await SolQuery.ListAsync(Request(filter), db.VnfInstances.AsNoTracking(), SolResources.VnfInstance, r => new { r.Id }, Ct);
        Assert.Equal(["a", "b"], first.Body.Select(n => n!["id"]!.GetValue<string>().Split('-')[0]));
        Assert.NotNull(first.NextLink);
        Assert.StartsWith("http://mano.example:8080/vnflcm/v2/vnf_instances?filter=", first.NextLink);
        Assert.Contains("&exclude_default&nextpage_opaque_marker=", first.NextLink);

        var marker = MarkerOf(first.NextLink);
        var second = (SolListResult)await SolQuery.ListAsync(Request(filter + "&nextpage_opaque_marker=" + Uri.EscapeDataString(marker)),
            db.VnfInstances.AsNoTracking(), SolResources.VnfInstance, r => new { r.Id }, Ct);
        Assert.Equal(["c"], second.Body.Select(n => n!["id"]!.GetValue<string>().Split('-')[0]));
        Assert.Null(second.NextLink);

        // Rows with the same timestamp are paged by id: nothing is skipped or repeated.
        await using (var more = vnfm.NewContext(tenant))
        {
            for (var i = 0; i < 5; i++) more.VnfInstances.Add(Instance(tenant, $"s{i}", "same", "NOT_INSTANTIATED", 10, null, null));
            await more.SaveChangesAsync(Ct);
        }
        var seen = new List<string>();
        string? next = "";
        var pages = 0;
        while (next is not null)
        {
            var q = "?filter=" + Uri.EscapeDataString("(eq,vnfInstanceName,same)") + (next.Length > 0 ? "&nextpage_opaque_marker=" + Uri.EscapeDataString(MarkerOf(next)) : "");
            var page = (SolListResult)await SolQuery.ListAsync(Request(q), db.VnfInstances.AsNoTracking(), SolResources.VnfInstance, r => new { r.Id }, Ct);
            seen.AddRange(page.Body.Select(n => n!["id"]!.GetValue<string>().Split('-')[0]));
            next = page.NextLink;
            pages++;
        }
        Assert.Equal(["s0", "s1", "s2", "s3", "s4"], seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task A_tampered_foreign_or_misused_marker_is_400()
    {
        var tenant = await SeedInstancesAsync();
        await using var db = vnfm.NewContext(tenant);
        var first = (SolListResult)await SolQuery.ListAsync(Request(""), db.VnfInstances.AsNoTracking(), SolResources.VnfInstance, r => new { r.Id }, Ct);
        var marker = MarkerOf(first.NextLink!);

        async Task<string> Fails(string query, SolResource? resource = null, string? key = null) =>
            (await Assert.ThrowsAsync<BadRequestProblem>(async () =>
            {
                if (resource == SolResources.VnfLcmOpOcc)
                    await SolQuery.ListAsync(Request(query, key: key), db.VnfLcmOpOccs.AsNoTracking(), SolResources.VnfLcmOpOcc, r => new { r.Id }, Ct);
                else
                    await SolQuery.ListAsync(Request(query, key: key), db.VnfInstances.AsNoTracking(), SolResources.VnfInstance, r => new { r.Id }, Ct);
            })).Message;

        var tampered = (marker[0] == 'A' ? 'B' : 'A') + marker[1..];
        Assert.Contains("signature does not match", await Fails("?nextpage_opaque_marker=" + Uri.EscapeDataString(tampered)));
        Assert.Contains("not a marker this server issued", await Fails("?nextpage_opaque_marker=garbage"));
        Assert.Contains("another \"filter\"", await Fails("?filter=(eq,vnfdId,x)&nextpage_opaque_marker=" + Uri.EscapeDataString(marker)));
        Assert.Contains("not of VnfLcmOpOcc", await Fails("?nextpage_opaque_marker=" + Uri.EscapeDataString(marker), SolResources.VnfLcmOpOcc));
        Assert.Contains("another Sol013:PagingKey", await Fails("?nextpage_opaque_marker=" + Uri.EscapeDataString(marker), key: "other-secret"));
        Assert.Contains("given 2 times", await Fails("?filter=(eq,id,a)&filter=(eq,id,b)"));
        Assert.Contains("cannot be combined", await Fails("?all_fields&exclude_default"));
    }
}
