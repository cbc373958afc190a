using Mano.Contracts;

namespace Mano.Vnfm.Tests;

public sealed class LcmStateMachineTests
{
    private static VnfLcmOpOccRecord Op(string state) => new()
    {
        Id = "op", TenantId = "t", VnfInstanceId = "vnf", Operation = LcmOperationType.Instantiate, OperationState = state,
        StateEnteredTime = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc), Version = 7,
    };

    private static readonly string[] AllStates =
    [
        LcmOperationState.Starting, LcmOperationState.Processing, LcmOperationState.Completed, LcmOperationState.FailedTemp,
        LcmOperationState.Failed, LcmOperationState.RollingBack, LcmOperationState.RolledBack,
    ];

    /// <summary>SOL003 5.6.2.2 figure 5.6.2.2-1 (without the optional cancel arrows, which arrive with issue 4).</summary>
    private static readonly (string From, string To)[] Allowed =
    [
        (LcmOperationState.Starting, LcmOperationState.Processing),
        (LcmOperationState.Starting, LcmOperationState.RolledBack),
        (LcmOperationState.Processing, LcmOperationState.Completed),
        (LcmOperationState.Processing, LcmOperationState.FailedTemp),
        (LcmOperationState.FailedTemp, LcmOperationState.Processing),
        (LcmOperationState.FailedTemp, LcmOperationState.RollingBack),
        (LcmOperationState.FailedTemp, LcmOperationState.Failed),
        (LcmOperationState.RollingBack, LcmOperationState.RolledBack),
        (LcmOperationState.RollingBack, LcmOperationState.FailedTemp),
    ];

    public static TheoryData<string, string> AllowedTransitions() => new(Allowed);

    public static TheoryData<string, string> ForbiddenTransitions()
    {
        var data = new TheoryData<string, string>();
        foreach (var from in AllStates)
            foreach (var to in AllStates)
                if (!Allowed.Contains((from, to)))
                    data.Add(from, to);
        return data;
    }

    [Theory]
    [MemberData(nameof(AllowedTransitions))]
    public void Allowed_transition_moves_the_op_and_stamps_it(string from, string to)
    {
        var op = Op(from);
        var now = new DateTime(2030, 5, 6, 7, 8, 9, DateTimeKind.Utc);

        LcmStateMachine.Transition(op, to, now);

        Assert.Equal(to, op.OperationState);
        Assert.Equal(now, op.StateEnteredTime);
        Assert.Equal(8, op.Version);
    }

    [Theory]
    [MemberData(nameof(ForbiddenTransitions))]
    public void Forbidden_transition_throws_and_changes_nothing(string from, string to)
    {
        var op = Op(from);

        var e = Assert.Throws<InvalidOperationException>(() => LcmStateMachine.Transition(op, to, DateTime.UtcNow));

        Assert.Contains($"{from} -> {to}", e.Message);
        Assert.Equal(from, op.OperationState);
        Assert.Equal(7, op.Version);
    }

    [Theory]
    [InlineData(LcmOperationState.Completed)]
    [InlineData(LcmOperationState.Failed)]
    [InlineData(LcmOperationState.RolledBack)]
    public void Final_states_allow_no_way_out(string final)
    {
        Assert.True(LcmOperationState.IsFinal(final));
        foreach (var to in AllStates)
            Assert.Throws<InvalidOperationException>(() => LcmStateMachine.Transition(Op(final), to, DateTime.UtcNow));
    }

    [Fact]
    public void STARTING_cannot_jump_to_COMPLETED()
    {
        Assert.Throws<InvalidOperationException>(() => LcmStateMachine.Transition(Op(LcmOperationState.Starting), LcmOperationState.Completed, DateTime.UtcNow));
    }

    [Fact]
    public void An_unknown_state_allows_nothing()
    {
        Assert.Throws<InvalidOperationException>(() => LcmStateMachine.Transition(Op("BOGUS"), LcmOperationState.Processing, DateTime.UtcNow));
    }

    [Theory]
    [InlineData(LcmOperationState.Starting, "START")]
    [InlineData(LcmOperationState.Processing, "START")]
    [InlineData(LcmOperationState.RollingBack, "START")]
    [InlineData(LcmOperationState.Completed, "RESULT")]
    [InlineData(LcmOperationState.FailedTemp, "RESULT")]
    [InlineData(LcmOperationState.Failed, "RESULT")]
    [InlineData(LcmOperationState.RolledBack, "RESULT")]
    public void NotificationStatus_is_START_while_running_and_RESULT_after(string state, string expected)
    {
        Assert.Equal(expected, LcmStateMachine.NotificationStatus(state));
    }
}
