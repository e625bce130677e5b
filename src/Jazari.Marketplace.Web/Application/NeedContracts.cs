using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Needs;

namespace Jazari.Marketplace.Web.Application;

/// <summary>The co-funding programme a draft or open need joins: one that approved its SME.</summary>
public sealed record NeedProgrammeInput(string? ProgrammeId);

/// <summary>A need as an SME writes it, for the API and the pages alike.</summary>
public record NeedInput
{
    public string? Title { get; init; }
    public string? Description { get; init; }
    public string? Category { get; init; }
    public IReadOnlyList<string?>? Skills { get; init; }
    public decimal? BudgetMinMad { get; init; }
    public decimal? BudgetMaxMad { get; init; }
    public string? Deadline { get; init; }
    public string? Region { get; init; }
    public bool? RemoteOk { get; init; }
    public string? Language { get; init; }
    /// <summary>The co-funding programme the need joins (at creation; later through <see cref="NeedProgrammeInput"/>).</summary>
    public string? ProgrammeId { get; init; }

    public NeedDetails ToDetails(Checks c)
    {
        var min = c.Mad("budgetMinMad", BudgetMinMad);
        var max = c.Mad("budgetMaxMad", BudgetMaxMad);
        c.MinNotAboveMax("budgetMinMad", min, max);
        return new(c.Text("title", Title, 200, minLength: 5), c.Text("description", Description, 5000, minLength: 20, multiLine: true),
            c.OneOf("category", Category, Reference.Categories), c.List("skills", Skills, 20, 50), min, max,
            Reference.DefaultCurrency, c.Date("deadline", Deadline), c.OneOf("region", Region, Reference.Regions),
            RemoteOk ?? false, c.OneOf("language", Language, Reference.Languages));
    }

    public const int MaxYearsAhead = 2;

    /// <summary>A deadline is neither past nor more than two years ahead (follow-ups compute dates from it).</summary>
    public static void CheckDeadline(Checks c, DateOnly deadline, DateOnly today)
    {
        if (c.Failed) return;
        if (deadline < today) c.Error("deadline", "Must not be in the past.");
        else if (deadline > today.AddYears(MaxYearsAhead)) c.Error("deadline", $"At most {MaxYearsAhead} years ahead.");
    }
}

public sealed record MilestoneInput
{
    public string? Title { get; init; }
    public decimal? AmountMad { get; init; }
    public int? DueInDays { get; init; }
}

/// <summary>A bid as a startup writes it, for the API and the pages alike.</summary>
public sealed record BidInput
{
    public const int MaxMilestones = 10;

    public decimal? PriceMad { get; init; }
    public int? DurationDays { get; init; }
    public string? Proposal { get; init; }
    public IReadOnlyList<MilestoneInput?>? Milestones { get; init; }

    public BidOffer ToOffer(Checks c)
    {
        var price = c.Mad("priceMad", PriceMad);
        var duration = c.Whole("durationDays", DurationDays, 1, 730);
        var proposal = c.Text("proposal", Proposal, 2000, minLength: 20, multiLine: true);
        var milestones = new List<MilestonePlan>();
        if (Milestones is not { Count: > 0 }) c.Error("milestones", "At least one milestone is required.");
        else if (Milestones.Count > MaxMilestones) c.Error("milestones", $"At most {MaxMilestones} milestones.");
        else
        {
            for (var i = 0; i < Milestones.Count; i++)
            {
                var m = Milestones[i] ?? new MilestoneInput();
                milestones.Add(new(c.Text($"milestones[{i}].title", m.Title, 200), c.Mad($"milestones[{i}].amountMad", m.AmountMad),
                    c.Whole($"milestones[{i}].dueInDays", m.DueInDays, 1, 730)));
            }
            if (!c.Failed && milestones.Sum(m => m.AmountMinor) != price)
                c.Error("milestones", "Milestone amounts must add up to the price.");
            if (!c.Failed && milestones.Any(m => m.DueInDays > duration))
                c.Error("milestones", "A milestone cannot be due after the bid's duration.");
        }
        return new(price, duration, proposal, milestones);
    }
}

public sealed record MilestoneResponse(string Title, decimal AmountMad, long AmountMinor, int DueInDays);

public sealed record BidResponse(string Id, string StartupId, string StartupName, decimal PriceMad, long PriceMinor,
    string Currency, int DurationDays, string Proposal, IReadOnlyList<MilestoneResponse> Milestones, string Status,
    DateTimeOffset SubmittedAt, DateTimeOffset? DecidedAt)
{
    public static BidResponse From(Bid b, string currency) => new(b.Id, b.StartupId, b.StartupName, b.Offer.PriceMinor / 100m,
        b.Offer.PriceMinor, currency, b.Offer.DurationDays, b.Offer.Proposal,
        [.. b.Offer.Milestones.Select(m => new MilestoneResponse(m.Title, m.AmountMinor / 100m, m.AmountMinor, m.DueInDays))],
        b.Status.Name(), b.SubmittedAt, b.DecidedAt);
}

public sealed record NeedResponse(string Id, string SmeId, string Status, string Title, string Description, string Category,
    IReadOnlyList<string> Skills, decimal BudgetMinMad, decimal BudgetMaxMad, string Currency, string Deadline, string Region,
    bool RemoteOk, string Language, DateTimeOffset CreatedAt, DateTimeOffset? PublishedAt, DateTimeOffset? AwardedAt,
    string? AwardedBidId, int BidCount, IReadOnlyList<BidResponse> Bids, string? ProgrammeId)
{
    public static NeedResponse From(NeedView n)
    {
        var d = n.Details;
        return new(n.Id, n.SmeId, n.Status.Name(), d.Title, d.Description, d.Category, d.Skills, d.BudgetMinMinor / 100m,
            d.BudgetMaxMinor / 100m, d.Currency, d.Deadline.ToString("yyyy-MM-dd"), d.Region, d.RemoteOk, d.Language,
            n.CreatedAt, n.PublishedAt, n.AwardedAt, n.AwardedBidId, n.BidCount, [.. n.Bids.Select(b => BidResponse.From(b, d.Currency))], n.ProgrammeId);
    }
}

public sealed record NeedCreated(string Id, string Status);

/// <summary>One page of open needs: <see cref="Next"/> names where the next page starts (null on the last page).</summary>
public sealed record NeedPage(int? Page, int PageSize, int Total, IReadOnlyList<NeedResponse> Needs, string? Next);
