namespace Jazari.Marketplace.Grains.Needs;

public enum NeedStatus { Draft, Open, Awarded, InProgress, Completed, Cancelled, Expired }

public enum BidStatus { Submitted, Withdrawn, Accepted, Rejected }

/// <summary>What an SME asks for. Amounts in minor units (centimes) of <see cref="Currency"/>.</summary>
[GenerateSerializer, Alias("jazari.need-details")]
public sealed record NeedDetails(
    [property: Id(0)] string Title,
    [property: Id(1)] string Description,
    [property: Id(2)] string Category,
    [property: Id(3)] IReadOnlyList<string> Skills,
    [property: Id(4)] long BudgetMinMinor,
    [property: Id(5)] long BudgetMaxMinor,
    [property: Id(6)] string Currency,
    [property: Id(7)] DateOnly Deadline,
    [property: Id(8)] string Region,
    [property: Id(9)] bool RemoteOk,
    [property: Id(10)] string Language);

[GenerateSerializer, Alias("jazari.milestone-plan")]
public sealed record MilestonePlan(
    [property: Id(0)] string Title,
    [property: Id(1)] long AmountMinor,
    [property: Id(2)] int DueInDays);

/// <summary>What a startup offers for a need: milestone amounts add up to the price.</summary>
[GenerateSerializer, Alias("jazari.bid-offer")]
public sealed record BidOffer(
    [property: Id(0)] long PriceMinor,
    [property: Id(1)] int DurationDays,
    [property: Id(2)] string Proposal,
    [property: Id(3)] IReadOnlyList<MilestonePlan> Milestones);

[GenerateSerializer, Alias("jazari.bid")]
public sealed record Bid(
    [property: Id(0)] string Id,
    [property: Id(1)] string StartupId,
    [property: Id(2)] string StartupName,
    [property: Id(3)] string BidderAccountId,
    [property: Id(4)] BidOffer Offer,
    [property: Id(5)] BidStatus Status,
    [property: Id(6)] DateTimeOffset SubmittedAt,
    [property: Id(7)] DateTimeOffset? DecidedAt);

/// <summary>A need as one caller may see it: bids are only those this caller may read.</summary>
[GenerateSerializer, Alias("jazari.need-view")]
public sealed record NeedView(
    [property: Id(0)] string Id,
    [property: Id(1)] string SmeId,
    [property: Id(2)] NeedStatus Status,
    [property: Id(3)] NeedDetails Details,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] DateTimeOffset? PublishedAt,
    [property: Id(6)] DateTimeOffset? AwardedAt,
    [property: Id(7)] string? AwardedBidId,
    [property: Id(8)] int BidCount,
    [property: Id(9)] IReadOnlyList<Bid> Bids,
    [property: Id(10)] string? ProgrammeId = null);

/// <summary>Who did the work for whom: the SME (its owner account; null for imported needs) and the awarded startup.</summary>
[GenerateSerializer, Alias("jazari.engagement")]
public sealed record Engagement(
    [property: Id(0)] string NeedId,
    [property: Id(1)] string SmeId,
    [property: Id(2)] string? SmeAccountId,
    [property: Id(3)] string StartupId,
    [property: Id(4)] string StartupAccountId,
    [property: Id(5)] DateTimeOffset AwardedAt);

/// <summary>What was awarded: the parties, the accepted offer (its milestones) and the co-funding programme of the need.</summary>
[GenerateSerializer, Alias("jazari.award")]
public sealed record Award(
    [property: Id(0)] Engagement Parties,
    [property: Id(1)] string StartupName,
    [property: Id(2)] BidOffer Offer,
    [property: Id(3)] string Title,
    [property: Id(4)] string Currency,
    [property: Id(5)] string? ProgrammeId);

[GenerateSerializer, Alias("jazari.need-state")]
public sealed class NeedState
{
    [Id(0)] public string SmeId { get; set; } = "";
    /// <summary>The SME owner's account; null for needs brought in by an import (admins act for them).</summary>
    [Id(1)] public string? OwnerAccountId { get; set; }
    [Id(2)] public NeedDetails Details { get; set; } = default!;
    [Id(3)] public NeedStatus Status { get; set; }
    [Id(4)] public DateTimeOffset CreatedAt { get; set; }
    [Id(5)] public DateTimeOffset? PublishedAt { get; set; }
    [Id(6)] public DateTimeOffset? AwardedAt { get; set; }
    [Id(7)] public string? AwardedBidId { get; set; }
    [Id(8)] public DateTimeOffset? ClosedAt { get; set; }
    /// <summary>At most <see cref="NeedGrain.MaxBids"/>: one per startup, which keeps the state under the size bound.</summary>
    [Id(9)] public List<Bid> Bids { get; set; } = [];
    /// <summary>The matchmaking shards this need is indexed in while it is open.</summary>
    [Id(10)] public List<string> MatchShards { get; set; } = [];
    /// <summary>Events not yet confirmed by their follow-up; at most <see cref="NeedGrain.MaxPendingEvents"/>.</summary>
    [Id(11)] public List<NeedEvent> PendingEvents { get; set; } = [];
    /// <summary>The co-funding programme the need joined at creation, if any.</summary>
    [Id(12)] public string? ProgrammeId { get; set; }
    /// <summary>A milestone of the engagement was funded: reviews open even if it is cancelled later.</summary>
    [Id(13)] public bool WorkBegan { get; set; }
}

/// <summary>What an erased SME's need is called wherever its title was copied (the need, its threads, its engagement).</summary>
public static class ErasedNeed
{
    public static string Title(string pseudonym) => $"Need of {pseudonym}";

    /// <summary>Why an erasure waits, naming the mission by its title: the erasure's own check and the need grain's give
    /// the same words (one translation).</summary>
    public static MarketplaceException MissionUnderWay(string title) =>
        MarketplaceException.Conflict($"Money of your mission {title} is still in play (under way, or a payment, a refund or a payout to either side not yet made): the account can be erased once all is paid.");
}

public static class NeedStatusNames
{
    public static string Name(this NeedStatus status) => status switch
    {
        NeedStatus.InProgress => "in-progress",
        _ => status.ToString().ToLowerInvariant(),
    };

    public static string Name(this BidStatus status) => status.ToString().ToLowerInvariant();
}
