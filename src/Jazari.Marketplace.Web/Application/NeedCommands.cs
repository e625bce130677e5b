using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Grains.Payments;

namespace Jazari.Marketplace.Web.Application;

/// <summary>
/// Needs, for the API and the pages: an SME posts a need (a draft), publishes or cancels it; anyone signed in browses
/// the open needs. The need grain decides who may see and change what; what follows a change (the open-needs list,
/// the matching index, e-mails) is carried out from the need's events, not here.
/// </summary>
public sealed class NeedCommands(IGrainFactory grains, NeedLimits limits, [FromKeyedServices(Clock.Key)] TimeProvider time)
{
    public const int PageSize = 20;
    public const int MaxPage = 100;

    /// <summary>A draft need of the caller's SME, among the places of the caller's data from the start; <paramref name="needId"/> when the
    /// caller reserved one (a plan's item drafted again answers the same need).</summary>
    public async Task<NeedView> CreateAsync(Caller owner, NeedInput input, string? needId = null)
    {
        var c = new Checks();
        var details = input.ToDetails(c);
        NeedInput.CheckDeadline(c, details.Deadline, Languages.Formats.Today(time.GetUtcNow()));
        var programmeId = input.ProgrammeId is null ? null : c.Id("programmeId", input.ProgrammeId);
        c.ThrowIfFailed();
        var smeId = await grains.ProfileOfAsync(owner, "SME");
        if (programmeId is not null) await EnsureApprovedAsync(programmeId, smeId);
        return await grains.GetGrain<INeedGrain>(needId ?? Ids.New("need")).CreateAsync(owner, smeId, details, programmeId);
    }

    /// <summary>The SME puts its draft or open need in a programme that approved it, before a bid is accepted: the issue's
    /// order (draft, publish, apply, approved, then the need joins) as well as naming it at creation.</summary>
    public async Task<NeedView> JoinProgrammeAsync(Caller caller, string needId, NeedProgrammeInput input)
    {
        var c = new Checks();
        var programmeId = c.Id("programmeId", input.ProgrammeId);
        c.ThrowIfFailed();
        var need = await Need(needId).GetAsync(caller);
        // Only the owner learns whether its SME is approved; anyone else finds no such need, as the grain would answer.
        if (!caller.IsAdmin && (caller.Role != Roles.Sme || await grains.ProfileOfAsync(caller, "SME") != need.SmeId))
            throw MarketplaceException.NotFound("Need");
        if (need.ProgrammeId != programmeId) await EnsureApprovedAsync(programmeId, need.SmeId);
        return await Need(needId).JoinProgrammeAsync(caller, programmeId);
    }

    /// <summary>Only an SME the programme approved may name it (the programme checks again when a milestone is funded).</summary>
    private async Task EnsureApprovedAsync(string programmeId, string smeId)
    {
        if (await grains.GetGrain<IProgrammeGrain>(programmeId).GetAsync() is null)
            throw MarketplaceException.Invalid("programmeId", "No such programme.");
        if (!await grains.GetGrain<IProgrammeSmeGrain>(IProgrammeSmeGrain.KeyOf(programmeId, smeId)).IsApprovedAsync())
            throw MarketplaceException.Invalid("programmeId", "Your SME's application to this programme is not approved: apply to it first, and name it once approved.");
    }

    public Task<NeedView> GetAsync(Caller caller, string needId) => Need(needId).GetAsync(caller);

    /// <summary>The SME rewrites its draft before publishing it, with the checks of a new need (the programme stays).</summary>
    public async Task<NeedView> UpdateDraftAsync(Caller caller, string needId, NeedInput input)
    {
        var c = new Checks();
        var details = input.ToDetails(c);
        NeedInput.CheckDeadline(c, details.Deadline, Languages.Formats.Today(time.GetUtcNow()));
        if (input.ProgrammeId is not null) c.Error("programmeId", "Set when the need is created; it cannot change.");
        c.ThrowIfFailed();
        return await Need(needId).UpdateDraftAsync(caller, details);
    }

    /// <summary>Opens the need to bids, within the SME's limit of open needs; repeating it answers the open need. The slot is
    /// reserved in the SME's <see cref="ISmeOpenNeedsGrain"/> (the count's single writer) before the need opens, so of
    /// publications at the same instant with one slot left, one opens; released if the publication fails.</summary>
    public async Task<NeedView> PublishAsync(Caller caller, string needId)
    {
        var need = await Need(needId).GetAsync(caller);
        // The deadline's day is Morocco's (the grain, which knows no time zone, checks UTC's: an hour more lenient).
        if (need.Status == NeedStatus.Draft && need.Details.Deadline < Languages.Formats.Today(time.GetUtcNow()))
            throw MarketplaceException.Conflict("The deadline has passed; set a new one before publishing.");
        if (need.Status != NeedStatus.Draft || caller.IsAdmin) return await Need(needId).PublishAsync(caller);
        var openNeeds = grains.GetGrain<ISmeOpenNeedsGrain>(need.SmeId);
        var slot = await openNeeds.ReserveAsync(needId, limits.MaxOpenPerAccount);
        if (!slot.Taken)
        {
            var checkedNeeds = await Task.WhenAll(slot.Counted.Select(async id => (id, open: await IsOpenAsync(caller, id))));
            var closed = checkedNeeds.Where(n => !n.open).Select(n => n.id).ToList();
            if (closed.Count > 0)
            {
                await openNeeds.ForgetAsync(closed);
                slot = await openNeeds.ReserveAsync(needId, limits.MaxOpenPerAccount);
            }
            if (!slot.Taken)
                throw MarketplaceException.Conflict($"An SME may have at most {limits.MaxOpenPerAccount} open needs at a time; award, cancel or wait for one to close before publishing another.");
        }
        NeedView published;
        try
        {
            published = await Need(needId).PublishAsync(caller);
        }
        catch (Exception) when (slot.Reserved)
        {
            await openNeeds.ReleaseAsync(needId);
            throw;
        }
        if (slot.Reserved) await openNeeds.ConfirmAsync(needId); // counted in memory; the publication's follow-up stores it
        return published;
    }

    private async Task<bool> IsOpenAsync(Caller caller, string needId)
    {
        try { return (await Need(needId).GetAsync(caller)).Status == NeedStatus.Open; }
        catch (MarketplaceException refused) when (refused.Problem is Problem.NotFound) { return false; }
    }

    public Task<NeedView> CancelAsync(Caller caller, string needId) => Need(needId).CancelAsync(caller);

    /// <summary>
    /// The open needs, newest first, by category and region, one page of <see cref="PageSize"/>: by number (at most
    /// <see cref="MaxPage"/>), or after the page before, named by its <c>next</c> (<paramref name="after"/>), to any depth,
    /// none twice and none missed however many are published or closed in between.
    /// </summary>
    public async Task<NeedPage> BrowseAsync(string? status, string? category, string? region, int? page, string? after = null)
    {
        var c = new Checks();
        if ((status ?? "open") != "open") c.Error("status", "Only open needs can be browsed.");
        if (category is not null) c.OneOf("category", category, Reference.Categories);
        if (region is not null) c.OneOf("region", region, Reference.Regions);
        var pageNumber = c.Whole("page", page ?? 1, 1, MaxPage);
        var position = after is null ? null : Position(after);
        if (after is not null && position is null) c.Error("after", "Not a position in this list: use the next of the page before.");
        if (after is not null && page is not null) c.Error("page", "Give the page or the next of the page before, not both.");
        c.ThrowIfFailed();

        // One category: its grain skips to the page. All categories: each gives its newest up to the page's end, merged here.
        var skip = position is null ? (pageNumber - 1) * PageSize : 0;
        var categories = category is not null ? [category] : Reference.Categories;
        var shards = await Task.WhenAll(categories.Select(cat => position is not null
            ? grains.GetGrain<IOpenNeedsGrain>(cat).ListAfterAsync(region, position, PageSize)
            : category is not null ? grains.GetGrain<IOpenNeedsGrain>(cat).ListAsync(region, skip, PageSize)
            : grains.GetGrain<IOpenNeedsGrain>(cat).ListAsync(region, 0, skip + PageSize)));
        var newest = shards.SelectMany(s => s.Needs).OrderByDescending(n => n.PublishedAt).ThenBy(n => n.NeedId, StringComparer.Ordinal)
            .Skip(category is not null || position is not null ? 0 : skip).Take(PageSize).ToList();
        var listings = await Task.WhenAll(newest.Select(n => grains.GetGrain<INeedGrain>(n.NeedId).GetListingAsync()));
        var open = listings.Where(n => n?.Status == NeedStatus.Open).Select(n => NeedResponse.From(n!)).ToList();
        var next = newest.Count == PageSize ? $"{newest[^1].PublishedAt.UtcTicks}.{newest[^1].NeedId}" : null;
        return new NeedPage(position is null ? pageNumber : null, PageSize, shards.Sum(s => s.Total), open, next);
    }

    /// <summary>A page's <c>next</c> read back: the publication time and id of the last need it listed.</summary>
    private static OpenNeed? Position(string after)
    {
        var dot = after.IndexOf('.');
        return dot > 0 && long.TryParse(after.AsSpan(0, dot), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ticks)
            && ticks <= DateTimeOffset.MaxValue.UtcTicks && Ids.IsValid(after[(dot + 1)..])
            ? new OpenNeed(after[(dot + 1)..], "", new DateTimeOffset(ticks, TimeSpan.Zero)) : null;
    }

    /// <summary>The needs an SME posted or a startup bid on, newest first (for the caller: others' drafts are left out).</summary>
    public async Task<IReadOnlyList<NeedView>> OfProfileAsync(Caller caller, string profileId, int take) =>
        await ReadAsync(caller, await grains.GetGrain<IProfileNeedsGrain>(profileId).ListAsync(take));

    /// <summary>One page (from 1) of <see cref="OfProfileAsync"/>, and whether older needs follow it.</summary>
    public async Task<(IReadOnlyList<NeedView> Needs, bool Older)> PageOfProfileAsync(Caller caller, string profileId, int page, int pageSize)
    {
        var ids = await grains.GetGrain<IProfileNeedsGrain>(profileId).PageAsync((Math.Max(1, page) - 1) * pageSize, pageSize + 1);
        return (await ReadAsync(caller, [.. ids.Take(pageSize)]), ids.Count > pageSize);
    }

    /// <summary>The needs a startup won, the newest first (at most <paramref name="take"/>), as the caller may see them.</summary>
    public async Task<IReadOnlyList<NeedView>> ProjectsAsync(Caller caller, string startupId, int take) =>
        await ReadAsync(caller, await grains.GetGrain<Grains.Profiles.IStartupGrain>(startupId).GetProjectIdsAsync(take));

    private async Task<IReadOnlyList<NeedView>> ReadAsync(Caller caller, IReadOnlyList<string> ids)
    {
        var needs = await Task.WhenAll(ids.Select(async id =>
        {
            try { return await Need(id).GetAsync(caller); }
            catch (MarketplaceException refused) when (refused.Problem is Problem.NotFound) { return null; }
        }));
        return [.. needs.OfType<NeedView>()];
    }

    /// <summary>The need of an id a person sent (a link, a form's field): one that cannot be an id is no need (404), never a storage error.</summary>
    private INeedGrain Need(string needId) => Ids.IsValid(needId) ? grains.GetGrain<INeedGrain>(needId) : throw MarketplaceException.NotFound("Need");
}

/// <summary>Per-account limits of needs and bids (<c>Needs:MaxOpenPerAccount</c>, <c>Bids:MaxLivePerAccount</c>).</summary>
public sealed record NeedLimits(int MaxOpenPerAccount, int MaxLiveBidsPerAccount = NeedLimits.DefaultMaxLiveBidsPerAccount)
{
    public const int DefaultMaxOpenPerAccount = 20;
    public const int DefaultMaxLiveBidsPerAccount = 30;

    public static NeedLimits From(IConfiguration config) => new(
        config.GetValue("Needs:MaxOpenPerAccount", DefaultMaxOpenPerAccount),
        config.GetValue("Bids:MaxLivePerAccount", DefaultMaxLiveBidsPerAccount));
}

public static class NeedCommandsRegistration
{
    /// <summary>The needs and bids commands (stateless: singletons) and their limits.</summary>
    public static IServiceCollection AddNeedsAndBids(this IServiceCollection services, IConfiguration config) =>
        services.AddSingleton(NeedLimits.From(config)).AddSingleton<NeedCommands>().AddSingleton<BidCommands>();
}
