namespace Jazari.Marketplace.Grains.Incubation;

public enum InvitationStatus { Invited, Accepted, Declined }

/// <summary>
/// A cohort's invitation to a startup: the startup becomes a member only when it accepts. The cohort holds the
/// invitation; the startup's <see cref="IStartupInvitationsGrain"/> holds a copy so the startup can list its own.
/// </summary>
[GenerateSerializer, Alias("jazari.cohort-invitation")]
public sealed record CohortInvitation(
    [property: Id(0)] string Id,
    [property: Id(1)] string CohortId,
    [property: Id(2)] string CohortName,
    [property: Id(3)] string InstituteId,
    [property: Id(4)] string StartupId,
    [property: Id(5)] string StartupName,
    [property: Id(6)] InvitationStatus Status,
    [property: Id(7)] DateTimeOffset InvitedAt,
    [property: Id(8)] DateTimeOffset? AnsweredAt,
    [property: Id(9)] DateOnly StartsOn,
    /// <summary>The cohort's last day: after it, the invitation can no longer be accepted. Null in invitations sent before it was kept.</summary>
    [property: Id(10)] DateOnly? EndsOn = null);

public static class InvitationStatusNames
{
    public static string Name(this InvitationStatus status) => status switch
    {
        InvitationStatus.Invited => "invited",
        InvitationStatus.Accepted => "accepted",
        InvitationStatus.Declined => "declined",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown invitation status."),
    };
}

/// <summary>The cohort invitations a startup received (keyed by the startup's profile id), newest last; written by the cohorts only.</summary>
public interface IStartupInvitationsGrain : IGrainWithStringKey
{
    /// <summary>Adds the invitation, or replaces the copy with the same id (a cohort repeats itself after a failure).</summary>
    Task SaveAsync(CohortInvitation invitation);
    Task<IReadOnlyList<CohortInvitation>> ListAsync();
    Task<CohortInvitation?> FindAsync(string invitationId);
}

[GenerateSerializer, Alias("jazari.startup-invitations-state")]
public sealed class StartupInvitationsState
{
    [Id(0)] public List<CohortInvitation> Invitations { get; set; } = [];
}

internal sealed class StartupInvitationsGrain(
    [PersistentState("startup-invitations", "marketplace")] IPersistentState<StartupInvitationsState> state) : Grain, IStartupInvitationsGrain
{
    /// <summary>Invitations kept per startup; the oldest answered ones go first beyond this.</summary>
    public const int MaxKept = 100;

    private List<CohortInvitation> Invitations => state.State.Invitations;

    public async Task SaveAsync(CohortInvitation invitation)
    {
        if (InvitationCopies.Keep(Invitations, invitation, i => i.Id == invitation.Id, i => i.Status != InvitationStatus.Invited, MaxKept))
            await state.SaveAsync();
    }

    public Task<IReadOnlyList<CohortInvitation>> ListAsync() => Task.FromResult<IReadOnlyList<CohortInvitation>>([.. Invitations]);

    public Task<CohortInvitation?> FindAsync(string invitationId) => Task.FromResult(Invitations.Find(i => i.Id == invitationId));
}

/// <summary>The copies of invitations a person keeps to list their own.</summary>
internal static class InvitationCopies
{
    /// <summary>Adds the copy, or replaces the one it is the same invitation as; beyond <paramref name="max"/>, the oldest
    /// answered ones go first. Returns whether anything changed.</summary>
    public static bool Keep<T>(List<T> copies, T copy, Predicate<T> same, Predicate<T> answered, int max)
    {
        var index = copies.FindIndex(same);
        if (index >= 0 && Equals(copies[index], copy)) return false;
        if (index >= 0) copies[index] = copy;
        else copies.Add(copy);
        while (copies.Count > max)
        {
            var old = copies.FindIndex(answered);
            copies.RemoveAt(old >= 0 ? old : 0);
        }
        return true;
    }
}

/// <summary>
/// A cohort's invitation to score its applications, sent to an e-mail address. The address's owner becomes an
/// evaluator only by accepting it, signed in with that address to a mentor or manager account.
/// </summary>
[GenerateSerializer, Alias("jazari.evaluator-invitation")]
public sealed record EvaluatorInvitation(
    [property: Id(0)] string CohortId,
    [property: Id(1)] string CohortName,
    [property: Id(2)] string Email,
    [property: Id(3)] InvitationStatus Status,
    [property: Id(4)] DateTimeOffset InvitedAt,
    [property: Id(5)] DateTimeOffset? AnsweredAt,
    /// <summary>The account that accepted or declined it.</summary>
    [property: Id(6)] string? AccountId);

/// <summary>The evaluator invitations sent to an e-mail address (keyed by the address), newest last; written by the cohorts only.
/// Kept by address, not by account: an address without an account finds them once it signs up as a mentor.</summary>
public interface IEvaluatorInvitationsGrain : IGrainWithStringKey
{
    Task SaveAsync(EvaluatorInvitation invitation);
    Task<IReadOnlyList<EvaluatorInvitation>> ListAsync();
    /// <summary>The address's owner erased their account: its invitations are forgotten (the address may sign up anew).</summary>
    Task EraseAsync();
}

[GenerateSerializer, Alias("jazari.evaluator-invitations-state")]
public sealed class EvaluatorInvitationsState
{
    [Id(0)] public List<EvaluatorInvitation> Invitations { get; set; } = [];
}

internal sealed class EvaluatorInvitationsGrain(
    [PersistentState("evaluator-invitations", "marketplace")] IPersistentState<EvaluatorInvitationsState> state) : Grain, IEvaluatorInvitationsGrain
{
    public const int MaxKept = 100;

    public async Task SaveAsync(EvaluatorInvitation invitation)
    {
        if (InvitationCopies.Keep(state.State.Invitations, invitation, i => i.CohortId == invitation.CohortId, i => i.Status != InvitationStatus.Invited, MaxKept))
            await state.SaveAsync();
    }

    public Task<IReadOnlyList<EvaluatorInvitation>> ListAsync() => Task.FromResult<IReadOnlyList<EvaluatorInvitation>>([.. state.State.Invitations]);

    public Task EraseAsync() => state.RecordExists ? state.ClearStateAsync() : Task.CompletedTask;
}
