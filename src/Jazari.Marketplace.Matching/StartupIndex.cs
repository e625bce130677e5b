namespace Jazari.Marketplace.Matching;

/// <summary>
/// The startups, indexed for "which startups fit this need?". Candidates come from the posting
/// lists of the need's terms (rare terms first; very common terms are only checked on candidates
/// unless the top N could still change), so a query costs what its candidates cost. Not thread-safe:
/// one owner (a grain) at a time.
/// </summary>
public sealed partial class StartupIndex(Lexicon? lexicon = null)
{
    private readonly Lexicon lexicon = lexicon ?? Lexicon.Default;
    private readonly PostingIndex index = new();
    private readonly Dictionary<string, int> slotsById = new(StringComparer.Ordinal);
    private readonly List<int> touched = [];
    private readonly List<(int Term, double Weight)> light = [];
    private readonly List<(int Slot, double Score)> known = [];
    private StartupEntry?[] entries = new StartupEntry?[16];
    private StartupTraits[] traits = new StartupTraits[16];
    private Accumulator[] acc = [];
    private int epoch;

    public int Count => slotsById.Count;

    public void Upsert(StartupProfile startup)
    {
        var terms = ProfileTerms.ForStartup(startup, lexicon);
        Remove(startup.Id);
        var slot = index.Add(terms);
        if (slot >= entries.Length)
        {
            Array.Resize(ref entries, entries.Length * 2);
            Array.Resize(ref traits, entries.Length);
        }
        entries[slot] = new StartupEntry(startup);
        traits[slot] = new StartupTraits(startup, index.Signature(slot));
        slotsById[startup.Id] = slot;
    }

    public bool Remove(string id)
    {
        if (!slotsById.Remove(id, out var slot))
        {
            return false;
        }
        index.Remove(slot);
        entries[slot] = null;
        return true;
    }

    /// <summary>The best feasible startups for a need, best first, explained in <paramref name="language"/>.</summary>
    public IReadOnlyList<Match> TopFor(NeedProfile need, int top, string language) => Rank(need, top, language, scan: false);

    /// <summary>The same ranking by scoring every startup, without the inverted index: the baseline for benchmarks and tests.</summary>
    public IReadOnlyList<Match> ScanTopFor(NeedProfile need, int top, string language) => Rank(need, top, language, scan: true);

    private List<Match> Rank(NeedProfile need, int top, string language, bool scan)
    {
        if (top <= 0 || Count == 0)
        {
            return [];
        }
        var terms = ProfileTerms.ForNeed(need, lexicon);
        var plan = QueryPlan.Build(terms, index);
        // The declared language is a hint: the languages the need is really written in count too.
        var context = new NeedContext(need, Regions.IndexOf(need.Region), Languages.Bit(need.Language) | terms.LanguageMask, plan.Norm);
        var heap = new TopN(Math.Min(top, Count));
        if (scan)
        {
            Scan(plan, context, heap);
        }
        else
        {
            Search(plan, context, heap);
        }
        return heap.Drain().Select(h => ToMatch(h.Slot, plan, context, language)).ToList();
    }

    private void Consider(int slot, NeedContext need, TopN heap)
    {
        ref readonly var startup = ref traits[slot];
        if (Feasible(startup, need))
        {
            Offer(heap, Score(slot, startup, need), slot);
        }
    }

    private static bool Feasible(in StartupTraits startup, NeedContext need) =>
        startup.HasFreeCapacity && MatchScoring.Feasible(startup.ServedMask, need.Region, startup.PriceMin, need.Profile.BudgetMaxMinor, 1, 0);

    private double Score(int slot, in StartupTraits startup, NeedContext need) =>
        MatchScoring.Score(
            need.Norm > 0 ? acc[slot].Relevance / need.Norm : 0,
            acc[slot].Category,
            MatchScoring.BudgetFit(startup.PriceMin, startup.PriceMax, need.Profile.BudgetMinMinor, need.Profile.BudgetMaxMinor),
            startup.Reputation,
            OnSite(startup, need),
            (startup.LanguageMask & need.LanguageBit) != 0);

    private static bool OnSite(in StartupTraits startup, NeedContext need) =>
        !need.Profile.RemoteOk && need.Region >= 0 && startup.RegionIndex == need.Region;

    private Match ToMatch(int slot, QueryPlan plan, NeedContext need, string language)
    {
        var startup = entries[slot]!;
        ref readonly var traits = ref this.traits[slot];
        var facts = new PairFacts
        {
            Relevance = need.Norm > 0 ? acc[slot].Relevance / need.Norm : 0,
            Category = acc[slot].Category,
            Budget = MatchScoring.BudgetFit(traits.PriceMin, traits.PriceMax, need.Profile.BudgetMinMinor, need.Profile.BudgetMaxMinor),
            Reputation = traits.Reputation,
            OnSite = OnSite(traits, need),
            SharedLanguage = (traits.LanguageMask & need.LanguageBit) != 0,
            PriceMin = traits.PriceMin,
            PriceMax = traits.PriceMax,
            BudgetMin = need.Profile.BudgetMinMinor,
            BudgetMax = need.Profile.BudgetMaxMinor,
            Region = startup.Region,
            Language = Languages.Shared(need.Profile.Language, traits.LanguageMask & need.LanguageBit),
            Rating = startup.Rating,
            RatingCount = startup.RatingCount,
        };
        plan.Explain(index, slot, need.Norm, facts);
        facts.CategoryDeclared = facts.CategoryKey is { } category && category == ProfileTerms.CategoryKey(need.Profile.Category);
        return new Match(startup.Id, startup.Name, facts.Score, Explanations.Explain(facts, lexicon, language));
    }

    private int NextEpoch()
    {
        EnsureAccumulators();
        if (epoch > int.MaxValue - 4)
        {
            Array.Clear(acc);
            epoch = 0;
        }
        epoch += 2;
        return epoch;
    }

    private void EnsureAccumulators()
    {
        if (acc.Length < index.SlotCapacity)
        {
            Array.Resize(ref acc, Math.Max(index.SlotCapacity, acc.Length * 2));
        }
    }

    private sealed record NeedContext(NeedProfile Profile, int Region, int LanguageBit, double Norm);
}
