using Jazari.Marketplace.Grains.Profiles;

namespace Jazari.Marketplace.Grains.Incubation;

[GenerateSerializer, Alias("jazari.mentor-suggestion")]
public sealed record MentorSuggestion(
    [property: Id(0)] string MentorId,
    [property: Id(1)] string Name,
    [property: Id(2)] double Score,
    [property: Id(3)] int FreeCapacity,
    [property: Id(4)] IReadOnlyList<string> Reasons);

/// <summary>
/// Ranks mentors for a startup: expertise that overlaps the startup's categories and skills, a shared
/// language, and free capacity. Deliberately simple; it belongs in the matching library once that lands.
/// </summary>
public static class MentorSuggestions
{
    public static IReadOnlyList<MentorSuggestion> Rank(StartupDetails startup, IEnumerable<(string Id, MentorDetails Mentor, int Assigned)> mentors, int top)
    {
        var wanted = startup.Categories.Concat(startup.Skills).Select(Normal).ToHashSet();
        var suggestions = new List<MentorSuggestion>();
        foreach (var (id, mentor, assigned) in mentors)
        {
            var free = mentor.Capacity - assigned;
            if (free <= 0) continue;
            var expertise = mentor.Expertise.Where(e => wanted.Contains(Normal(e))).ToList();
            var languages = mentor.Languages.Intersect(startup.Languages).ToList();
            if (languages.Count == 0) continue;
            var reasons = new List<string>();
            if (expertise.Count > 0) reasons.Add($"expertise: {string.Join(", ", expertise)}");
            reasons.Add($"speaks {string.Join(", ", languages)}");
            reasons.Add($"{free} free place{(free == 1 ? "" : "s")}");
            var score = Math.Min(expertise.Count, 3) / 3.0 * 0.7 + 0.1 + Math.Min(free, 5) / 5.0 * 0.2;
            suggestions.Add(new MentorSuggestion(id, mentor.Name, Math.Round(score, 3), free, reasons));
        }
        return [.. suggestions.OrderByDescending(s => s.Score).ThenBy(s => s.MentorId, StringComparer.Ordinal).Take(top)];
    }

    private static string Normal(string text) => text.Trim().ToLowerInvariant();
}
