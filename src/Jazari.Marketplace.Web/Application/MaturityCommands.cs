using System.Globalization;
using System.Text;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Accounts;
using Jazari.Marketplace.Grains.Maturity;
using Jazari.Marketplace.Grains.Matchmaking;
using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Grains.Profiles;
using Jazari.Marketplace.Web.Audit;
using Jazari.Marketplace.Web.Maturity;

namespace Jazari.Marketplace.Web.Application;

/// <summary>
/// Digital maturity: the questionnaire, an SME's self-assessment scored per dimension beside its peers' median, the
/// plan of needs drawn from its weakest dimensions (budgets from awarded needs, startups that fit), a plan item drafted
/// as a need in one click, and the public impact figures (cells of fewer than <see cref="MinSmes"/> SMEs left out).
/// </summary>
public sealed class MaturityCommands(IGrainFactory grains, QuestionnaireSource questionnaires, NeedCommands needs, AuditTrail audit,
    IConfiguration config, Notifications.NotificationSettings follow, [FromKeyedServices(Clock.Key)] TimeProvider time)
{
    /// <summary>Peers' medians and impact cells show only from this many SMEs: nobody's own score can be read from them.</summary>
    public const int MinSmes = 5;
    /// <summary>The plan takes the weakest dimensions under this score (in tenths), at most <see cref="PlanSize"/>.</summary>
    public const int WeakBelowTenths = 40, PlanSize = 3;
    /// <summary>Awarded needs of a category needed before their quartiles replace the questionnaire's default budget.</summary>
    public const int MinAwardedForBudget = 5;
    public const int StartupsPerRecommendation = 3;

    public Questionnaire Questionnaire => questionnaires.Current;

    public QuestionnaireResponse QuestionnaireIn(string? language) =>
        QuestionnaireResponse.From(Questionnaire, Checks.Valid(c => c.OneOf("language", language ?? "fr", Reference.Languages)));

    private async Task<string> LanguageAsync(Caller caller, string? language)
    {
        if (language is not null) return Checks.Valid(c => c.OneOf("language", language, Reference.Languages));
        var account = caller == Caller.Marketplace ? null : await grains.GetGrain<IAccountGrain>(caller.AccountId).GetAsync();
        return account?.Language is { } l && Reference.IsLanguage(l) ? l : "fr";
    }

    private async Task<SmeDetails> OwnSmeAsync(Caller caller, string smeId)
    {
        if (caller.Role != Roles.Sme || !Ids.IsValid(smeId) || await grains.ProfileOfAsync(caller, "SME") != smeId)
            throw MarketplaceException.NotFound("SME");
        return (await grains.GetGrain<ISmeGrain>(smeId).GetAsync(caller)).Details;
    }

    /// <summary>Scores the answers (one per question), draws the plan and stores the assessment (that SME only).</summary>
    public async Task<AssessmentResponse> AssessAsync(Caller caller, string smeId, AssessmentInput input, string? language = null)
    {
        var q = Questionnaire;
        var answers = Checks.Valid(c => Read(c, q, input));
        var lang = await LanguageAsync(caller, language);
        var sme = await OwnSmeAsync(caller, smeId);
        var scores = q.Dimensions.Select(d => new DimensionScore(d.Id, Tenths(d.Questions.Select(x =>
            q.Options(x).First(o => o.Value == answers[x.Id]).Score * 10)))).ToList();
        var overall = Tenths(scores.Select(s => (double)s.Tenths));
        var plan = new List<PlanItem>();
        foreach (var weak in scores.Select((s, i) => (s, i)).Where(x => x.s.Tenths < WeakBelowTenths).OrderBy(x => x.s.Tenths).ThenBy(x => x.i).Take(PlanSize))
        {
            var r = q.Dimensions[weak.i].Recommendation;
            var budget = Budget(await grains.GetGrain<IAwardedBudgetsGrain>(r.Category).ListAsync(), r.DefaultBudgetMinMad, r.DefaultBudgetMaxMad);
            plan.Add(new PlanItem(plan.Count, weak.s.Dimension, r.Category, r.Skills.In("fr"), budget.MinMinor, budget.MaxMinor, budget.MedianMinor, budget.Awarded));
        }
        var assessment = new Assessment(Ids.New("assessment"), time.GetUtcNow(), q.Version,
            [.. q.Questions.Select(x => new AssessmentAnswer(x.Id, answers[x.Id]))], scores, overall, plan);
        var group = PeerGroup.Of(sme.Region, sme.Sector, sme.Employees);
        var recorded = await grains.GetGrain<ISmeMaturityGrain>(smeId).RecordAsync(caller, assessment, group);
        if (recorded.Id == assessment.Id) // not the same answers sent again
            await audit.RecordAsync(caller, AuditActions.AssessmentTaken, smeId, $"{assessment.Id}: overall {Scores.Of(overall).ToString(CultureInfo.InvariantCulture)}");
        return await ResponseAsync(recorded, await PeersAsync(smeId, group), lang, sme, withStartups: true);
    }

    private static Dictionary<string, int> Read(Checks c, Questionnaire q, AssessmentInput input)
    {
        var answers = new Dictionary<string, int>();
        var given = input.Answers ?? [];
        if (given.Count > 200) { c.Error("answers", "Too many answers."); return answers; }
        foreach (var (a, i) in given.Select((a, i) => (a, i)))
        {
            var question = q.Questions.FirstOrDefault(x => x.Id == a?.QuestionId);
            if (question is null) c.Error($"answers[{i}].questionId", "No such question.");
            else if (a!.Value is not { } v || q.Options(question).All(o => o.Value != v)) c.Error($"answers[{i}].value", "Not one of the question's options.");
            else if (!answers.TryAdd(question.Id, v)) c.Error($"answers[{i}].questionId", "Answered twice.");
        }
        foreach (var missing in q.Questions.Where(x => !answers.ContainsKey(x.Id)))
            c.Error($"answers.{missing.Id}", "Required.");
        return answers;
    }

    private static int Tenths(IEnumerable<double> tenths)
    {
        var list = tenths.ToList();
        return list.Count == 0 ? 0 : (int)Math.Round(list.Average(), MidpointRounding.AwayFromZero);
    }

    /// <summary>The SME's assessments, newest first (that SME, admins); peers as of now.</summary>
    public async Task<AssessmentList> ListAsync(Caller caller, string smeId, string? language = null)
    {
        var lang = await LanguageAsync(caller, language);
        if (!Ids.IsValid(smeId)) throw MarketplaceException.NotFound("SME");
        var assessments = await grains.GetGrain<ISmeMaturityGrain>(smeId).ListAsync(caller);
        if (assessments.Count == 0) return new([]);
        var sme = (await grains.GetGrain<ISmeGrain>(smeId).GetAsync(Caller.Marketplace)).Details;
        var peers = await PeersAsync(smeId, PeerGroup.Of(sme.Region, sme.Sector, sme.Employees));
        // What was done with each item: the need drafted from it, with where it stands.
        var drafted = new Dictionary<(string, int), DraftResponse>();
        var items = await grains.GetGrain<ISmeMaturityGrain>(smeId).DraftedAsync(caller);
        var found = await Task.WhenAll(items.Select(d => DraftedAsync(caller, d.NeedId)));
        for (var i = 0; i < items.Count; i++)
            if (found[i] is { } need) drafted[(items[i].AssessmentId, items[i].Index)] = need;
        var list = new List<AssessmentResponse>();
        foreach (var (a, i) in assessments.Select((a, i) => (a, i)))
        {
            var response = await ResponseAsync(a, peers, lang, sme, withStartups: i == 0);
            list.Add(response with { Recommendations = [.. response.Recommendations.Select(r => r with { Need = drafted.GetValueOrDefault((a.Id, r.Index)) })] });
        }
        return new(list);
    }

    /// <summary>An assessment of the SME (its latest when <paramref name="assessmentId"/> is null), in <paramref name="language"/>
    /// (a page's) or else the caller's, for its programme applications: the caller is the SME or a decider of the application,
    /// already authorised.</summary>
    public async Task<AssessmentSummary?> SummaryAsync(Caller caller, string smeId, string? assessmentId, string? language = null)
    {
        var all = await grains.GetGrain<ISmeMaturityGrain>(smeId).ListAsync(Caller.Marketplace);
        var a = assessmentId is null ? all.FirstOrDefault() : all.FirstOrDefault(x => x.Id == assessmentId);
        return a is null ? null : Summary(a, await LanguageAsync(caller, language));
    }

    private AssessmentSummary Summary(Assessment a, string language) =>
        new(a.Id, a.TakenAt, Scores.Of(a.OverallTenths), [.. a.Scores.Select(s => Scores.Response(s, Questionnaire, language))]);

    private async Task<AssessmentResponse> ResponseAsync(Assessment a, IReadOnlyList<PeerResponse> peers, string lang, SmeDetails sme, bool withStartups)
    {
        var q = Questionnaire;
        var recommendations = new List<RecommendationResponse>();
        foreach (var item in a.Plan)
        {
            var r = q.DimensionOf(item.Dimension)?.Recommendation;
            var startups = withStartups && r is not null
                ? (await grains.StartupsForNeedAsync($"plan-{a.Id}-{item.Index}", Details(item, r, lang, sme.Region), StartupsPerRecommendation, lang))
                    .Select(m => new FitStartup(m.Id, m.Name, m.Score)).ToList()
                : [];
            recommendations.Add(new RecommendationResponse(item.Index, item.Dimension, item.Category, r?.Skills.In(lang) ?? item.Skills, r?.Title.In(lang) ?? item.Category,
                item.BudgetMinMinor / 100, item.BudgetMaxMinor / 100, item.BudgetMedianMinor / 100, item.AwardedNeeds, r?.Why.In(lang) ?? "", startups));
        }
        return new AssessmentResponse(a.Id, a.TakenAt, a.Version, Scores.Of(a.OverallTenths), [.. a.Scores.Select(s => Scores.Response(s, q, lang))],
            peers, recommendations, [.. a.Answers.Select(x => new AssessmentAnswerInput { QuestionId = x.QuestionId, Value = x.Value })]);
    }

    private NeedDetails Details(PlanItem item, DimensionRecommendation r, string lang, string region) => new(
        r.Title.In(lang), r.Description.In(lang), item.Category, r.Skills.In(lang), item.BudgetMinMinor, item.BudgetMaxMinor, Reference.DefaultCurrency,
        // The last day a need published today can stay open: the draft's pages and the need's say the same day.
        Languages.Formats.Today(time.GetUtcNow() + follow.OpenAtMost), region, true, lang);

    /// <summary>The medians of the SME's peers' latest scores (the SME itself left out), when at least five.</summary>
    public async Task<IReadOnlyList<PeerResponse>> PeersAsync(string smeId, PeerGroup group)
    {
        var lines = (await Task.WhenAll(IMaturityFiguresGrain.KeysOf(group.Region).Select(k => grains.GetGrain<IMaturityFiguresGrain>(k).ListAsync())))
            .SelectMany(l => l).Where(l => l.SmeId != smeId && l.Group == group).ToList();
        return [.. Questionnaire.Dimensions.Select(d => d.Id).Append(MaturityLine.Overall).Select(d =>
        {
            var values = lines.Select(l => l.Latest.FirstOrDefault(s => s.Dimension == d)?.Tenths).OfType<int>().ToList();
            return new PeerResponse(d, values.Count >= MinSmes ? Math.Round(Median(values) / 10, 1) : null, values.Count);
        })];
    }

    /// <summary>Median of whole numbers (mean of the two middle ones for an even count).</summary>
    public static double Median(IReadOnlyCollection<int> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2.0;
    }

    public sealed record BudgetRange(long MinMinor, long MaxMinor, long? MedianMinor, int Awarded);

    /// <summary>
    /// The first and third quartiles of the accepted bid amounts (linear interpolation between order statistics, as
    /// spreadsheets' QUARTILE.INC), rounded to whole dirhams, and their median; with fewer than
    /// <see cref="MinAwardedForBudget"/> awards, the questionnaire's default range and no median.
    /// </summary>
    public static BudgetRange Budget(IReadOnlyList<long> awardedMinor, decimal defaultMinMad, decimal defaultMaxMad)
    {
        if (awardedMinor.Count < MinAwardedForBudget)
            return new((long)(defaultMinMad * 100), (long)(defaultMaxMad * 100), null, awardedMinor.Count);
        var sorted = awardedMinor.Order().ToList();
        long Quantile(double p)
        {
            var h = (sorted.Count - 1) * p;
            var lo = (int)Math.Floor(h);
            var value = sorted[lo] + (h - lo) * (sorted[Math.Min(lo + 1, sorted.Count - 1)] - sorted[lo]);
            return (long)Math.Round(value / 100, MidpointRounding.AwayFromZero) * 100;
        }
        return new(Quantile(0.25), Quantile(0.75), Quantile(0.5), sorted.Count);
    }

    /// <summary>Drafts the plan's item as a need of the SME (prefilled, still a draft); the same click again answers the same need.</summary>
    public async Task<DraftResponse> DraftAsync(Caller caller, string smeId, string assessmentId, int index, DraftInput? input = null, string? language = null)
    {
        var lang = await LanguageAsync(caller, language);
        var sme = await OwnSmeAsync(caller, smeId);
        if (!Ids.IsValid(assessmentId)) throw MarketplaceException.NotFound("Assessment");
        var maturity = grains.GetGrain<ISmeMaturityGrain>(smeId);
        var (needId, reserved) = await maturity.DraftNeedIdAsync(caller, assessmentId, index);
        if (!reserved && await DraftedAsync(caller, needId) is { } drafted) return drafted; // else reserved, not created: create it now
        var item = (await maturity.ListAsync(caller)).First(a => a.Id == assessmentId).Plan[index];
        var r = Questionnaire.DimensionOf(item.Dimension)?.Recommendation
            ?? throw MarketplaceException.Conflict("This recommendation's dimension is no longer in the questionnaire.");
        var d = Details(item, r, lang, sme.Region);
        try
        {
            var need = await needs.CreateAsync(caller, new NeedInput
            {
                Title = d.Title, Description = d.Description, Category = d.Category, Skills = [.. d.Skills], BudgetMinMad = d.BudgetMinMinor / 100m,
                BudgetMaxMad = d.BudgetMaxMinor / 100m, Deadline = d.Deadline.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Region = d.Region,
                RemoteOk = true, Language = lang, ProgrammeId = input?.ProgrammeId,
            }, needId);
            return new DraftResponse(need.Id, need.Status.Name());
        }
        catch (MarketplaceException e) when (e.Problem == Problem.Conflict)
        {
            // The same click twice at once: the other request created the need under the reserved id.
            if (await DraftedAsync(caller, needId) is { } other) return other;
            throw;
        }
    }

    /// <summary>The need drafted under <paramref name="needId"/>, null while it is not created.</summary>
    private async Task<DraftResponse?> DraftedAsync(Caller caller, string needId)
    {
        try { return new DraftResponse(needId, (await needs.GetAsync(caller, needId)).Status.Name()); }
        catch (MarketplaceException e) when (e.Problem == Problem.NotFound) { return null; }
    }

    /// <summary>An admin invites the SME's owner to take the assessment again now (once a day at most); the e-mail follows.</summary>
    public async Task<ReassessmentInvitationResponse> InviteAsync(Caller caller, string smeId)
    {
        if (!caller.IsAdmin || !Ids.IsValid(smeId)) throw MarketplaceException.NotFound("SME");
        var sme = await grains.GetGrain<ISmeGrain>(smeId).GetAsync(caller);
        var invitation = await grains.GetGrain<ISmeMaturityGrain>(smeId).InviteNowAsync(sme.OwnerAccountId);
        await audit.RecordAsync(caller, AuditActions.ReassessmentInvited, smeId, invitation.Key);
        return new ReassessmentInvitationResponse(invitation.Key, invitation.DueAt);
    }

    private readonly Lock cacheGate = new();
    private readonly SemaphoreSlim refreshing = new(1, 1);
    private (DateTimeOffset At, Published Figures)? cache;

    /// <summary>Every SME's line and which cells of them show, read at most once a minute (<c>Maturity:ImpactCacheSeconds</c>): the page is public.</summary>
    private sealed record Published(IReadOnlyList<MaturityLine> Lines, Audited Cells);

    /// <summary>
    /// The cells the figures show, audited together: the region x sector table's cells (<see cref="Visibility"/>) and the
    /// programmes (<see cref="ProgrammeVisibility"/>), less those <see cref="Disclosure"/> holds back so that no sum or
    /// difference of what is shown gives 1 to <paramref name="min"/> - 1 SMEs.
    /// </summary>
    public sealed class Audited
    {
        private readonly Visibility table;
        private readonly HashSet<(string Region, string Sector)> heldBack = [];

        public Audited(IReadOnlyList<MaturityLine> lines, int min)
        {
            table = new Visibility(lines, min);
            var programmes = new ProgrammeVisibility(lines, table, min).Shown.ToHashSet(StringComparer.Ordinal);
            var regions = lines.Select(l => l.Group.Region).Distinct().ToList();
            var sectors = lines.Select(l => l.Group.Sector).Distinct().ToList();
            var cells = new List<(string? Region, string? Sector)> { (null, null) };
            cells.AddRange(regions.Where(r => table.Of(r, null)).Select(r => ((string?)r, (string?)null)));
            cells.AddRange(sectors.Where(x => table.Of(null, x)).Select(x => ((string?)null, (string?)x)));
            cells.AddRange(regions.SelectMany(r => sectors.Where(x => table.Of(r, x)).Select(x => ((string?)r, (string?)x))));
            // The groups: SMEs of the same region, sector and programmes shown.
            string Key(MaturityLine l) => $"{l.Group.Region}\n{l.Group.Sector}\n" +
                string.Join('|', l.Completed.Select(c => c.ProgrammeId).Where(programmes.Contains).Distinct().Order(StringComparer.Ordinal));
            var groups = lines.GroupBy(Key).Select(g => g.ToList()).ToList();
            var named = programmes.Order(StringComparer.Ordinal).ToList();
            var sets = cells.Select(c => (IReadOnlyList<int>)[.. groups.Select((g, i) => (g, i))
                    .Where(x => (c.Region is null || x.g[0].Group.Region == c.Region) && (c.Sector is null || x.g[0].Group.Sector == c.Sector)).Select(x => x.i)])
                .Concat(named.Select(p => (IReadOnlyList<int>)[.. groups.Select((g, i) => (g, i))
                    .Where(x => x.g[0].Completed.Any(c => c.ProgrammeId == p)).Select(x => x.i)]))
                .ToList();
            foreach (var s in Disclosure.HeldBack(sets, [.. groups.Select(g => g.Count)], min, new HashSet<int> { 0 }))
            {
                if (s < cells.Count) heldBack.Add((cells[s].Region ?? "", cells[s].Sector ?? ""));
                else programmes.Remove(named[s - cells.Count]);
            }
            Programmes = programmes;
        }

        /// <summary>The programmes whose SMEs are shown whole.</summary>
        public IReadOnlySet<string> Programmes { get; }

        /// <summary>Whether the cell of these SMEs (null: any region, or any sector) is shown.</summary>
        public bool Of(string? region, string? sector) => table.Of(region, sector) && !heldBack.Contains((region ?? "", sector ?? ""));
    }

    private async Task<Published> PublishedAsync()
    {
        var seconds = config.GetValue("Maturity:ImpactCacheSeconds", 60);
        lock (cacheGate)
            if (cache is { } c && time.GetUtcNow() - c.At < TimeSpan.FromSeconds(seconds)) return c.Figures;
        // One request reads and decides; the others show the last figures meanwhile, or wait for the first ones.
        if (!await refreshing.WaitAsync(0))
        {
            lock (cacheGate)
                if (cache is { } stale) return stale.Figures;
            await refreshing.WaitAsync();
        }
        try
        {
            var now = time.GetUtcNow();
            lock (cacheGate)
                if (cache is { } c && now - c.At < TimeSpan.FromSeconds(seconds)) return c.Figures;
            return await ReadAsync(now);
        }
        finally { refreshing.Release(); }
    }

    private async Task<Published> ReadAsync(DateTimeOffset now)
    {
        var keys = Reference.Regions.SelectMany(IMaturityFiguresGrain.KeysOf);
        // An SME moving region is in two shards for a moment: counted once.
        var lines = (await Task.WhenAll(keys.Select(k => grains.GetGrain<IMaturityFiguresGrain>(k).ListAsync()))).SelectMany(l => l)
            .DistinctBy(l => l.SmeId).ToList();
        var figures = new Published(lines, new Audited(lines, MinSmes));
        lock (cacheGate) cache = (now, figures);
        return figures;
    }

    /// <summary>The public figures: all SMEs, then one cell per region, sector and programme, of the SMEs the filters keep.</summary>
    public async Task<ImpactResponse> ImpactAsync(string? region, string? sector, string? programmeId)
    {
        Checks.Valid(c =>
        {
            if (region is not null) c.OneOf("region", region, Reference.Regions);
            if (sector is not null) c.Text("sector", sector, 100);
            if (programmeId is not null) c.Id("programmeId", programmeId);
            return 0;
        });
        var wantedSector = sector?.Trim().ToLowerInvariant();
        var (all, visible) = await PublishedAsync();
        var ofProgramme = all.Where(l => programmeId is null || l.Completed.Any(c => c.ProgrammeId == programmeId)).ToList();
        var lines = ofProgramme.Where(l => (region is null || l.Group.Region == region) && (wantedSector is null || l.Group.Sector == wantedSector)).ToList();
        var cells = new List<ImpactCell?>();
        if (lines.Count == 0) return new ImpactResponse(time.GetUtcNow(), MinSmes, []); // a sector nobody is in: nothing to decide, nothing remembered
        if (programmeId is not null)
        {
            // A programme's SMEs are shown whole only: its cells by region or sector would be subtracted from the same
            // cells of all SMEs.
            if (region is null && wantedSector is null && visible.Programmes.Contains(programmeId)) cells.Add(Cell(null, null, programmeId, lines, null));
            return new ImpactResponse(time.GetUtcNow(), MinSmes, [.. cells.OfType<ImpactCell>()]);
        }
        cells.Add(visible.Of(region, wantedSector) ? Cell(null, null, null, lines, null) : null);
        cells.AddRange(lines.GroupBy(l => l.Group.Region).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => visible.Of(g.Key, wantedSector) ? Cell(g.Key, null, null, [.. g], null) : null));
        cells.AddRange(lines.GroupBy(l => l.Group.Sector).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => visible.Of(region, g.Key) ? Cell(null, g.Key, null, [.. g], null) : null));
        // Each programme's SMEs (all their work, as every cell sums it), in the answer for all SMEs only.
        if (region is null && wantedSector is null)
            cells.AddRange(visible.Programmes.Order(StringComparer.Ordinal)
                .Select(p => Cell(null, null, p, [.. lines.Where(l => l.Completed.Any(c => c.ProgrammeId == p))], null)));
        return new ImpactResponse(time.GetUtcNow(), MinSmes, [.. cells.OfType<ImpactCell>()]);
    }

    /// <summary>
    /// Which region × sector cells the public figures may show, the same in every query, so that no subtraction of cells
    /// (within one answer or across filtered ones) gives the sums of 1 to 4 SMEs. A cell shows when it survives, in each
    /// breakdown it belongs to (its region among the regions of its sector, its sector among the sectors of its region,
    /// and the same with the other left open), the suppression of <see cref="Shown"/>.
    /// </summary>
    public sealed class Visibility(IReadOnlyList<MaturityLine> lines, int min)
    {
        private readonly Dictionary<(string Region, string Sector), int> counts =
            lines.GroupBy(l => (l.Group.Region, l.Group.Sector)).ToDictionary(g => g.Key, g => g.Count());
        // Shared by the requests of a minute: read from several threads.
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, IReadOnlySet<string>> regionsOf = new(), sectorsOf = new();
        private readonly System.Collections.Concurrent.ConcurrentDictionary<(string, string), bool> decided = new();

        /// <summary>Whether the cell of these SMEs (null: any region, or any sector) may be shown. A region × sector cell
        /// shows only when its region and its sector show whole too: a region held back to protect a smaller one would
        /// otherwise be read from its sectors.</summary>
        public bool Of(string? region, string? sector) => decided.GetOrAdd((region ?? "\0", sector ?? "\0"), _ => Decide(region, sector));

        private bool Decide(string? region, string? sector) =>
            (region is null || RegionsShown(sector).Contains(region)) && (sector is null || SectorsShown(region).Contains(sector))
            && counts.Where(c => (region is null || c.Key.Region == region) && (sector is null || c.Key.Sector == sector)).Sum(c => c.Value) >= min
            && (region is null || sector is null || (Of(region, null) && Of(null, sector)));

        private IReadOnlySet<string> RegionsShown(string? sector) => Memo(regionsOf, sector, () =>
            Shown(counts.Where(c => sector is null || c.Key.Sector == sector).GroupBy(c => c.Key.Region, c => c.Value).Select(g => (g.Key, g.Sum())), min));

        private IReadOnlySet<string> SectorsShown(string? region) => Memo(sectorsOf, region, () =>
            Shown(counts.Where(c => region is null || c.Key.Region == region).GroupBy(c => c.Key.Sector, c => c.Value).Select(g => (g.Key, g.Sum())), min));

        private static IReadOnlySet<string> Memo(System.Collections.Concurrent.ConcurrentDictionary<string, IReadOnlySet<string>> memo, string? key,
            Func<IReadOnlySet<string>> make) => memo.GetOrAdd(key ?? "\0", _ => make());
    }

    /// <summary>
    /// Which programmes' SMEs may be shown whole, decided for all programmes at once. Every set the figures show (the
    /// whole, each region, sector and region x sector <paramref name="cells"/> shows, each programme shown) is a union of
    /// groups of SMEs that belong to the same ones; any sum or difference of sets shown is a sum or difference of such
    /// groups. So every group of SMEs of a programme shown, and every group of the others that shares its cells with one,
    /// must hold none or at least <paramref name="min"/> SMEs: while one holds 1 to <paramref name="min"/> - 1, the
    /// smallest programme splitting it is held back.
    /// </summary>
    public sealed class ProgrammeVisibility
    {
        public ProgrammeVisibility(IReadOnlyList<MaturityLine> lines, Visibility cells, int min)
        {
            var members = lines.SelectMany(l => l.Completed.Where(c => c.ProgrammeId != "").Select(c => (c.ProgrammeId, l.SmeId)))
                .GroupBy(x => x.ProgrammeId, x => x.SmeId).ToDictionary(g => g.Key, g => g.ToHashSet(StringComparer.Ordinal));
            var shown = members.Where(m => m.Value.Count >= min).Select(m => m.Key).ToHashSet(StringComparer.Ordinal);
            // The cells shown an SME is in: its region's, its sector's and its region x sector's, each when shown.
            var where = lines.DistinctBy(l => l.SmeId).ToDictionary(l => l.SmeId, l => string.Join('|', cells.Of(l.Group.Region, null) ? l.Group.Region : "",
                cells.Of(null, l.Group.Sector) ? l.Group.Sector : "", cells.Of(l.Group.Region, l.Group.Sector) ? "rs" : ""), StringComparer.Ordinal);
            while (true)
            {
                string Programmes(MaturityLine l) =>
                    string.Join('|', l.Completed.Select(c => c.ProgrammeId).Where(shown.Contains).Distinct().Order(StringComparer.Ordinal));
                var small = lines.GroupBy(l => where[l.SmeId])
                    .Select(cell => cell.GroupBy(Programmes).ToList())
                    .Where(groups => groups.Any(g => g.Key != ""))
                    .SelectMany(groups => groups.Where(g => g.Count() < min).Select(g => (Group: g, Cell: groups)))
                    .FirstOrDefault();
                if (small.Group is not null)
                {
                    // The smallest programme of the small group, or, for a group of no programme, of its cell's.
                    var candidates = small.Group.Key != "" ? small.Group.Key.Split('|') : small.Cell.SelectMany(g => g.Key.Split('|')).Where(p => p != "");
                    shown.Remove(candidates.OrderBy(p => members[p].Count).ThenBy(p => p, StringComparer.Ordinal).First());
                    continue;
                }
                // And each programme against each cell shown whole (a region holds several groups: the region minus the
                // programme must not leave 1 to 4), against the SMEs in no cell shown at each level, and against each other.
                var apart = shown.OrderBy(p => members[p].Count).ThenBy(p => p, StringComparer.Ordinal)
                    .FirstOrDefault(p => !Apart(lines, cells, members[p], min) || shown.Any(q => q != p && !Apart(members[p], members[q], min)));
                if (apart is null) break;
                shown.Remove(apart);
            }
            Shown = shown;
        }

        private static bool Apart(IReadOnlyList<MaturityLine> lines, Visibility cells, HashSet<string> of, int min)
        {
            bool Few(int smes) => smes is > 0 && smes < min;
            foreach (var level in new Func<MaturityLine, string?>[]
            {
                _ => "all",
                l => cells.Of(l.Group.Region, null) ? l.Group.Region : null,
                l => cells.Of(null, l.Group.Sector) ? l.Group.Sector : null,
                l => cells.Of(l.Group.Region, l.Group.Sector) ? $"{l.Group.Region}|{l.Group.Sector}" : null,
            })
                foreach (var cell in lines.GroupBy(level))
                {
                    var inside = cell.Count(l => of.Contains(l.SmeId));
                    if (Few(inside) || (cell.Key is not null && Few(cell.Count() - inside))) return false;
                }
            return true;
        }

        private static bool Apart(HashSet<string> one, HashSet<string> other, int min)
        {
            bool Few(int smes) => smes is > 0 && smes < min;
            return !Few(one.Count(other.Contains)) && !Few(one.Count(id => !other.Contains(id))) && !Few(other.Count(id => !one.Contains(id)));
        }

        public IReadOnlySet<string> Shown { get; }

        public bool Of(string programmeId) => Shown.Contains(programmeId);
    }

    /// <summary>
    /// The groups of a breakdown (key, SMEs) that may be shown. A group under <paramref name="min"/> SMEs is left out; and
    /// when those left out hold 1 to <paramref name="min"/> - 1 SMEs in all, the smallest shown group is left out with them:
    /// otherwise the whole minus the groups shown would give their sums (a sector alone in its region).
    /// </summary>
    public static IReadOnlySet<string> Shown(IEnumerable<(string Key, int Smes)> groups, int min)
    {
        var all = groups.ToList();
        var shown = all.Where(g => g.Smes >= min).OrderBy(g => g.Smes).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
        var left = all.Where(g => g.Smes < min).Sum(g => g.Smes);
        if (left is > 0 && left < min && shown.Count > 0) shown.RemoveAt(0);
        return shown.Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
    }

    private ImpactCell? Cell(string? region, string? sector, string? programmeId, IReadOnlyList<MaturityLine> lines, string? sumsOf)
    {
        if (lines.Count < MinSmes) return null;
        var reassessed = lines.Where(l => l.After is not null).ToList();
        var dimensions = Questionnaire.Dimensions.Select(d => d.Id).Append(MaturityLine.Overall).ToList();
        IReadOnlyList<MedianResponse> Medians(IEnumerable<IReadOnlyList<DimensionScore>> scores)
        {
            var all = scores.ToList();
            return [.. dimensions.Select(d => (d, values: all.Select(s => s.FirstOrDefault(x => x.Dimension == d)?.Tenths).OfType<int>().ToList()))
                .Where(x => x.values.Count >= MinSmes).Select(x => new MedianResponse(x.d, Math.Round(Median(x.values) / 10, 1)))];
        }
        var sums = lines.SelectMany(l => l.Completed).Where(c => sumsOf is null || c.ProgrammeId == sumsOf).ToList();
        return new ImpactCell(region, sector, programmeId, lines.Count, reassessed.Count, Medians(lines.Select(l => l.Before)),
            reassessed.Count >= MinSmes ? Medians(reassessed.Select(l => l.After!)) : [], sums.Sum(s => s.NeedsCompleted), sums.Sum(s => s.ReleasedMinor),
            sums.Sum(s => s.CoFundedMinor), Reference.DefaultCurrency);
    }

    /// <summary>The same figures as CSV: one row per cell, a before and an after column per dimension and overall.</summary>
    public string Csv(ImpactResponse impact)
    {
        var dimensions = Questionnaire.Dimensions.Select(d => d.Id).Append(MaturityLine.Overall).ToList();
        var csv = new StringBuilder("region,sector,programmeId,smes,reassessed,needsCompleted,releasedMinor,coFundedMinor,currency");
        foreach (var d in dimensions) csv.Append(",before_").Append(d);
        foreach (var d in dimensions) csv.Append(",after_").Append(d);
        csv.Append('\n');
        static string Field(string? v) => DashboardExports.CsvField(v); // quoted, and a leading = + - @ kept as text, not a formula
        static string Number(double? v) => v?.ToString("0.0", CultureInfo.InvariantCulture) ?? "";
        foreach (var c in impact.Cells)
        {
            csv.Append(string.Join(',', Field(c.Region), Field(c.Sector), Field(c.ProgrammeId), c.Smes, c.Reassessed, c.NeedsCompleted, c.ReleasedMinor,
                c.CoFundedMinor, c.Currency));
            foreach (var d in dimensions) csv.Append(',').Append(Number(c.Before.FirstOrDefault(m => m.Dimension == d)?.Median));
            foreach (var d in dimensions) csv.Append(',').Append(Number(c.After.FirstOrDefault(m => m.Dimension == d)?.Median));
            csv.Append('\n');
        }
        return csv.ToString();
    }
}
