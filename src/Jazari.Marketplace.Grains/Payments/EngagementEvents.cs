namespace Jazari.Marketplace.Grains.Payments;

/// <summary>What happened to an engagement that work elsewhere must follow (money moves, other grains, e-mails, schedules).</summary>
public enum EngagementEventKind
{
    /// <summary>The engagement was created from the award: the SME is reminded to fund the first milestone.</summary>
    Opened,
    FundingRequested,
    Funded,
    Delivered,
    /// <summary>Approved by the SME or automatically: the release follows.</summary>
    Approved,
    DisputeOpened,
    DisputeResolved,
    Cancelled,
    /// <summary>The card payment was refunded or failed at the processor.</summary>
    PaymentChanged,
    PayoutPaid,
    /// <summary>An admin released or declined a held payout.</summary>
    PayoutReviewed,
    /// <summary>A funding request went unpaid for the programme's hold: the programme's share went back to its budget.</summary>
    FundingLapsed,
    /// <summary>The SME accepted the dispute's proposed mediators: their managers are asked to settle it.</summary>
    MediatorsAccepted,
}

/// <summary>Something written in the engagement's state together with the change that caused it (<see cref="Index"/>: the milestone, -1 for the whole engagement).</summary>
[GenerateSerializer, Alias("jazari.engagement-event")]
public sealed record EngagementEvent(
    [property: Id(0)] string Id,
    [property: Id(1)] EngagementEventKind Kind,
    [property: Id(2)] int Index,
    [property: Id(3)] DateTimeOffset At);

/// <summary>
/// Hands an engagement's events to whoever follows them up (the web host queues Hangfire jobs). Called after the
/// state write; an event stays pending in the engagement until <see cref="IEngagementGrain.ConfirmEventAsync"/>, and
/// pending events are raised again on activation and by <see cref="IEngagementGrain.RaisePendingEventsAsync"/>.
/// Raising the same event twice must be harmless.
/// </summary>
public interface IEngagementEvents
{
    Task RaiseAsync(string needId, IReadOnlyList<EngagementEvent> events);
}
