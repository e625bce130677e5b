namespace Jazari.Marketplace.Web.Application;

/// <summary>
/// Which published sets of SMEs to hold back so that no sum or difference of those left gives the figures of 1 to
/// <c>min</c> - 1 SMEs. The SMEs fall in groups that belong to the same sets; a set is a sum of groups. Gaussian
/// elimination (modulo a large prime, exact for these 0/1 vectors), the large groups' columns first and each row's
/// combination of sets kept, leaves in its last rows exactly what the sets give without any large group: any such
/// combination gives small groups alone, so while there is one, the smallest set it uses is held back (failing closed:
/// a set made of small groups only, say a region of six SMEs in six sectors, is held back too).
/// </summary>
public static class Disclosure
{
    private const long Prime = 2_147_483_647;

    /// <param name="sets">Each set as the groups it holds.</param>
    /// <param name="groups">The SMEs of each group.</param>
    /// <param name="kept">Sets never held back (the whole: alone it gives nothing).</param>
    /// <returns>The indices of the sets to hold back.</returns>
    public static HashSet<int> HeldBack(IReadOnlyList<IReadOnlyList<int>> sets, IReadOnlyList<int> groups, int min, IReadOnlySet<int> kept)
    {
        // Columns: the large groups, then the small ones.
        var order = Enumerable.Range(0, groups.Count).OrderBy(g => groups[g] is > 0 and var n && n < min ? 1 : 0).ThenBy(g => g).ToArray();
        var column = new int[groups.Count];
        for (var c = 0; c < order.Length; c++) column[order[c]] = c;
        var large = order.Count(g => groups[g] >= min);
        var held = new HashSet<int>();
        while (true)
        {
            var live = Enumerable.Range(0, sets.Count).Where(s => !held.Contains(s)).ToList();
            var rows = Reduce([.. live.Select(s => (IReadOnlyList<int>)[.. sets[s].Select(g => column[g])])], groups.Count);
            // A row whose pivot is a small group's has no large group left: it gives small groups alone.
            var small = rows.FirstOrDefault(r => Array.FindIndex(r.Vector, v => v != 0) >= large);
            if (small.Of is null) return held;
            var used = Enumerable.Range(0, live.Count).Where(i => small.Of[i] != 0).Select(i => live[i]).Where(s => !kept.Contains(s)).ToList();
            if (used.Count == 0) return held; // only kept sets give it: nothing left to hold back
            held.Add(used.OrderBy(s => sets[s].Sum(g => groups[g])).ThenBy(s => s).First());
        }
    }

    /// <summary>The reduced row echelon form of the sets' vectors, each row with the combination of sets it is.</summary>
    private static List<(long[] Vector, long[] Of)> Reduce(List<IReadOnlyList<int>> sets, int width)
    {
        var rows = sets.Select((set, i) =>
        {
            var vector = new long[width];
            foreach (var g in set) vector[g] = 1;
            var of = new long[sets.Count];
            of[i] = 1;
            return (vector, of);
        }).ToList();
        var rank = 0;
        for (var column = 0; column < width && rank < rows.Count; column++)
        {
            var found = -1;
            for (var r = rank; r < rows.Count; r++) if (rows[r].vector[column] != 0) { found = r; break; }
            if (found < 0) continue;
            (rows[rank], rows[found]) = (rows[found], rows[rank]);
            var inverse = Power(rows[rank].vector[column], Prime - 2);
            Scale(rows[rank], inverse);
            for (var r = 0; r < rows.Count; r++)
                if (r != rank && rows[r].vector[column] is var factor and not 0) Subtract(rows[r], rows[rank], factor);
            rank++;
        }
        return [.. rows.Take(rank).Select(r => (r.vector, r.of))];
    }

    private static void Scale((long[] Vector, long[] Of) row, long factor)
    {
        for (var i = 0; i < row.Vector.Length; i++) row.Vector[i] = row.Vector[i] * factor % Prime;
        for (var i = 0; i < row.Of.Length; i++) row.Of[i] = row.Of[i] * factor % Prime;
    }

    private static void Subtract((long[] Vector, long[] Of) row, (long[] Vector, long[] Of) pivot, long factor)
    {
        for (var i = 0; i < row.Vector.Length; i++) if (pivot.Vector[i] != 0) row.Vector[i] = ((row.Vector[i] - factor * pivot.Vector[i]) % Prime + Prime) % Prime;
        for (var i = 0; i < row.Of.Length; i++) if (pivot.Of[i] != 0) row.Of[i] = ((row.Of[i] - factor * pivot.Of[i]) % Prime + Prime) % Prime;
    }

    private static long Power(long value, long exponent)
    {
        long result = 1;
        value %= Prime;
        for (; exponent > 0; exponent >>= 1, value = value * value % Prime) if ((exponent & 1) == 1) result = result * value % Prime;
        return result;
    }
}
