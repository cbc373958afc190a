using Mano.Contracts;

namespace Mano.Vnfm.Tests;

public sealed class LcmNotifierTests
{
    private static readonly VnfLcmOpOccRecord Op = new()
    {
        Id = "op-1", TenantId = "t", VnfInstanceId = "vnf-1", Operation = LcmOperationType.Instantiate,
        OperationState = LcmOperationState.Processing,
    };

    private static VnfInstanceRecord Instance(string? name = "web-1") => new()
    {
        Id = "vnf-1", TenantId = "t", VnfInstanceName = name, VnfdId = "vnfd-1", VnfPkgId = "pkg", VnfProvider = "p",
        VnfProductName = "n", VnfSoftwareVersion = "1", VnfdVersion = "1", InstantiationState = InstantiationState.NotInstantiated,
    };

    private static bool Matches(LifecycleChangeNotificationsFilter? filter, VnfInstanceRecord? instance = null) =>
        LcmNotifier.Matches(filter, Op, instance ?? Instance());

    [Fact]
    public void No_filter_and_an_empty_filter_match_everything()
    {
        Assert.True(Matches(null));
        Assert.True(Matches(new LifecycleChangeNotificationsFilter()));
        Assert.True(Matches(new LifecycleChangeNotificationsFilter
        {
            NotificationTypes = [], OperationTypes = [], OperationStates = [],
            VnfInstanceSubscriptionFilter = new VnfInstanceSubscriptionFilter { VnfdIds = [], VnfInstanceIds = [], VnfInstanceNames = [] },
        }));
    }

    [Fact]
    public void NotificationTypes_filter_matches_only_when_it_lists_the_op_occ_notification()
    {
        Assert.True(Matches(new() { NotificationTypes = ["VnfIdentifierCreationNotification", LcmNotifier.OpOccNotification] }));
        Assert.False(Matches(new() { NotificationTypes = ["VnfIdentifierCreationNotification"] }));
    }

    [Fact]
    public void OperationTypes_filter_matches_the_operation()
    {
        Assert.True(Matches(new() { OperationTypes = [LcmOperationType.Instantiate] }));
        Assert.False(Matches(new() { OperationTypes = [LcmOperationType.Terminate, LcmOperationType.Scale] }));
    }

    [Fact]
    public void OperationStates_filter_matches_the_current_state()
    {
        Assert.True(Matches(new() { OperationStates = [LcmOperationState.Processing, LcmOperationState.Completed] }));
        Assert.False(Matches(new() { OperationStates = [LcmOperationState.Completed] }));
    }

    [Fact]
    public void VnfdIds_filter_matches_the_instance_vnfd()
    {
        Assert.True(Matches(new() { VnfInstanceSubscriptionFilter = new() { VnfdIds = ["vnfd-1"] } }));
        Assert.False(Matches(new() { VnfInstanceSubscriptionFilter = new() { VnfdIds = ["vnfd-2"] } }));
    }

    [Fact]
    public void VnfInstanceIds_filter_matches_the_instance_id()
    {
        Assert.True(Matches(new() { VnfInstanceSubscriptionFilter = new() { VnfInstanceIds = ["vnf-0", "vnf-1"] } }));
        Assert.False(Matches(new() { VnfInstanceSubscriptionFilter = new() { VnfInstanceIds = ["vnf-2"] } }));
    }

    [Fact]
    public void VnfInstanceNames_filter_matches_the_name_and_never_an_unnamed_instance()
    {
        Assert.True(Matches(new() { VnfInstanceSubscriptionFilter = new() { VnfInstanceNames = ["web-1"] } }));
        Assert.False(Matches(new() { VnfInstanceSubscriptionFilter = new() { VnfInstanceNames = ["web-2"] } }));
        Assert.False(Matches(new() { VnfInstanceSubscriptionFilter = new() { VnfInstanceNames = ["web-1"] } }, Instance(name: null)));
    }

    [Fact]
    public void Every_attribute_of_a_filter_must_match()
    {
        var filter = new LifecycleChangeNotificationsFilter
        {
            NotificationTypes = [LcmNotifier.OpOccNotification],
            OperationTypes = [LcmOperationType.Instantiate],
            OperationStates = [LcmOperationState.Processing],
            VnfInstanceSubscriptionFilter = new() { VnfdIds = ["vnfd-1"], VnfInstanceIds = ["vnf-1"], VnfInstanceNames = ["web-1"] },
        };
        Assert.True(Matches(filter));
        Assert.False(Matches(filter with { VnfInstanceSubscriptionFilter = filter.VnfInstanceSubscriptionFilter with { VnfInstanceNames = ["other"] } }));
        Assert.False(Matches(filter with { OperationStates = [LcmOperationState.Starting] }));
    }
}
