using System.Runtime.InteropServices;

namespace Jazari.Marketplace.Matching;

/// <summary>
/// The inverted index shared by both directions: interned terms, one compact posting list per
/// term (slots and weights in two arrays), and for every slot its terms sorted by id with the
/// position of its posting, so that removing a document costs O(its terms), not O(catalogue).
/// </summary>
internal sealed class PostingIndex
{
    private readonly Dictionary<string, int> termIds = new(StringComparer.Ordinal);
    private readonly List<string> termKeys = [];
    private readonly List<string> termSurfaces = [];
    private readonly List<bool> termIsCategory = [];
    private readonly List<PostingList> postings = [];
    private readonly Vocabulary vocabulary = new();
    private DocTerm[]?[] docTerms = new DocTerm[]?[16];
    private readonly Stack<int> freeSlots = new();
    private int slotCount;

    public int DocumentCount { get; private set; }

    /// <summary>Slots in use or freed: accumulator arrays must be at least this long.</summary>
    public int SlotCapacity => slotCount;

    public int FindTerm(string key) => termIds.GetValueOrDefault(key, -1);

    public string Surface(int term) => termSurfaces[term];

    /// <summary>
    /// A word of the index written like <paramref name="form"/> (an other spelling of a word the index lacks):
    /// the same word, the same Darija skeleton, or the closest by character trigrams; with how close it is.
    /// Only words some document still has.
    /// </summary>
    public (int Term, double Similarity) Nearest(string form)
    {
        var exact = FindTerm(form);
        if (exact >= 0 && !ProfileTerms.IsCategory(form) && DocumentFrequency(exact) > 0)
        {
            return (exact, 1);
        }
        return vocabulary.Nearest(form, term => DocumentFrequency(term));
    }

    public string Key(int term) => termKeys[term];

    public bool IsCategory(int term) => termIsCategory[term];

    public int DocumentFrequency(int term) => postings[term].Count;

    /// <summary>Rarer terms weigh more (the BM25 form of IDF, always positive).</summary>
    public double Idf(int term)
    {
        if (term < 0)
        {
            return IdfOf(0);
        }
        var list = postings[term];
        if (list.IdfForCount != list.Count || list.IdfForDocuments != DocumentCount)
        {
            list.Idf = IdfOf(list.Count);
            list.IdfForCount = list.Count;
            list.IdfForDocuments = DocumentCount;
        }
        return list.Idf;
    }

    public double IdfOf(int documentFrequency) =>
        Math.Log(1 + (DocumentCount - documentFrequency + 0.5) / (documentFrequency + 0.5));

    public PostingList Postings(int term) => postings[term];

    public ReadOnlySpan<DocTerm> TermsOf(int slot) => docTerms[slot];

    /// <summary>A 64-bit summary of a document's terms (bit = term id mod 64), to skip lookups that must fail.</summary>
    public ulong Signature(int slot)
    {
        var signature = 0UL;
        foreach (var docTerm in docTerms[slot]!)
        {
            signature |= 1UL << (docTerm.Term & 63);
        }
        return signature;
    }

    /// <summary>The weight of a term in a document, 0 if absent (binary search in its sorted terms).</summary>
    public float WeightIn(int slot, int term)
    {
        var terms = docTerms[slot]!;
        int lo = 0, hi = terms.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var t = terms[mid].Term;
            if (t == term)
            {
                return terms[mid].Weight;
            }
            if (t < term)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return 0f;
    }

    public int Add(ProfileTerms profile)
    {
        var slot = freeSlots.Count > 0 ? freeSlots.Pop() : NewSlot();
        var terms = new DocTerm[profile.Terms.Count];
        var i = 0;
        foreach (var (key, (weight, surface)) in profile.Terms)
        {
            terms[i++] = new DocTerm(Intern(key, surface), weight, 0);
        }
        Array.Sort(terms, (a, b) => a.Term.CompareTo(b.Term));
        for (i = 0; i < terms.Length; i++)
        {
            terms[i].Position = postings[terms[i].Term].Append(slot, terms[i].Weight);
        }
        docTerms[slot] = terms;
        DocumentCount++;
        return slot;
    }

    public void Remove(int slot)
    {
        foreach (var docTerm in docTerms[slot]!)
        {
            var list = postings[docTerm.Term];
            var moved = list.RemoveAt(docTerm.Position);
            if (moved >= 0)
            {
                SetPosition(moved, docTerm.Term, docTerm.Position);
            }
        }
        docTerms[slot] = null;
        freeSlots.Push(slot);
        DocumentCount--;
    }

    private void SetPosition(int slot, int term, int position)
    {
        var terms = docTerms[slot]!;
        int lo = 0, hi = terms.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (terms[mid].Term == term)
            {
                terms[mid].Position = position;
                return;
            }
            if (terms[mid].Term < term)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        throw new InvalidOperationException("Posting without its document term.");
    }

    private int NewSlot()
    {
        if (slotCount == docTerms.Length)
        {
            Array.Resize(ref docTerms, docTerms.Length * 2);
        }
        return slotCount++;
    }

    private int Intern(string key, string surface)
    {
        ref var id = ref CollectionsMarshal.GetValueRefOrAddDefault(termIds, key, out var exists);
        if (!exists)
        {
            id = termKeys.Count;
            termKeys.Add(key);
            termSurfaces.Add(surface);
            termIsCategory.Add(ProfileTerms.IsCategory(key));
            postings.Add(new PostingList());
            vocabulary.Add(key, id);
        }
        return id;
    }
}

/// <summary>A term of one document: its id, its weight, and where its posting sits in the term's list.</summary>
internal struct DocTerm(int term, float weight, int position)
{
    public readonly int Term = term;
    public readonly float Weight = weight;
    public int Position = position;
}

/// <summary>The documents holding one term, unordered; removal swaps the last posting into the hole.</summary>
internal sealed class PostingList
{
    private static readonly int[] NoSlots = [];
    private static readonly float[] NoWeights = [];

    public int[] Slots { get; private set; } = NoSlots;

    public float[] Weights { get; private set; } = NoWeights;

    public int Count { get; private set; }

    /// <summary>Cached IDF, valid while the list length and the document count are those it was computed for.</summary>
    public double Idf { get; set; }

    public int IdfForCount { get; set; } = -1;

    public int IdfForDocuments { get; set; } = -1;

    public int Append(int slot, float weight)
    {
        if (Count == Slots.Length)
        {
            var size = Math.Max(2, Count + Count / 2);
            var slots = Slots;
            var weights = Weights;
            Array.Resize(ref slots, size);
            Array.Resize(ref weights, size);
            Slots = slots;
            Weights = weights;
        }
        Slots[Count] = slot;
        Weights[Count] = weight;
        return Count++;
    }

    /// <summary>Removes the posting at <paramref name="position"/>; returns the slot moved into it, or -1.</summary>
    public int RemoveAt(int position)
    {
        var last = --Count;
        if (position == last)
        {
            return -1;
        }
        Slots[position] = Slots[last];
        Weights[position] = Weights[last];
        return Slots[position];
    }
}
