namespace Jazari.Marketplace.Matching;

/// <summary>
/// The open needs, indexed for "which needs fit this startup?": the same terms, hard constraints
/// and score as <see cref="StartupIndex"/>, seen from the other side. IDF comes from the needs
/// indexed here. Not thread-safe: one owner (a grain) at a time.
/// </summary>
public sealed class NeedIndex(Lexicon? lexicon = null)
{
    private readonly Lexicon lexicon = lexicon ?? Lexicon.Default;
    private readonly PostingIndex index = new();
    private readonly Dictionary<string, int> slotsById = new(StringComparer.Ordinal);
    private readonly List<int> touched = [];
    private NeedEntry?[] entries = new NeedEntry?[16];
    private double[] relevance = [];
    private double[] category = [];
    private int[] stamps = [];
    private int epoch;
    private int version;

    public int Count => slotsById.Count;

    public void Upsert(NeedProfile need)
    {
        var terms = ProfileTerms.ForNeed(need, lexicon);
        Remove(need.Id);
        version++;
        var slot = index.Add(terms);
        if (slot >= entries.Length)
        {
            Array.Resize(ref entries, entries.Length * 2);
        }
        entries[slot] = new NeedEntry(need, terms.LanguageMask);
        slotsById[need.Id] = slot;
    }

    public bool Remove(string id)
    {
        if (!slotsById.Remove(id, out var slot))
        {
            return false;
        }
        index.Remove(slot);
        entries[slot] = null;
        version++;
        return true;
    }

    /// <summary>The open needs this startup can take, best first, explained in <paramref name="language"/>.</summary>
    public IReadOnlyList<Match> TopFor(StartupProfile startup, int top, string language)
    {
        if (top <= 0 || Count == 0 || startup.ActiveProjects >= startup.Capacity)
        {
            return [];
        }
        var plan = QueryPlan.Build(ProfileTerms.ForStartup(startup, lexicon), index);
        var seller = new Seller(new StartupTraits(startup, 0), new StartupEntry(startup));
        if (stamps.Length < index.SlotCapacity)
        {
            var size = Math.Max(index.SlotCapacity, stamps.Length * 2);
            Array.Resize(ref stamps, size);
            Array.Resize(ref relevance, size);
            Array.Resize(ref category, size);
        }
        epoch = epoch > int.MaxValue - 2 ? ResetStamps() : epoch + 1;
        touched.Clear();
        foreach (var (term, weight) in plan.Relevance)
        {
            Accumulate(term, weight, isCategory: false);
        }
        foreach (var (term, weight) in plan.Categories)
        {
            Accumulate(term, weight, isCategory: true);
        }
        var heap = new TopN(Math.Min(top, Count));
        foreach (var slot in touched)
        {
            var need = entries[slot]!;
            if (MatchScoring.Feasible(seller.Traits.ServedMask, need.RegionIndex, seller.Traits.PriceMin, need.BudgetMax, 1, 0))
            {
                heap.Offer(Score(slot, seller.Traits), need.Id, slot);
            }
        }
        return heap.Drain().Select(h => ToMatch(h.Slot, seller, plan, language)).ToList();
    }

    private void Accumulate(int term, double weight, bool isCategory)
    {
        var postings = index.Postings(term);
        for (var i = 0; i < postings.Count; i++)
        {
            var slot = postings.Slots[i];
            if (stamps[slot] != epoch)
            {
                stamps[slot] = epoch;
                relevance[slot] = 0;
                category[slot] = 0;
                touched.Add(slot);
            }
            if (isCategory)
            {
                category[slot] = Math.Max(category[slot], weight * postings.Weights[i]);
            }
            else
            {
                relevance[slot] += weight * postings.Weights[i];
            }
        }
    }

    /// <summary>The need's own norm: what a startup covering all of it would sum, with this index's IDF.
    /// Cached until the next change to the index (IDF moves with every need added or removed).</summary>
    private double NormOf(int slot)
    {
        var need = entries[slot]!;
        if (need.NormVersion != version)
        {
            need.Norm = ComputeNorm(slot);
            need.NormVersion = version;
        }
        return need.Norm;
    }

    private double ComputeNorm(int slot)
    {
        var norm = 0.0;
        foreach (var docTerm in index.TermsOf(slot))
        {
            if (!index.IsCategory(docTerm.Term))
            {
                norm += docTerm.Weight * index.Idf(docTerm.Term);
            }
        }
        return norm;
    }

    private double Score(int slot, in StartupTraits seller)
    {
        var need = entries[slot]!;
        var norm = NormOf(slot);
        return MatchScoring.Score(
            norm > 0 ? relevance[slot] / norm : 0,
            category[slot],
            MatchScoring.BudgetFit(seller.PriceMin, seller.PriceMax, need.BudgetMin, need.BudgetMax),
            seller.Reputation,
            !need.RemoteOk && need.RegionIndex >= 0 && seller.RegionIndex == need.RegionIndex,
            (seller.LanguageMask & need.LanguageBit) != 0);
    }

    private PairFacts Facts(int slot, Seller seller)
    {
        var need = entries[slot]!;
        var norm = NormOf(slot);
        var traits = seller.Traits;
        return new PairFacts
        {
            Relevance = norm > 0 ? relevance[slot] / norm : 0,
            Category = category[slot],
            Budget = MatchScoring.BudgetFit(traits.PriceMin, traits.PriceMax, need.BudgetMin, need.BudgetMax),
            Reputation = traits.Reputation,
            OnSite = !need.RemoteOk && need.RegionIndex >= 0 && traits.RegionIndex == need.RegionIndex,
            SharedLanguage = (traits.LanguageMask & need.LanguageBit) != 0,
            PriceMin = traits.PriceMin,
            PriceMax = traits.PriceMax,
            BudgetMin = need.BudgetMin,
            BudgetMax = need.BudgetMax,
            Region = seller.Entry.Region,
            Language = Languages.Shared(need.Language, traits.LanguageMask & need.LanguageBit),
            Rating = seller.Entry.Rating,
            RatingCount = seller.Entry.RatingCount,
        };
    }

    private Match ToMatch(int slot, Seller seller, QueryPlan plan, string language)
    {
        var facts = Facts(slot, seller);
        plan.Explain(index, slot, NormOf(slot), facts);
        var need = entries[slot]!;
        facts.CategoryDeclared = facts.CategoryKey is { } category && category == need.Category;
        return new Match(need.Id, need.Title, facts.Score, Explanations.Explain(facts, lexicon, language, toStartup: true));
    }

    private sealed record Seller(StartupTraits Traits, StartupEntry Entry);

    private int ResetStamps()
    {
        Array.Clear(stamps);
        return 1;
    }
}
