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
    [property: Id(9)] DateOnly StartsOn);

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
        var index = Invitations.FindIndex(i => i.Id == invitation.Id);
        if (index >= 0 && Invitations[index] == invitation) return;
        if (index >= 0) Invitations[index] = invitation;
        else Invitations.Add(invitation);
        while (Invitations.Count > MaxKept)
        {
            var answered = Invitations.FindIndex(i => i.Status != InvitationStatus.Invited);
            Invitations.RemoveAt(answered >= 0 ? answered : 0);
        }
        await state.SaveAsync();
    }

    public Task<IReadOnlyList<CohortInvitation>> ListAsync() => Task.FromResult<IReadOnlyList<CohortInvitation>>([.. Invitations]);

    public Task<CohortInvitation?> FindAsync(string invitationId) => Task.FromResult(Invitations.Find(i => i.Id == invitationId));
}
