namespace Jazari.Marketplace.Matching;

/// <summary>How <see cref="StartupIndex"/> finds its top N: through the postings, or by scanning (the baseline).</summary>
public sealed partial class StartupIndex
{
    /// <summary>
    /// Exact top N, MaxScore style. Category terms, lexicon concepts and rare words ("essential")
    /// generate the candidates; frequent words ("light", long posting lists, low IDF) are only
    /// looked up in a candidate's own terms while it can still enter the top N. Startups sharing
    /// nothing but light words are visited only if the bound says they could still make it.
    /// </summary>
    private void Search(QueryPlan plan, NeedContext need, TopN heap)
    {
        var current = NextEpoch();
        touched.Clear();
        light.Clear();
        var lightAbove = Math.Max(64, index.DocumentCount / 10);
        foreach (var (term, weight) in plan.Relevance)
        {
            if (index.DocumentFrequency(term) > lightAbove && !index.Key(term).StartsWith(ProfileTerms.ConceptPrefix, StringComparison.Ordinal))
            {
                light.Add((term, weight));
                continue;
            }
            Accumulate(term, weight, current, isCategory: false);
        }
        foreach (var (term, weight) in plan.Categories)
        {
            Accumulate(term, weight, current, isCategory: true);
        }
        light.Sort((a, b) => b.Weight.CompareTo(a.Weight));
        var lightTotal = light.Sum(t => t.Weight);

        // Score every feasible candidate without its light words first: the N-th best of these is a
        // floor the final N-th cannot fall under, so only candidates within reach of it get looked up.
        var floorHeap = new TopN(heap.Capacity);
        known.Clear();
        foreach (var slot in touched)
        {
            ref readonly var startup = ref traits[slot];
            if (Feasible(startup, need))
            {
                var score = Score(slot, startup, need);
                known.Add((slot, score));
                floorHeap.Offer(score, "", slot);
            }
        }
        var floor = floorHeap.IsFull ? floorHeap.MinScore : double.NegativeInfinity;
        var lightMax = need.Norm > 0 ? MatchScoring.RelevanceWeight * lightTotal / need.Norm : 0;
        foreach (var (slot, score) in known)
        {
            if (score + lightMax >= floor)
            {
                AddLight(slot, score, need, heap, lightTotal);
            }
        }
        if (light.Count == 0 || need.Norm <= 0)
        {
            return;
        }

        // Startups not seen yet share only light words: no category, relevance at most lightTotal / norm.
        // Visit the heaviest light words' postings until the rest could not lift anyone into the top N.
        touched.Clear();
        var remaining = lightTotal;
        foreach (var (term, weight) in light)
        {
            var bound = MatchScoring.RelevanceWeight * Math.Min(1, remaining / need.Norm) + MatchScoring.MaxWithoutRelevanceOrCategory;
            if (heap.IsFull && heap.MinScore > bound)
            {
                break;
            }
            Accumulate(term, 0, current + 1, isCategory: false, skipStamp: current);
            remaining -= weight;
        }
        foreach (var slot in touched)
        {
            acc[slot].Relevance = 0;
            ConsiderWithLight(slot, need, heap, lightTotal);
        }
    }

    /// <summary>Scores a candidate, adding light words heaviest first while it can still beat the N-th.</summary>
    private void ConsiderWithLight(int slot, NeedContext need, TopN heap, double lightTotal)
    {
        ref readonly var startup = ref traits[slot];
        if (Feasible(startup, need))
        {
            AddLight(slot, Score(slot, startup, need), need, heap, lightTotal);
        }
    }

    /// <summary>Adds a candidate's light words heaviest first, giving up as soon as it cannot beat the N-th.</summary>
    private void AddLight(int slot, double known, NeedContext need, TopN heap, double lightTotal)
    {
        ref readonly var startup = ref traits[slot];
        var remaining = lightTotal;
        foreach (var (term, weight) in light)
        {
            if (heap.IsFull && known + MatchScoring.RelevanceWeight * remaining / need.Norm < heap.MinScore)
            {
                return; // even with every light word it stays below the N-th
            }
            remaining -= weight;
            if ((startup.TermSignature & (1UL << (term & 63))) == 0)
            {
                continue; // certainly not among its terms: no need to look
            }
            var docWeight = index.WeightIn(slot, term);
            if (docWeight > 0)
            {
                acc[slot].Relevance += weight * docWeight;
                known = Score(slot, startup, need);
            }
        }
        Offer(heap, known, slot);
    }

    private void Offer(TopN heap, double score, int slot)
    {
        if (!heap.IsFull || score >= heap.MinScore)
        {
            heap.Offer(score, entries[slot]!.Id, slot);
        }
    }

    private void Accumulate(int term, double weight, int stamp, bool isCategory, int skipStamp = -1)
    {
        var postings = index.Postings(term);
        var slots = postings.Slots;
        var weights = postings.Weights;
        for (var i = 0; i < postings.Count; i++)
        {
            var slot = slots[i];
            ref var a = ref acc[slot];
            if (a.Stamp != stamp)
            {
                if (a.Stamp == skipStamp)
                {
                    continue;
                }
                a = new Accumulator { Stamp = stamp };
                touched.Add(slot);
            }
            if (isCategory)
            {
                a.Category = Math.Max(a.Category, weight * weights[i]);
            }
            else
            {
                a.Relevance += weight * weights[i];
            }
        }
    }

    private void Scan(QueryPlan plan, NeedContext need, TopN heap)
    {
        EnsureAccumulators();
        for (var slot = 0; slot < index.SlotCapacity; slot++)
        {
            if (entries[slot] is null)
            {
                continue;
            }
            double rel = 0, cat = 0;
            foreach (var docTerm in index.TermsOf(slot))
            {
                if (plan.WeightByTerm.TryGetValue(docTerm.Term, out var weight))
                {
                    if (index.IsCategory(docTerm.Term))
                    {
                        cat = Math.Max(cat, weight * docTerm.Weight);
                    }
                    else
                    {
                        rel += weight * docTerm.Weight;
                    }
                }
            }
            if (rel > 0 || cat > 0)
            {
                acc[slot].Relevance = rel;
                acc[slot].Category = cat;
                Consider(slot, need, heap);
            }
        }
    }
}
