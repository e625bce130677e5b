namespace Jazari.Marketplace.Web.Application;

/// <summary>
/// Which published sets of SMEs to hold back so that no sum or difference of those left gives the figures of 1 to
/// <c>min</c> - 1 SMEs. The SMEs fall in groups that belong to the same sets; a set is a sum of groups. A small group
/// (or two small groups together) is disclosed when its vector is a combination of the sets' vectors: found by
/// Gaussian elimination (modulo a large prime, exact for these 0/1 vectors), with each row's combination of sets
/// kept, so that the smallest set used is the one held back. Repeated until nothing small is reachable.
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
        var held = new HashSet<int>();
        var small = Enumerable.Range(0, groups.Count).Where(g => groups[g] is > 0 && groups[g] < min).ToList();
        var probes = small.Select(g => new[] { g })
            .Concat(small.SelectMany((a, i) => small.Skip(i + 1).Where(b => groups[a] + groups[b] < min).Select(b => new[] { a, b }))).ToList();
        while (true)
        {
            var live = Enumerable.Range(0, sets.Count).Where(s => !held.Contains(s)).ToList();
            var (rows, pivots) = Reduce(live.Select(s => sets[s]).ToList(), groups.Count);
            var combination = probes.Select(p => Combination(rows, pivots, p, groups.Count, live.Count)).FirstOrDefault(c => c is not null);
            if (combination is null) return held;
            var used = Enumerable.Range(0, live.Count).Where(i => combination[i] != 0).Select(i => live[i]).Where(s => !kept.Contains(s)).ToList();
            if (used.Count == 0) return held; // only kept sets give it: nothing left to hold back
            held.Add(used.OrderBy(s => sets[s].Sum(g => groups[g])).ThenBy(s => s).First());
        }
    }

    /// <summary>The reduced row echelon form of the sets' vectors, each row with the combination of sets it is.</summary>
    private static (List<(long[] Vector, long[] Of)> Rows, Dictionary<int, int> Pivots) Reduce(List<IReadOnlyList<int>> sets, int width)
    {
        var rows = sets.Select((set, i) =>
        {
            var vector = new long[width];
            foreach (var g in set) vector[g] = 1;
            var of = new long[sets.Count];
            of[i] = 1;
            return (vector, of);
        }).ToList();
        var pivots = new Dictionary<int, int>();
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
            pivots[column] = rank++;
        }
        return ([.. rows.Take(rank).Select(r => (r.vector, r.of))], pivots);
    }

    /// <summary>The combination of sets that gives exactly the probe's groups once each, or null when none does.</summary>
    private static long[]? Combination(List<(long[] Vector, long[] Of)> rows, Dictionary<int, int> pivots, int[] probe, int width, int setCount)
    {
        // In reduced form a vector of the span is the sum of its pivot entries times their rows.
        var sum = new long[width];
        var of = new long[setCount];
        foreach (var g in probe)
        {
            if (!pivots.TryGetValue(g, out var r)) return null;
            for (var i = 0; i < width; i++) sum[i] = (sum[i] + rows[r].Vector[i]) % Prime;
            for (var i = 0; i < setCount; i++) of[i] = (of[i] + rows[r].Of[i]) % Prime;
        }
        for (var i = 0; i < width; i++) if (sum[i] != (probe.Contains(i) ? 1 : 0)) return null;
        return of;
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
