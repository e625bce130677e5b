using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Accounts;
using Jazari.Marketplace.Grains.Incubation;
using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Grains.Payments;
using Jazari.Marketplace.Grains.Profiles;
using Jazari.Marketplace.Web.Audit;

namespace Jazari.Marketplace.Web.Application;

/// <summary>How long a mentor has to give an opinion, and when the reminder goes (before the end). Section <c>ExpertReviews</c>.</summary>
public sealed class ExpertReviewSettings
{
    public TimeSpan AnswerWithin { get; set; } = TimeSpan.FromDays(5);
    public TimeSpan RemindBefore { get; set; } = TimeSpan.FromDays(2);

    public static ExpertReviewSettings From(IConfiguration config) => config.GetSection("ExpertReviews").Get<ExpertReviewSettings>() ?? new();
}

/// <summary>The SME's request: 1 to 3 bids of its open need, or (with <see cref="Milestone"/>) a delivered milestone of its engagement.</summary>
public sealed record ExpertReviewInput
{
    public IReadOnlyList<string?>? BidIds { get; init; }
    public string? Question { get; init; }
    public int? Milestone { get; init; }
}

public sealed record ExpertAssignInput
{
    public string? MentorId { get; init; }
}

public sealed record BidOpinionInput
{
    public string? BidId { get; init; }
    public int? Fit { get; init; }
    public int? Price { get; init; }
    public int? Risks { get; init; }
    public string? Notes { get; init; }
}

public sealed record ExpertOpinionInput
{
    public IReadOnlyList<BidOpinionInput?>? Bids { get; init; }
}

public sealed record ExpertReviewCreated(string Id, string Status);

public sealed record ReviewedBidResponse(string BidId, string StartupId, string StartupName, long PriceMinor, int DurationDays, string Proposal);

public sealed record BidOpinionResponse(string BidId, int Fit, int Price, int Risks, string Notes);

public sealed record ExpertReviewResponse(string Id, string NeedId, string NeedTitle, string Kind, int? Milestone, string Status, string Question,
    string Currency, IReadOnlyList<ReviewedBidResponse> Bids, string? MentorId, string? MentorName, DateTimeOffset RequestedAt,
    DateTimeOffset? AssignedAt, DateTimeOffset? DueAt, DateTimeOffset? AnsweredAt, IReadOnlyList<BidOpinionResponse> Opinions)
{
    public static ExpertReviewResponse From(ExpertReviewView v) => new(v.Id, v.Request.NeedId, v.Request.NeedTitle, v.Request.Kind.Name(),
        v.Request.MilestoneIndex, v.Status.Name(), v.Request.Question, v.Request.Currency,
        [.. v.Request.Bids.Select(b => new ReviewedBidResponse(b.BidId, b.StartupId, b.StartupName, b.PriceMinor, b.DurationDays, b.Proposal))],
        v.MentorId, v.MentorName, v.RequestedAt, v.AssignedAt, v.DueAt, v.AnsweredAt,
        [.. v.Opinions.Select(o => new BidOpinionResponse(o.BidId, o.Fit, o.Price, o.Risks, o.Notes))]);

    /// <summary>The milestone asked about, as it was when asked (title, amount, the startup's delivery note); null for bids.
    /// Its one reviewed "bid" is the awarded bid, whose id the mentor's opinion names.</summary>
    public ReviewedMilestone? Delivery() => Kind == "milestone" && Milestone is { } index && Bids is [var awarded] ? ReviewedMilestone.Of(index, awarded) : null;
}

/// <summary>A delivered milestone given to an expert: the request keeps its title and delivery note as one text, title first.</summary>
public sealed record ReviewedMilestone(int Index, string Title, long AmountMinor, string StartupName, string BidId, string DeliveryNote)
{
    public static ReviewedMilestone Of(int index, ReviewedBidResponse awarded)
    {
        // A milestone's title is one line; the delivery note (possibly several lines) follows it.
        var parts = awarded.Proposal.Split('\n', 2);
        return new(index, parts[0].Trim(), awarded.PriceMinor, awarded.StartupName, awarded.BidId, parts.Length > 1 ? parts[1].Trim() : "");
    }
}

/// <summary>A mentor the managers may assign: expertise matched against the need, and no tie to the startups asked about.</summary>
public sealed record ExpertSuggestion(string MentorId, string Name, double Score, IReadOnlyList<MentorReason> Reasons);

/// <summary>
/// Neutral expert opinions an SME asks its institutes for: on up to three bids before accepting one, or on a delivered
/// milestone. The handling institutes are those of the need's programme, else those of the need's region (else admins
/// alone). Managers get mentors suggested by expertise, none tied to a startup asked about (its mentor, its owner, or a
/// mentor in one of its cohorts); a tied mentor is refused. The assigned mentor answers within
/// <see cref="ExpertReviewSettings.AnswerWithin"/>; e-mails, the reminder and the expiry follow from the review's events.
/// </summary>
public sealed class ExpertReviewCommands(IGrainFactory grains, AuditTrail audit, ExpertReviewSettings settings,
    [FromKeyedServices(Grains.Clock.Key)] TimeProvider time)
{
    public const int MaxBids = 3, MaxNotes = 1000, MaxQuestion = 1000, Suggested = 5;

    public async Task<ExpertReviewCreated> RequestAsync(Caller caller, string needId, ExpertReviewInput input)
    {
        var (bidIds, question) = Checks.Valid(c =>
        {
            var ids = c.List("bidIds", input.BidIds, MaxBids, 64, minItems: input.Milestone is null ? 1 : 0);
            foreach (var (id, i) in ids.Select((id, i) => (id, i))) c.Id($"bidIds[{i}]", id);
            if (input.Milestone is not null && ids.Count > 0) c.Error("bidIds", "Ask about a milestone or about bids, not both.");
            if (input.Milestone is not null) c.Whole("milestone", input.Milestone, 0, 50);
            return (ids, c.Text("question", input.Question, MaxQuestion, multiLine: true));
        });
        if (caller.Role != Roles.Sme || !Ids.IsValid(needId)) throw MarketplaceException.NotFound("Need");
        var need = await grains.GetGrain<INeedGrain>(needId).GetAsync(caller);
        if (need.SmeId != await grains.ProfileOfAsync(caller, "SME")) throw MarketplaceException.NotFound("Need");
        var existing = await grains.GetGrain<INeedExpertReviewsGrain>(needId).ListAsync();
        // The same ask as a live one (a retry, a double click after the first answer) is answered with it; a delivery has
        // one live ask, whatever its question. The same asks that expired count the turns: asked again, it is a new one.
        var same = new List<ExpertReviewView>();
        foreach (var askedId in existing)
        {
            var asked = await grains.GetGrain<IExpertReviewGrain>(askedId).GetAsync(Caller.Marketplace);
            if (SameAsk(asked.Request, input.Milestone, bidIds, question)) same.Add(asked);
        }
        if (same.FirstOrDefault(a => a.Status != ExpertReviewStatus.Expired) is { } live)
            return live.Request.Question == question ? new ExpertReviewCreated(live.Id, live.Status.Name())
                : throw MarketplaceException.Conflict("An expert opinion on this delivery was asked already.");
        if (existing.Count >= INeedExpertReviewsGrain.MaxPerNeed)
            throw MarketplaceException.Conflict($"At most {INeedExpertReviewsGrain.MaxPerNeed} expert opinions per need.");

        List<ReviewedBid> reviewed;
        ExpertReviewKind kind;
        if (input.Milestone is { } index)
        {
            kind = ExpertReviewKind.Milestone;
            var engagement = need.AwardedBidId is null ? null : await grains.GetGrain<IEngagementGrain>(needId).GetAsync(caller);
            var milestone = engagement?.Milestones.FirstOrDefault(m => m.Index == index);
            if (milestone is null || milestone.DeliveredAt is null || milestone.Status is MilestoneStatus.Refunded or MilestoneStatus.Cancelled)
                throw MarketplaceException.Conflict("Only a delivered milestone of this need's engagement can be given to an expert.");
            var awarded = need.Bids.First(b => b.Id == need.AwardedBidId);
            reviewed = [new ReviewedBid(awarded.Id, awarded.StartupId, awarded.StartupName, milestone.AmountMinor, awarded.Offer.DurationDays,
                $"{milestone.Title}\n{milestone.DeliveryNote}".Trim())];
        }
        else
        {
            kind = ExpertReviewKind.Bids;
            if (need.Status != NeedStatus.Open) throw MarketplaceException.Conflict("Expert opinions on bids are asked while the need is open.");
            reviewed = [];
            foreach (var id in bidIds)
            {
                var bid = need.Bids.FirstOrDefault(b => b.Id == id && b.Status == BidStatus.Submitted)
                    ?? throw MarketplaceException.Invalid("bidIds", "Choose bids of this need that are still live.");
                reviewed.Add(new ReviewedBid(bid.Id, bid.StartupId, bid.StartupName, bid.Offer.PriceMinor, bid.Offer.DurationDays, bid.Offer.Proposal));
            }
        }
        var request = new ExpertReviewRequest(needId, need.Details.Title, caller.AccountId, kind, input.Milestone, reviewed, question,
            await InstitutesForAsync(need), need.Details.Currency);
        var view = await grains.GetGrain<IExpertReviewGrain>(IdFor(needId, input.Milestone, bidIds, input.Milestone is null ? question : "", same.Count)).RequestAsync(request);
        return new ExpertReviewCreated(view.Id, view.Status.Name());
    }

    /// <summary>
    /// The same ask: on the same delivery (whatever the question: one live ask per delivery), or on the same bids with the
    /// same question.
    /// </summary>
    private static bool SameAsk(ExpertReviewRequest asked, int? milestone, IReadOnlyList<string> bidIds, string question) =>
        milestone is { } index
            ? asked is { Kind: ExpertReviewKind.Milestone } && asked.MilestoneIndex == index
            : asked.Kind == ExpertReviewKind.Bids && asked.Question == question && asked.Bids.Select(b => b.BidId).Order(StringComparer.Ordinal)
                .SequenceEqual(bidIds.Order(StringComparer.Ordinal));

    /// <summary>
    /// The id of a request: the same ask (<see cref="SameAsk"/>: <paramref name="question"/> is empty for a delivery) in
    /// the same turn gives the same id, so identical requests racing each other (a double click, a retried POST) ask one
    /// opinion: the review grain takes it once and answers the others with it. The turn is how many of the same ask
    /// expired: asked again, it is another id. Other asks of the need do not move it.
    /// </summary>
    private static string IdFor(string needId, int? milestone, IReadOnlyList<string> bidIds, string question, int turn)
    {
        var asked = $"{needId}\n{milestone}\n{string.Join(',', bidIds.Order(StringComparer.Ordinal))}\n{question}\n{turn}";
        return "xrev-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(asked)))[..32];
    }

    public async Task<ExpertReviewResponse> GetAsync(Caller caller, string id) => ExpertReviewResponse.From(await ViewAsync(caller, id));

    /// <summary>The need's expert opinions, newest first (its SME, admins; the page of the need).</summary>
    public Task<IReadOnlyList<ExpertReviewResponse>> OfNeedAsync(Caller caller, string needId) => OfNeedAsync(grains, caller, needId);

    /// <summary>The need's expert opinions the caller may read, newest first (also the data export's).</summary>
    public static async Task<IReadOnlyList<ExpertReviewResponse>> OfNeedAsync(IGrainFactory grains, Caller caller, string needId)
    {
        var ids = await grains.GetGrain<INeedExpertReviewsGrain>(needId).ListAsync();
        var views = new List<ExpertReviewResponse>();
        foreach (var id in ids)
        {
            try { views.Add(ExpertReviewResponse.From(await grains.GetGrain<IExpertReviewGrain>(id).GetAsync(caller))); }
            catch (MarketplaceException e) when (e.Problem == Problem.NotFound) { }
        }
        return [.. views.OrderByDescending(v => v.RequestedAt)];
    }

    /// <summary>The open requests the caller acts on: to assign (managers of a handling institute, admins) or to answer (the mentor).</summary>
    public async Task<IReadOnlyList<ExpertReviewResponse>> QueueAsync(Caller caller)
    {
        if (caller.Role is not (Roles.Manager or Roles.Admin or Roles.Mentor)) return [];
        var entries = await grains.GetGrain<IExpertReviewQueueGrain>(IExpertReviewQueueGrain.Key).ListAsync();
        var mine = new List<ExpertReviewResponse>();
        foreach (var entry in entries.OrderBy(e => e.RequestedAt))
        {
            var review = grains.GetGrain<IExpertReviewGrain>(entry.Id);
            if (caller.Role == Roles.Mentor ? entry.MentorAccountId == caller.AccountId : await review.MayAssignAsync(caller))
                mine.Add(ExpertReviewResponse.From(await review.GetAsync(caller)));
        }
        return mine;
    }

    /// <summary>Mentors by expertise for the need, none tied to a startup asked about (managers of a handling institute, admins).</summary>
    public async Task<IReadOnlyList<ExpertSuggestion>> SuggestAsync(Caller caller, string id, string? language = null) =>
        (await MentorsForAsync(caller, id, language, name: null)).Suggested;

    /// <summary>
    /// <see cref="SuggestAsync"/>, and with <paramref name="name"/> the network's mentors not tied to a startup asked about
    /// whose name holds it (accents and case aside), by name, at most <see cref="Found"/>: the manager finds a mentor the
    /// suggestions, which go by expertise, left out. The mentors are read once for both.
    /// </summary>
    public async Task<(IReadOnlyList<ExpertSuggestion> Suggested, IReadOnlyList<ExpertSuggestion>? Found)> MentorsForAsync(
        Caller caller, string id, string? language, string? name)
    {
        var wanted = name is null ? null : Matching.TextNormalizer.Normalize(Checks.Valid(c => c.Text("mentor", name, 100)));
        var view = await ViewAsync(caller, id);
        if (!await grains.GetGrain<IExpertReviewGrain>(id).MayAssignAsync(caller)) throw MarketplaceException.NotFound("Expert opinion");
        language ??= (await grains.GetGrain<IAccountGrain>(caller.AccountId).GetAsync())?.Language ?? "en";
        var need = await grains.GetGrain<INeedGrain>(view.Request.NeedId).GetAsync(Caller.Marketplace);
        var untied = await UntiedMentorsAsync(view);
        // The need read as a startup would be: its category, skills and words; any language of the network counts.
        var asked = new StartupDetails(need.Details.Title, "", need.Details.Region, [need.Details.Category], need.Details.Skills,
            $"{need.Details.Title} {need.Details.Description}", [.. Reference.Languages], 0, 0, [], 1);
        // Suggested: only mentors an institute already works with (assigned to follow a startup of a cohort). Anyone may sign
        // up as a mentor and claim any expertise; the bids' prices and proposals go only to one a manager chose by name.
        IReadOnlyList<ExpertSuggestion> suggested = [.. MentorSuggestions.Rank(asked, [.. untied.Where(m => m.Vetted).Select(m => (m.MentorId, m.Details, 0))], Suggested, language)
            .Where(s => s.Reasons.Any(r => r.Factor is "expertise" or "related" or "words"))
            .Select(s => new ExpertSuggestion(s.MentorId, s.Name, s.Score, [.. s.Reasons.Where(r => r.Factor is not ("capacity" or "language"))]))];
        IReadOnlyList<ExpertSuggestion>? found = wanted is null ? null : [.. untied
            .Where(m => Matching.TextNormalizer.Normalize(m.Details.Name).Contains(wanted, StringComparison.Ordinal))
            .OrderBy(m => m.Details.Name, StringComparer.CurrentCultureIgnoreCase).Take(Found)
            .Select(m => new ExpertSuggestion(m.MentorId, m.Details.Name, 0, []))];
        return (suggested, found);
    }

    public const int Found = 20;

    /// <summary>The network's mentors with an account, none tied to a startup the opinion is asked about; vetted when an
    /// institute works with them (they follow a startup of a cohort).</summary>
    private async Task<List<(string MentorId, MentorDetails Details, bool Vetted)>> UntiedMentorsAsync(ExpertReviewView view)
    {
        var ties = await TiesAsync(view.Request.Bids);
        var loads = await grains.GetGrain<IMentorDirectoryGrain>(IMentorDirectoryGrain.Key).ListAsync();
        // The mentors are read side by side: one after another, a directory of thousands kept the manager's page waiting.
        var read = await Task.WhenAll(loads.Select(async load =>
        {
            var mentor = await grains.GetGrain<IMentorGrain>(load.MentorId).GetAsync(Caller.Marketplace);
            var mentored = await grains.GetGrain<IMentoringGrain>(load.MentorId).ListAsync();
            return (load.MentorId, mentor.Details, Untied: Tie(mentor.OwnerAccountId, mentored, ties) is null, Vetted: mentored.Count > 0);
        }));
        return [.. read.Where(m => m.Untied).Select(m => (m.MentorId, m.Details, m.Vetted))];
    }

    public async Task<ExpertReviewResponse> AssignAsync(Caller caller, string id, ExpertAssignInput input)
    {
        var mentorId = Checks.Valid(c => c.Id("mentorId", input.MentorId));
        var review = grains.GetGrain<IExpertReviewGrain>(await ExistingAsync(caller, id));
        if (!await review.MayAssignAsync(caller)) throw MarketplaceException.NotFound("Expert opinion");
        var view = await review.GetAsync(caller);
        ProfileView<MentorDetails> mentor;
        try { mentor = await grains.GetGrain<IMentorGrain>(mentorId).GetAsync(Caller.Marketplace); }
        catch (MarketplaceException e) when (e.Problem == Problem.NotFound) { throw MarketplaceException.Invalid("mentorId", "No mentor has this id."); }
        // A mentor whose account was erased keeps a pseudonymised profile, but nobody can answer with it.
        if (mentor.OwnerAccountId is null || (await grains.GetGrain<Grains.Accounts.IAccountGrain>(mentor.OwnerAccountId).GetAsync()) is not { ErasedAt: null })
            throw MarketplaceException.Invalid("mentorId", "This mentor has no account to answer with.");
        if (await TieAsync(mentorId, mentor.OwnerAccountId, await TiesAsync(view.Request.Bids)) is { } tie)
            throw MarketplaceException.Conflict($"This mentor is tied to {tie}, a startup asked about: choose a neutral mentor.");
        var assigned = await review.AssignAsync(caller, mentorId, mentor.Details.Name, mentor.OwnerAccountId, time.GetUtcNow() + settings.AnswerWithin);
        // The need is among the mentor's places: its erasure finds the opinion there, to pseudonymise its name and notes.
        await grains.GetGrain<Grains.Accounts.IAccountGrain>(mentor.OwnerAccountId).TookPartAsync(Grains.Accounts.PartyOf.Need, view.Request.NeedId);
        await audit.RecordAsync(caller, AuditActions.ExpertReviewAssigned, id, $"mentor {mentorId} on need {view.Request.NeedId}");
        return ExpertReviewResponse.From(assigned);
    }

    public async Task<ExpertReviewResponse> AnswerAsync(Caller caller, string id, ExpertOpinionInput input)
    {
        var opinions = Checks.Valid(c =>
        {
            var items = input.Bids ?? [];
            if (items.Count is < 1 or > MaxBids) c.Error("bids", "Give one to three opinions, one per bid asked about.");
            return items.Take(MaxBids).Select((o, i) =>
            {
                var item = new Checks($"bids[{i}].");
                var opinion = new BidOpinion(item.Id("bidId", o?.BidId), item.Whole("fit", o?.Fit, 1, 5), item.Whole("price", o?.Price, 1, 5),
                    item.Whole("risks", o?.Risks, 1, 5), item.Text("notes", o?.Notes, MaxNotes, multiLine: true));
                c.Add(item);
                return opinion;
            }).ToList();
        });
        if (opinions.Select(o => o.BidId).Distinct().Count() != opinions.Count) throw MarketplaceException.Invalid("bids", "Give one opinion for each bid asked about, and no other.");
        var review = grains.GetGrain<IExpertReviewGrain>(await ExistingAsync(caller, id));
        return ExpertReviewResponse.From(await review.AnswerAsync(caller, opinions));
    }

    private async Task<ExpertReviewView> ViewAsync(Caller caller, string id) =>
        await grains.GetGrain<IExpertReviewGrain>(await ExistingAsync(caller, id)).GetAsync(caller);

    private static Task<string> ExistingAsync(Caller caller, string id) =>
        Ids.IsValid(id) && caller.Role != Roles.Startup ? Task.FromResult(id) : throw MarketplaceException.NotFound("Expert opinion");

    /// <summary>The programme's institutes; else the institutes of the need's region; none (admins alone) when there is neither.</summary>
    private async Task<IReadOnlyList<string>> InstitutesForAsync(NeedView need)
    {
        if (need.ProgrammeId is not null && await grains.GetGrain<IProgrammeGrain>(need.ProgrammeId).GetAsync() is { Rules.InstituteIds.Count: > 0 } programme)
            return programme.Rules.InstituteIds;
        var ids = await grains.GetGrain<IInstituteDirectoryGrain>(IInstituteDirectoryGrain.Key).ListAsync();
        var institutes = await Task.WhenAll(ids.Select(i => grains.GetGrain<IInstituteGrain>(i).GetAsync()));
        return [.. institutes.OfType<InstituteView>().Where(i => i.Region == need.Details.Region).Select(i => i.Id).Take(20)];
    }

    /// <summary>What ties a mentor to the startups asked about: their owners' accounts, their cohorts, their names by id.</summary>
    private sealed record Ties(Dictionary<string, string> Names, Dictionary<string, string> OwnerAccounts, Dictionary<string, string> CohortStartup);

    private async Task<Ties> TiesAsync(IReadOnlyList<ReviewedBid> bids)
    {
        var ties = new Ties([], [], []);
        foreach (var bid in bids)
        {
            ties.Names[bid.StartupId] = bid.StartupName;
            if ((await grains.GetGrain<IStartupGrain>(bid.StartupId).GetAsync(Caller.Marketplace)).OwnerAccountId is { } owner) ties.OwnerAccounts.TryAdd(owner, bid.StartupName);
            foreach (var cohort in (await grains.GetGrain<IStartupActivityGrain>(bid.StartupId).GetAsync()).Cohorts)
                ties.CohortStartup.TryAdd(cohort.CohortId, bid.StartupName);
        }
        return ties;
    }

    /// <summary>The startup the mentor is tied to (mentors it, owns it, or mentors in one of its cohorts), or null.</summary>
    private async Task<string?> TieAsync(string mentorId, string? mentorAccountId, Ties ties) =>
        Tie(mentorAccountId, await grains.GetGrain<IMentoringGrain>(mentorId).ListAsync(), ties);

    private static string? Tie(string? mentorAccountId, IReadOnlyList<MentoredStartup> startups, Ties ties)
    {
        if (mentorAccountId is not null && ties.OwnerAccounts.TryGetValue(mentorAccountId, out var owned)) return owned;
        foreach (var mentored in startups)
        {
            if (ties.Names.TryGetValue(mentored.StartupId, out var name)) return name;
            if (ties.CohortStartup.TryGetValue(mentored.CohortId, out var inCohort)) return inCohort;
        }
        return null;
    }
}
