namespace Jazari.Marketplace.Matching;

/// <summary>
/// Keeps the best N (score desc, then id asc) in a min-heap of size N: O(log N) per candidate,
/// whatever the number of candidates.
/// </summary>
internal sealed class TopN(int size)
{
    private readonly (double Score, string Id, int Slot)[] heap = new (double, string, int)[Math.Max(0, size)];

    public int Count { get; private set; }

    public int Capacity => heap.Length;

    public bool IsFull => Count == heap.Length;

    /// <summary>The score a newcomer must beat once the heap is full.</summary>
    public double MinScore => Count == 0 ? double.NegativeInfinity : heap[0].Score;

    public void Offer(double score, string id, int slot)
    {
        if (heap.Length == 0)
        {
            return;
        }
        if (Count < heap.Length)
        {
            heap[Count] = (score, id, slot);
            SiftUp(Count++);
        }
        else if (Worse(heap[0], (score, id, slot)))
        {
            heap[0] = (score, id, slot);
            SiftDown(0);
        }
    }

    /// <summary>The kept entries, best first.</summary>
    public List<(double Score, string Id, int Slot)> Drain()
    {
        var result = heap[..Count].ToList();
        result.Sort((a, b) => Worse(a, b) ? 1 : Worse(b, a) ? -1 : 0);
        Count = 0;
        return result;
    }

    private static bool Worse((double Score, string Id, int Slot) a, (double Score, string Id, int Slot) b) =>
        a.Score < b.Score || (a.Score == b.Score && string.CompareOrdinal(a.Id, b.Id) > 0);

    private void SiftUp(int i)
    {
        while (i > 0)
        {
            var parent = (i - 1) / 2;
            if (!Worse(heap[i], heap[parent]))
            {
                return;
            }
            (heap[i], heap[parent]) = (heap[parent], heap[i]);
            i = parent;
        }
    }

    private void SiftDown(int i)
    {
        while (true)
        {
            var left = 2 * i + 1;
            if (left >= Count)
            {
                return;
            }
            var worst = left + 1 < Count && Worse(heap[left + 1], heap[left]) ? left + 1 : left;
            if (!Worse(heap[worst], heap[i]))
            {
                return;
            }
            (heap[i], heap[worst]) = (heap[worst], heap[i]);
            i = worst;
        }
    }
}
