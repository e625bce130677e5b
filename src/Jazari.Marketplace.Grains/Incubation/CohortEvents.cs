namespace Jazari.Marketplace.Grains.Incubation;

/// <summary>What a cohort's change leaves to its follow-up: the startup's link to the cohort, and who is e-mailed.</summary>
public enum CohortEventKind
{
    /// <summary>A startup accepted the cohort's invitation: it is linked to the cohort (its figures flow there).</summary>
    Joined,
    /// <summary>An application was admitted: the startup is linked, the applicant e-mailed.</summary>
    Admitted,
    /// <summary>An application was declined: the applicant is e-mailed.</summary>
    Declined,
    /// <summary>A mentor was assigned to a member: the mentor and the startup are e-mailed.</summary>
    MentorAssigned,
    /// <summary>A startup was invited: its owner is e-mailed (and the cohort joins the owner's places).</summary>
    Invited,
    /// <summary>A startup left the cohort: without <see cref="CohortEvent.MentorId"/>, its link to the cohort ends (unless it
    /// joined again since); with one, that mentor no longer follows it there.</summary>
    Left,
}

/// <summary>
/// One change of a cohort to follow up, stored with the change: the follow-up (a Hangfire job, or the request that
/// made the change) does what it names and confirms it, so a host killed after the change's write loses nothing.
/// </summary>
[GenerateSerializer, Alias("jazari.cohort-event")]
public sealed record CohortEvent(
    [property: Id(0)] string Id,
    [property: Id(1)] CohortEventKind Kind,
    [property: Id(2)] string StartupId,
    /// <summary>The application decided (Admitted, Declined); null otherwise.</summary>
    [property: Id(3)] string? ApplicationId,
    /// <summary>The mentor assigned (MentorAssigned); null otherwise.</summary>
    [property: Id(4)] string? MentorId,
    [property: Id(5)] DateTimeOffset At,
    /// <summary>The invitation sent (Invited); null otherwise.</summary>
    [property: Id(6)] string? InvitationId = null);

/// <summary>Hands a cohort's events to their follow-up (the host's Hangfire job); raising one twice is harmless.</summary>
public interface ICohortEvents
{
    Task RaiseAsync(string cohortId, IReadOnlyList<CohortEvent> events);
}
