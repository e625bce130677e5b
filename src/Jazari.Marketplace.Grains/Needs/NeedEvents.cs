namespace Jazari.Marketplace.Grains.Needs;

public enum NeedEventKind { Published, BidSubmitted, BidAccepted, Expired }

/// <summary>Something people must hear about, written in the need's state together with the change that caused it.</summary>
[GenerateSerializer, Alias("jazari.need-event")]
public sealed record NeedEvent(
    [property: Id(0)] string Id,
    [property: Id(1)] NeedEventKind Kind,
    [property: Id(2)] string? BidId,
    [property: Id(3)] DateTimeOffset At);

/// <summary>
/// Hands a need's events to whoever follows them up (the web host queues Hangfire jobs). Called after the
/// state write; an event stays pending in the need's state until <see cref="INeedGrain.ConfirmEventAsync"/>,
/// and pending events are raised again on activation and by <see cref="INeedGrain.RaisePendingEventsAsync"/>.
/// Raising the same event twice must be harmless.
/// </summary>
public interface INeedEvents
{
    Task RaiseAsync(string needId, IReadOnlyList<NeedEvent> events);
}
